package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// On Windows a reader that opened the file without FILE_SHARE_DELETE (os.Open does so) blocks
// a rename over it: the write waits for the reader to close instead of failing.
func TestWriteFileWaitsForAReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, WriteFile(path, []byte("old"), 0o600))
	reader, err := os.Open(path)
	require.NoError(t, err)
	retries := 0
	replaceRetried = func(int) {
		retries++
		if retries == 2 {
			reader.Close() // the calendar app finishes reading
		}
	}
	t.Cleanup(func() { replaceRetried = func(int) {} })

	require.NoError(t, WriteFile(path, []byte("new"), 0o600))
	assert.Equal(t, 2, retries, "blocked until the reader closed")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(b))
	left, err := filepath.Glob(filepath.Join(filepath.Dir(path), ".activity.ics.tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left)
}

func TestWriteFileGivesUpOnAReaderThatStays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, WriteFile(path, []byte("old"), 0o600))
	reader, err := os.Open(path)
	require.NoError(t, err)
	defer reader.Close()

	err = WriteFile(path, []byte("new"), 0o600)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "another program keeps the file open")
	reader.Close()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old", string(b), "nothing lost")
	left, err := filepath.Glob(filepath.Join(filepath.Dir(path), ".activity.ics.tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "the temp copy is removed")
}
