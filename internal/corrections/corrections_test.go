package corrections

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func at(h int) time.Time { return time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC) }

func TestSaveAndLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	path := filepath.Join(dir, FileName)
	f, err := Load(path)
	require.NoError(t, err, "a missing file is an empty one")
	require.NoError(t, f.Know("a@awcal", Known{ProfileID: "p", Start: at(9), End: at(10)}))
	require.NoError(t, f.Know("b@awcal", Known{ProfileID: "p", Start: at(11), End: at(12)}))
	april := time.Date(2026, 4, 1, 0, 30, 0, 0, time.UTC)
	require.NoError(t, f.Know("c@awcal", Known{ProfileID: "p", Start: april, End: april.Add(time.Hour)}))
	require.NoError(t, f.Bury("a@awcal", Known{ProfileID: "p", Start: at(9), End: at(10)}, ReasonDeleted))
	f.Tomb(Tombstone{UID: "r@awcal", ProfileID: "q", Start: at(7), End: at(8), Reason: ReasonRejected})
	require.NoError(t, f.Save())
	for _, p := range []string{path, filepath.Join(dir, "known", "2026-03.json"), filepath.Join(dir, "known", "2026-04.json")} {
		info, err := os.Stat(p)
		require.NoError(t, err)
		if runtime.GOOS != "windows" { // no Unix permission bits there
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), p)
		}
	}

	got, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, []Tombstone{
		{UID: "r@awcal", ProfileID: "q", Start: at(7), End: at(8), Reason: ReasonRejected},
		{UID: "a@awcal", ProfileID: "p", Start: at(9), End: at(10), Reason: ReasonDeleted},
	}, got.Tombstones, "sorted by start")
	k, ok, err := got.Lookup("b@awcal", at(11))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, Known{ProfileID: "p", Start: at(11), End: at(12)}, k)
	_, ok, err = got.Lookup("a@awcal", at(9))
	require.NoError(t, err)
	assert.False(t, ok, "a buried event is not known")
	gone, spans, err := got.Vanished(at(0), april.Add(2*time.Hour), map[string]bool{"b@awcal": true})
	require.NoError(t, err)
	assert.Equal(t, []string{"c@awcal"}, gone, "a range across months reads both")
	assert.Equal(t, april, spans["c@awcal"].Start)
}

func TestOnlyTheMonthsAskedForAreRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	f, err := Load(path)
	require.NoError(t, err)
	require.NoError(t, f.Know("a@awcal", Known{ProfileID: "p", Start: at(9), End: at(10)}))
	require.NoError(t, f.Save())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "known", "2025-01.json"), []byte("{broken"), 0o600))
	g, err := Load(path)
	require.NoError(t, err)
	_, ok, err := g.Lookup("a@awcal", at(9))
	require.NoError(t, err, "a run in March never reads January")
	assert.True(t, ok)
	_, _, err = g.Lookup("a@awcal", time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC))
	require.Error(t, err, "but a backfill of January stops at its corrupt file")
	assert.Contains(t, err.Error(), "2025-01.json")
}

func TestLoadRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"not JSON", "{not json", "is corrupt"},
		{"unknown key", `{"version":1,"tombstones":[],"extra":1}`, "is corrupt"},
		{"trailing data", `{"version":1,"tombstones":[]} {}`, "unexpected data after the end"},
		{"no version", `{"tombstones":[]}`, "no format version"},
		{"newer version", `{"version":99,"tombstones":[]}`, "upgrade awcal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			_, err := Load(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), path)
			data, _ := os.ReadFile(path)
			assert.Equal(t, tc.content, string(data), "the file is left alone")
		})
	}
}

func TestForgetAndIn(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), FileName))
	require.NoError(t, err)
	for _, h := range []int{8, 10, 12} {
		f.Tomb(Tombstone{UID: "x", Start: at(h), End: at(h + 1)})
	}
	assert.Len(t, f.In(at(9), at(11)), 1, "only [10, 11) overlaps; [8, 9) touches")
	assert.Equal(t, 2, f.Forget(at(9), at(13)))
	assert.Equal(t, []Tombstone{{UID: "x", Start: at(8), End: at(9)}}, f.Tombstones)
}

func TestKnowMovesAnEventBetweenMonths(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), FileName))
	require.NoError(t, err)
	late := time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)
	require.NoError(t, f.Know("a", Known{Start: late, End: late.Add(2 * time.Hour)}))
	moved := late.Add(90 * time.Minute)
	require.NoError(t, f.Know("a", Known{Start: moved, End: moved.Add(time.Hour)}))
	gone, _, err := f.Vanished(late.Add(-time.Hour), moved.Add(2*time.Hour), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, gone, "known once, in April")
}
