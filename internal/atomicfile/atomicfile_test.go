package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
	assertPerm(t, path, 0o600, "a new file must be private")
}

// assertPerm checks a file's permission bits; Windows has only the read-only attribute (Go
// shows 0666 or 0444), and a file there is private through its folder's ACL (%APPDATA%).
func assertPerm(t *testing.T, path string, want os.FileMode, msg ...any) {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS == "windows" {
		assert.Equal(t, want&0o200 != 0, fi.Mode().Perm()&0o200 != 0, msg...)
		return
	}
	assert.Equal(t, want, fi.Mode().Perm(), msg...)
}

func TestWriteFileKeepsExistingPerm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o640))
	require.NoError(t, os.Chmod(path, 0o640))
	require.NoError(t, WriteFile(path, []byte("new"), 0o600))
	assertPerm(t, path, 0o640)
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
	assertPerm(t, path, 0o600)
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
	assertPerm(t, path, 0o600)
	assertPerm(t, filepath.Dir(path), 0o700)
	assert.Error(t, WriteJSON(path, func() {}), "a value JSON cannot hold")
}

// sameAs is an unchanged callback accepting only want (and a missing file when want is nil).
func sameAs(want []byte) func([]byte, bool) error {
	return func(current []byte, exists bool) error {
		if exists != (want != nil) || !bytes.Equal(current, want) {
			return errOutside
		}
		return nil
	}
}

var errOutside = errors.New("changed by another program")

// TestWriteFileIfKeepsAnOutsideWrite: another program writes the file after the check and
// before the replace (defect 2 of issue 13), by a rename or in place. On Linux the exchange
// gives the other program's file back; the caller then reads it again. A file another program
// creates where there was none is kept on every system (a hard link never replaces).
func TestWriteFileIfKeepsAnOutsideWrite(t *testing.T) {
	for _, tc := range []struct {
		existed, inPlace bool
	}{{true, false}, {true, true}, {false, false}} {
		t.Run(fmt.Sprintf("file existed %v, written in place %v", tc.existed, tc.inPlace), func(t *testing.T) {
			if tc.existed && runtime.GOOS != "linux" {
				t.Skip("only Linux has an atomic exchange; elsewhere the check just before the rename is the last one")
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "cal.ics")
			var read []byte
			if tc.existed {
				read = []byte("what awcal read")
				require.NoError(t, os.WriteFile(path, read, 0o600))
			}
			afterCheck = func(p string) {
				if tc.inPlace {
					require.NoError(t, os.WriteFile(p, []byte("the other program's edit"), 0o600))
					return
				}
				tmp := filepath.Join(dir, "other-app")
				require.NoError(t, os.WriteFile(tmp, []byte("the other program's edit"), 0o600))
				require.NoError(t, os.Rename(tmp, p))
			}
			t.Cleanup(func() { afterCheck = func(string) {} })
			err := WriteFileIf(path, []byte("awcal's new file"), 0o600, sameAs(read))
			require.ErrorIs(t, err, errOutside)
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "the other program's edit", string(got))
			assertOnlyFile(t, dir)

			afterCheck = func(string) {}
			require.NoError(t, WriteFileIf(path, []byte("awcal's file, on top"), 0o600, sameAs(got)))
			got, err = os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "awcal's file, on top", string(got))
			assertOnlyFile(t, dir)
		})
	}
}

// assertOnlyFile checks that dir holds one file: no temp file is left.
func assertOnlyFile(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temp file left: %v", entries)
}
