package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Another program that tries to write the file between WriteFileIf's check and its replace,
// by a rename or in place, is refused (as it would be by any reader on Windows) until the
// replace is done; written after it, its edit is kept, and awcal's next write sees it. Also in
// a folder whose files' paths are longer than MAX_PATH.
func TestWriteFileIfHoldsOffAnOutsideWrite(t *testing.T) {
	for name, folder := range map[string]func(*testing.T) string{
		"short path": func(t *testing.T) string { return t.TempDir() },
		"long path":  longDir,
	} {
		t.Run(name, func(t *testing.T) { testHoldsOffAnOutsideWrite(t, folder(t)) })
	}
}

func testHoldsOffAnOutsideWrite(t *testing.T, dir string) {
	path := filepath.Join(dir, "activity.ics")
	read := []byte("what awcal read")
	require.NoError(t, os.WriteFile(path, read, 0o600))
	other := filepath.Join(dir, "other-app")
	require.NoError(t, os.WriteFile(other, []byte("the other program's edit"), 0o600))
	var renameErr, writeErr error
	afterCheck = func(p string) {
		renameErr = os.Rename(other, p)
		writeErr = os.WriteFile(p, []byte("the other program's edit, in place"), 0o600)
	}
	t.Cleanup(func() { afterCheck = func(string) {} })

	require.NoError(t, WriteFileIf(path, []byte("awcal's new file"), 0o600, sameAs(read)))
	require.Error(t, renameErr, "a rename over the checked file must wait")
	assert.True(t, blocked(renameErr), "refused as held by another program: %v", renameErr)
	require.Error(t, writeErr, "a write to the checked file must wait")
	assert.True(t, blocked(writeErr), "refused as held by another program: %v", writeErr)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "awcal's new file", string(b))

	// The other program retries once awcal is done: its edit lands on top, and awcal, which
	// read its own file, finds it changed.
	afterCheck = func(string) {}
	require.NoError(t, os.Rename(other, path))
	err = WriteFileIf(path, []byte("awcal's next file"), 0o600, sameAs(b))
	require.ErrorIs(t, err, errOutside)
	b, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "the other program's edit", string(b))
	assertOnlyFile(t, dir)
}
