package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestURLPasswordsNeverEchoed is defect 10 of issue 13: `buckets --url` printed a URL that
// does not parse with its password, and `password set --url` took credentials in the URL.
func TestURLPasswordsNeverEchoed(t *testing.T) {
	const secret = "S3cr%zzPW"
	t.Run("buckets --url that does not parse", func(t *testing.T) {
		code, stdout, stderr := runBucketsCLI(t, nil, "--url", "http://alice:"+secret+"@127.0.0.1:5600")
		assert.Equal(t, ExitUsage, code)
		assert.NotContains(t, stdout+stderr, "S3cr")
		assert.Contains(t, stderr, "127.0.0.1:5600", "the message still names the server")
		assert.Contains(t, stderr, "set it like http://127.0.0.1:5600")
	})
	t.Run("password set --url with credentials", func(t *testing.T) {
		for _, u := range []string{"https://alice:" + secret + "@dav.example.test/", "https://alice:pw@dav.example.test/"} {
			code, stdout, stderr := runPasswordCLI(t, nil, "typed\n", "set", "--url", u, "--username", "alice")
			require.NotEqual(t, ExitOK, code, u)
			assert.NotContains(t, stdout+stderr, "S3cr")
			assert.NotContains(t, stdout+stderr, ":pw@")
			assert.Contains(t, stderr, "--url must not hold a user name or password")
		}
	})
}
