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
	path := filepath.Join(t.TempDir(), "sub", FileName)
	f, err := Load(path)
	require.NoError(t, err, "a missing file is an empty one")
	assert.Empty(t, f.Known)
	f.Known["a@awcal"] = Known{ProfileID: "p", Start: at(9), End: at(10)}
	f.Known["b@awcal"] = Known{ProfileID: "p", Start: at(11), End: at(12)}
	f.Bury("a@awcal", ReasonDeleted)
	f.Tomb(Tombstone{UID: "c@awcal", ProfileID: "q", Start: at(7), End: at(8), Reason: ReasonRejected})
	require.NoError(t, Save(path, f))
	info, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS != "windows" { // no Unix permission bits there
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	}

	got, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, map[string]Known{"b@awcal": {ProfileID: "p", Start: at(11), End: at(12)}}, got.Known)
	assert.Equal(t, []Tombstone{
		{UID: "c@awcal", ProfileID: "q", Start: at(7), End: at(8), Reason: ReasonRejected},
		{UID: "a@awcal", ProfileID: "p", Start: at(9), End: at(10), Reason: ReasonDeleted},
	}, got.Tombstones, "sorted by start")
}

func TestLoadRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"not JSON", "{not json", "is corrupt"},
		{"unknown key", `{"version":1,"known":{},"tombstones":[],"extra":1}`, "is corrupt"},
		{"trailing data", `{"version":1,"known":{},"tombstones":[]} {}`, "unexpected data after the end"},
		{"no version", `{"known":{},"tombstones":[]}`, "no format version"},
		{"newer version", `{"version":99,"known":{},"tombstones":[]}`, "upgrade awcal"},
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
	f := New()
	for _, h := range []int{8, 10, 12} {
		f.Tomb(Tombstone{UID: "x", Start: at(h), End: at(h + 1)})
	}
	assert.Len(t, f.In(at(9), at(11)), 1, "only [10, 11) overlaps; [8, 9) touches")
	assert.Equal(t, 2, f.Forget(at(9), at(13)))
	assert.Equal(t, []Tombstone{{UID: "x", Start: at(8), End: at(9)}}, f.Tombstones)
}

func TestVanished(t *testing.T) {
	f := New()
	f.Known["a"] = Known{Start: at(9), End: at(10)}
	f.Known["b"] = Known{Start: at(10), End: at(11)}
	f.Known["c"] = Known{Start: at(14), End: at(15)}
	assert.Equal(t, []string{"b"}, f.Vanished(at(9), at(12), map[string]bool{"a": true}),
		"a was read, c is outside the range")
}
