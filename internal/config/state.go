package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/awcal/awcal/internal/atomicfile"
)

// StateVersion is the state file format this build writes.
const StateVersion = 1

// State is state.json: what the syncer remembers between runs (SYNC.md §1–§2). It is written
// by the program only, atomically, and only after a run's changes were applied.
type State struct {
	Version int `json:"version"`
	// LastSyncTime is where the next last-checked run starts; nil before the first success.
	LastSyncTime *time.Time `json:"lastSyncTime,omitempty"`
	// Quiescent is the latest quiescent point the engine reported at or before LastSyncTime.
	Quiescent *time.Time `json:"quiescent,omitempty"`
	// LastRun summarises the latest run, successful or not.
	LastRun *RunSummary `json:"lastRun,omitempty"`
	// Backfill is the custom-range run that is writing, or that stopped before it finished
	// (killed, or failed): set before its first write, cleared when it succeeds.
	Backfill *Backfill `json:"backfill,omitempty"`
}

// Backfill is a custom-range run that has not finished.
type Backfill struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Started time.Time `json:"started"`
}

// RunSummary describes one sync run for the tray and the settings window.
type RunSummary struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Strategy string    `json:"strategy"`
	// From and To are the range the run reconciled.
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Created   int       `json:"created"`
	Updated   int       `json:"updated"`
	Deleted   int       `json:"deleted"`
	Unchanged int       `json:"unchanged"`
	// Held says that the counts are of proposals held for review (review mode "hold"), not of
	// calendar events.
	Held bool `json:"held,omitempty"`
	// Error is the failure's message; empty for a successful run.
	Error string `json:"error,omitempty"`
}

// minStateTime and maxStateTime bound the times a state file can sensibly hold. A clock that
// starts at 1970 (no RTC battery) is possible; year 1 or 9999 is a broken file.
var (
	minStateTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxStateTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// LoadState reads the state file. A missing file is the zero State (nothing synced yet). A file
// that does not parse, has unknown keys, an impossible time or a newer version is an error and
// is left alone: resetting it silently would make the next run re-sync from the first-sync
// lookback.
func LoadState(path string) (State, error) {
	data, err := atomicfile.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("reading sync state: %w", err)
	}
	const hint = "move it away to start over (the next run then syncs the first-sync lookback again)"
	corrupt := "sync state " + path + " is corrupt, " + hint
	if trimmed := bytes.TrimSpace(data); len(trimmed) == 0 || trimmed[0] != '{' {
		return State{}, fmt.Errorf("%s: not a JSON object", corrupt)
	}
	var s State
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := newLineIndex(data).pos(int(se.Offset) - 1) // Decode counts the offending byte
			err = &SyntaxError{Line: line, Column: col, Msg: se.Error()}
		}
		return State{}, fmt.Errorf("%s: %w", corrupt, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return State{}, fmt.Errorf("%s: unexpected data after the end", corrupt)
	}
	for _, t := range []struct {
		name string
		at   *time.Time
	}{{"lastSyncTime", s.LastSyncTime}, {"quiescent", s.Quiescent}} {
		if t.at != nil && (t.at.Before(minStateTime) || t.at.After(maxStateTime)) {
			return State{}, fmt.Errorf("sync state %s holds an impossible %s, %s (before 1970 or after 2200): %s",
				path, t.name, t.at.Format(time.RFC3339), hint)
		}
	}
	if s.Version > StateVersion {
		return State{}, fmt.Errorf("sync state %s has format version %d, and this build of awcal reads up to %d: upgrade awcal, or %s", path, s.Version, StateVersion, hint)
	}
	s.Version = StateVersion
	return s, nil
}

// SaveState atomically replaces the state file (0600; a missing folder is created 0700),
// stamping the current format version.
func SaveState(path string, s State) error {
	s.Version = StateVersion
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("saving sync state: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), dirPerm); err != nil {
		return fmt.Errorf("saving sync state: %w", err)
	}
	return atomicfile.WriteFile(path, append(data, '\n'), filePerm)
}
