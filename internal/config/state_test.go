package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStateRoundTrip(t *testing.T) {
	last := time.Date(2025, 3, 1, 10, 0, 0, 123456000, time.UTC)
	q := last.Add(-40 * time.Minute)
	states := map[string]State{
		"empty": {},
		"full": {
			LastSyncTime: &last,
			Quiescent:    &q,
			LastRun: &RunSummary{
				Start: last, End: last.Add(2 * time.Second), Strategy: StrategyLastChecked,
				From: last.Add(-10 * time.Minute), To: last,
				Created: 1, Updated: 2, Deleted: 3, Unchanged: 4,
			},
		},
		"failed run": {
			LastSyncTime: &last,
			LastRun:      &RunSummary{Start: last, End: last, Strategy: StrategyCustom, Error: "aw-server unreachable"},
		},
	}
	for name, s := range states {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "awcal", "state.json")
			require.NoError(t, SaveState(path, s))
			got, err := LoadState(path)
			require.NoError(t, err)
			s.Version = StateVersion
			assert.Equal(t, s, got)
			if runtime.GOOS != "windows" {
				fi, err := os.Stat(path)
				require.NoError(t, err)
				assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
			}
		})
	}
}

func TestLoadStateMissingIsZero(t *testing.T) {
	s, err := LoadState(filepath.Join(t.TempDir(), "state.json"))
	require.NoError(t, err)
	assert.Equal(t, State{}, s)
}

func TestLoadStateCorrupt(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"truncated", `{"version": 1, "lastSyncTime": "2025-`, "unexpected EOF"},
		{"syntax", "{\n\"version\": 1,\n}", "line 3, column 1: invalid character '}'"},
		{"empty", "", "not a JSON object"},
		{"null", "null", "not a JSON object"},
		{"unknown key", `{"version": 1, "lastSync": "2025-01-01T00:00:00Z"}`, `unknown field "lastSync"`},
		{"bad time", `{"version": 1, "lastSyncTime": "yesterday"}`, "cannot parse"},
		{"trailing data", `{"version": 1}}`, "unexpected data after the end"},
		{"newer", `{"version": 2}`, "format version 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			s, err := LoadState(path)
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.want)
			assert.ErrorContains(t, err, "move it away to start over")
			assert.Equal(t, State{}, s)
			data, rerr := os.ReadFile(path)
			require.NoError(t, rerr)
			assert.Equal(t, tt.content, string(data), "a corrupt state file is never reset")
		})
	}
}

func TestSaveStateReplacesAtomically(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	second := first.Add(time.Hour)
	require.NoError(t, SaveState(path, State{LastSyncTime: &first}))
	require.NoError(t, SaveState(path, State{LastSyncTime: &second}))
	got, err := LoadState(path)
	require.NoError(t, err)
	require.NotNil(t, got.LastSyncTime)
	assert.True(t, second.Equal(*got.LastSyncTime))
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temp files left behind")
}
