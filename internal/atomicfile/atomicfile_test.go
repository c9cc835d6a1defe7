package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFileCreatesWithPerm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	require.NoError(t, WriteFile(path, []byte("new"), 0o600))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "a new file must be private")
}

func TestWriteFileKeepsExistingPerm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o640))
	require.NoError(t, os.Chmod(path, 0o640))
	require.NoError(t, WriteFile(path, []byte("new"), 0o600))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
}

func TestCrashBeforeRenameLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o600))
	crash := errors.New("crash")
	beforeRename = func(string) error { return crash }
	t.Cleanup(func() { beforeRename = func(string) error { return nil } })

	err := WriteFile(path, []byte("new"), 0o600)
	require.ErrorIs(t, err, crash)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old", string(got), "the old content must survive a crash before the rename")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temp file may be left behind")
}

func TestWriteFileRefusesFolder(t *testing.T) {
	dir := t.TempDir()
	require.Error(t, WriteFile(dir, []byte("x"), 0o600))
}

func TestWriteNewNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	require.NoError(t, WriteNew(path, []byte("first"), 0o600))
	err := WriteNew(path, []byte("second"), 0o600)
	require.ErrorIs(t, err, os.ErrExist)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "first", string(got), "a second creator must not replace the file")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temp file may be left behind")
}
