package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// longDir creates nested folders under a temp folder and returns the innermost, whose files'
// absolute paths are longer than MAX_PATH (260 characters).
func longDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for len(dir) < 300 {
		dir = filepath.Join(dir, strings.Repeat("nested", 8))
	}
	require.NoError(t, os.MkdirAll(dir, 0o700))
	return dir
}

// WriteFileIf works on a file whose path is longer than MAX_PATH: it creates it, replaces it
// (holding it from the check to the rename, which opens the temp file and the folder itself)
// and waits for a program holding it; TestWriteFileIfHoldsOffAnOutsideWrite holds off another
// program's write there. Wine 8 has no MAX_PATH limit (a plain long path works there too), so
// under Wine this checks that the extended-length form names the right file, however the path
// is spelt; on a Windows without long paths enabled, the plain path fails.
func TestWriteFileIfOnALongPath(t *testing.T) {
	dir := longDir(t)
	path := filepath.Join(dir, "activity.ics")
	require.Greater(t, len(path), 260)
	require.NoError(t, WriteFileIf(path, []byte("first"), 0o600, sameAs(nil)), "created")
	require.NoError(t, WriteFileIf(path, []byte("second"), 0o600, sameAs([]byte("first"))), "replaced")
	b, err := ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "second", string(b))

	retries := releaseOnRetry(t, 1, holdExclusively(t, path))
	require.NoError(t, WriteFileIf(path, []byte("third"), 0o600, sameAs(b)))
	assert.Equal(t, 1, *retries, "blocked until the holder let go")
	b, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "third", string(b))

	// Spelt with / and . and .., which the extended-length form would take literally.
	unclean := dir + "/./elsewhere/../" + filepath.Base(path)
	require.NoError(t, WriteFileIf(unclean, []byte("fourth"), 0o600, sameAs(b)))
	b, err = ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "fourth", string(b))
	assertOnlyFile(t, dir)
}

// A relative path is taken from the working folder, as by the os package.
func TestWriteFileIfOnARelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, WriteFileIf("activity.ics", []byte("first"), 0o600, sameAs(nil)))
	require.NoError(t, WriteFileIf("activity.ics", []byte("second"), 0o600, sameAs([]byte("first"))))
	b, err := os.ReadFile(filepath.Join(dir, "activity.ics"))
	require.NoError(t, err)
	assert.Equal(t, "second", string(b))
	assertOnlyFile(t, dir)
}
