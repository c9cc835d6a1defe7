package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/windows"
)

// holdExclusively opens path as a program that shares nothing does (share mode 0), so that
// every other open and a rename over it fail with a sharing violation until release.
func holdExclusively(t *testing.T, path string) (release func()) {
	t.Helper()
	p, err := winPath(path)
	require.NoError(t, err)
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	require.NoError(t, err)
	closed := false
	release = func() {
		if !closed {
			closed = true
			require.NoError(t, windows.CloseHandle(h))
		}
	}
	t.Cleanup(release)
	return release
}

// releaseOnRetry makes the n-th retry of a blocked operation call release, and counts retries.
func releaseOnRetry(t *testing.T, n int, release func()) *int {
	retries := 0
	retried = func(int) {
		retries++
		if retries == n {
			release()
		}
	}
	t.Cleanup(func() { retried = func(int) {} })
	return &retries
}

func assertNoTemps(t *testing.T, path string) {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "the temp copy is gone")
}

// On Windows a reader that opened the file without FILE_SHARE_DELETE (os.Open does so) blocks
// a rename over it: the write waits for the reader to close instead of failing.
func TestWriteFileWaitsForAReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, WriteFile(path, []byte("old"), 0o600))
	reader, err := os.Open(path)
	require.NoError(t, err)
	retries := releaseOnRetry(t, 2, func() { reader.Close() }) // the calendar app finishes reading

	require.NoError(t, WriteFile(path, []byte("new"), 0o600))
	assert.Equal(t, 2, *retries, "blocked until the reader closed")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(b))
	assertNoTemps(t, path)
}

// A program that holds the file exclusively for a moment (as one replacing it does) blocks
// both WriteFileIf's check of the file and its replace: it waits, checks what the file holds
// once released, and replaces it.
func TestWriteFileIfWaitsForAnExclusiveHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, WriteFile(path, []byte("old"), 0o600))
	release := holdExclusively(t, path)
	retries := releaseOnRetry(t, 3, release)

	var checked []string
	err := WriteFileIf(path, []byte("new"), 0o600, func(current []byte, exists bool) error {
		checked = append(checked, string(current))
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 3, *retries, "blocked until the holder let go")
	assert.Equal(t, []string{"old"}, checked, "the check saw the file as the holder left it")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(b))
	assertNoTemps(t, path)
}

// A program that blocks the replace because it is reading the file, and writes the file
// before it lets go, keeps its write: WriteFileIf checks the file again rather than retrying
// the rename alone.
func TestWriteFileIfChecksAgainAfterABlockedRename(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, WriteFile(path, []byte("old"), 0o600))
	reader, err := os.Open(path)
	require.NoError(t, err)
	retries := releaseOnRetry(t, 1, func() {
		reader.Close()
		require.NoError(t, os.WriteFile(path, []byte("theirs"), 0o600))
	})

	changed := errors.New("changed since read")
	var checked []string
	err = WriteFileIf(path, []byte("new"), 0o600, func(current []byte, exists bool) error {
		checked = append(checked, string(current))
		if string(current) != "old" {
			return changed
		}
		return nil
	})
	require.ErrorIs(t, err, changed)
	assert.Equal(t, 1, *retries)
	assert.Equal(t, []string{"old", "theirs"}, checked, "checked before the blocked rename, and again after")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "theirs", string(b), "the other program's write is kept")
	assertNoTemps(t, path)
}

// ReadFile waits while another program holds the file exclusively, and reads what it left.
func TestReadFileWaitsForAnExclusiveHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, os.WriteFile(path, []byte("theirs"), 0o600))
	release := holdExclusively(t, path)
	_, err := os.ReadFile(path)
	require.True(t, errors.Is(err, windows.ERROR_SHARING_VIOLATION), "os.ReadFile fails at once: %v", err)
	retries := releaseOnRetry(t, 1, release)

	b, err := ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "theirs", string(b))
	assert.Equal(t, 1, *retries)
}

func TestWriteFileGivesUpOnAReaderThatStays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, WriteFile(path, []byte("old"), 0o600))
	reader, err := os.Open(path)
	require.NoError(t, err)
	defer reader.Close()
	retries := releaseOnRetry(t, -1, func() {})

	err = WriteFile(path, []byte("new"), 0o600)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "another program keeps the file open")
	assert.Equal(t, blockedAttempts-1, *retries, "a bounded number of retries")
	reader.Close()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old", string(b), "nothing lost")
	assertNoTemps(t, path)
}
