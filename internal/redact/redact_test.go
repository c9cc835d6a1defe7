package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:5600", "http://127.0.0.1:5600"},
		{"http://alice:S3cretPW@example.com/dav/", "http://xxxxx@example.com/dav/"},
		// Defect 10 of issue 13: a URL that does not parse kept its password in the message.
		{`--url "http://alice:S3cr%zzPW@127.0.0.1:5600" is not an address`, `--url "http://xxxxx@127.0.0.1:5600" is not an address`},
		{`parse "https://bob:p@ss:w/rd@dav.example.com/": invalid port`, `parse "https://xxxxx@dav.example.com/": invalid port`},
		{"https://token@dav.example.com", "https://xxxxx@dav.example.com"},
		// An '@' in the path of a URL that parses is not user information.
		{"https://dav.example.com/calendars/alice@example.com/work/", "https://dav.example.com/calendars/alice@example.com/work/"},
		{"two: http://a:b@x/ and https://c:d@y/z", "two: http://xxxxx@x/ and https://xxxxx@y/z"},
		{"no url here", "no url here"},
		{"://@", "://xxxxx@"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Text(tt.in), tt.in)
		assert.Equal(t, tt.in != tt.want, HasCredentials(tt.in), tt.in)
	}
}
