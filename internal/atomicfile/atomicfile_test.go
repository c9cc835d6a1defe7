package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

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

func TestWriteFileRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	stale := filepath.Join(dir, ".state.json.tmp-111")  // left by a writer killed long ago
	fresh := filepath.Join(dir, ".state.json.tmp-222")  // another writer may be using it now
	other := filepath.Join(dir, ".config.json.tmp-333") // another file's temp
	for _, p := range []string{stale, fresh, other} {
		require.NoError(t, os.WriteFile(p, []byte("old copy"), 0o600))
	}
	old := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(stale, old, old))
	require.NoError(t, os.Chtimes(other, old, old))

	require.NoError(t, WriteFile(path, []byte("new"), 0o600))
	assert.NoFileExists(t, stale, "a stale temp of this file must be removed")
	assert.FileExists(t, fresh, "a recent temp may belong to a writer still at work")
	assert.FileExists(t, other, "another file's temps are not this write's business")
}

func TestWriteJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "state.json")
	require.NoError(t, WriteJSON(path, map[string]int{"a": 1}))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"a\": 1\n}\n", string(data))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	dir, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), dir.Mode().Perm())
	assert.Error(t, WriteJSON(path, func() {}), "a value JSON cannot hold")
}
