// Package review keeps the proposals awcal holds back while sync.review is "hold": blocks it
// derived that do not reach the calendar until the person approves them. The proposals file is
// versioned and replaced atomically, beside the config; a file that does not parse is an error
// that says what to do, never reset silently (that would lose the person's pending review).
//
// File implements the calendar store contract over the pending proposals, so the syncer plans
// them exactly as it plans calendar events: a pending proposal follows the activity and is
// updated in place, keeping its UID, which an approved block keeps too.
package review

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/atomicfile"
	"github.com/awcal/awcal/internal/calendar"
)

// Version is the proposals file format this build writes.
const Version = 1

// FileName is the proposals file's name, beside the config and the sync state.
const FileName = "proposals.json"

// PathBeside returns the proposals file's path for a state file (state.json's folder, which is
// the config's).
func PathBeside(statePath string) string {
	return filepath.Join(filepath.Dir(statePath), FileName)
}

// Proposal is one pending block as the file keeps it.
type Proposal struct {
	UID         string    `json:"uid"`
	ProfileID   string    `json:"profile"`
	Title       string    `json:"title"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Category    string    `json:"category,omitempty"`
	Color       string    `json:"color,omitempty"`
	Description string    `json:"description,omitempty"`
	// Rev counts the proposal's changes: its version in the store contract.
	Rev int `json:"rev"`
}

func (p Proposal) event() calendar.Event {
	return calendar.Event{UID: p.UID, ProfileID: p.ProfileID, Title: p.Title, Start: p.Start, End: p.End,
		Category: p.Category, Color: p.Color, Description: p.Description, Version: strconv.Itoa(p.Rev)}
}

type fileJSON struct {
	Version   int        `json:"version"`
	Proposals []Proposal `json:"proposals"`
}

// File is the proposals file, loaded. It is safe for concurrent use.
type File struct {
	path string
	mu   sync.Mutex
	byID map[string]Proposal
}

var _ calendar.Store = (*File)(nil)

// Load reads the proposals file at path; a missing file holds no proposals.
func Load(path string) (*File, error) {
	f := &File{path: path, byID: map[string]Proposal{}}
	data, err := atomicfile.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the pending proposals: %w", err)
	}
	const hint = "fix it, or move it away to drop the pending proposals (the next sync proposes the blocks again)"
	var fj fileJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fj); err != nil {
		return nil, fmt.Errorf("proposals file %s is corrupt: %w; %s", path, err, hint)
	}
	if dec.More() {
		return nil, fmt.Errorf("proposals file %s is corrupt: unexpected data after the end; %s", path, hint)
	}
	switch {
	case fj.Version > Version:
		return nil, fmt.Errorf("proposals file %s has format version %d, and this build of awcal reads up to %d: upgrade awcal", path, fj.Version, Version)
	case fj.Version < 1:
		return nil, fmt.Errorf("proposals file %s is corrupt: no format version; %s", path, hint)
	}
	for i, p := range fj.Proposals {
		if err := p.event().Validate(); err != nil {
			return nil, fmt.Errorf("proposals file %s is corrupt: proposal %d: %w; %s", path, i+1, err, hint)
		}
		f.byID[p.UID] = p
	}
	return f, nil
}

// Pending returns the proposals overlapping [from, to) as events, sorted by start then UID
// (a zero from or to leaves that end open).
func (f *File) Pending(from, to time.Time) []calendar.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []calendar.Event
	for _, p := range f.byID {
		e := p.event()
		if (to.IsZero() || e.Start.Before(to)) && (from.IsZero() || e.End.After(from)) {
			out = append(out, e)
		}
	}
	calendar.SortEvents(out)
	return out
}

// Owned is Pending for the store contract.
func (f *File) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return f.Pending(from, to), nil
}

// Apply makes the changes to the pending proposals and saves the file, or changes nothing:
// the store contract's conflicts (a Create of a held UID, an Update or Delete of a missing one or
// with a stale Version) are calendar.ErrConflict.
func (f *File) Apply(ctx context.Context, changes []calendar.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := calendar.ValidateChanges(changes); err != nil {
		return fmt.Errorf("writing the pending proposals: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	next := make(map[string]Proposal, len(f.byID)+len(changes))
	for k, v := range f.byID {
		next[k] = v
	}
	for _, c := range changes {
		cur, held := next[c.Event.UID]
		switch {
		case c.Op == calendar.Create && held:
			return fmt.Errorf("proposing %s: it is already pending: %w", c.Event.UID, calendar.ErrConflict)
		case c.Op != calendar.Create && (!held || strconv.Itoa(cur.Rev) != c.Event.Version):
			return fmt.Errorf("%s of proposal %s: it changed since it was read: %w", c.Op, c.Event.UID, calendar.ErrConflict)
		case c.Op == calendar.Delete:
			delete(next, c.Event.UID)
			continue
		}
		e := calendar.Normalize(c.Event)
		next[e.UID] = Proposal{UID: e.UID, ProfileID: e.ProfileID, Title: e.Title, Start: e.Start, End: e.End,
			Category: e.Category, Color: e.Color, Description: e.Description, Rev: cur.Rev + 1}
	}
	if err := save(f.path, next); err != nil {
		return err
	}
	f.byID = next
	return nil
}

// Remove drops proposals (approved or rejected) and saves the file.
func (f *File) Remove(uids ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	next := make(map[string]Proposal, len(f.byID))
	for k, v := range f.byID {
		next[k] = v
	}
	for _, uid := range uids {
		delete(next, uid)
	}
	if err := save(f.path, next); err != nil {
		return err
	}
	f.byID = next
	return nil
}

func save(path string, byID map[string]Proposal) error {
	fj := fileJSON{Version: Version, Proposals: make([]Proposal, 0, len(byID))}
	for _, p := range byID {
		fj.Proposals = append(fj.Proposals, p)
	}
	evs := make([]calendar.Event, len(fj.Proposals))
	for i, p := range fj.Proposals {
		evs[i] = p.event()
	}
	calendar.SortEvents(evs)
	for i, e := range evs {
		fj.Proposals[i] = byID[e.UID]
	}
	if err := atomicfile.WriteJSON(path, fj); err != nil {
		return fmt.Errorf("saving the pending proposals: %w", err)
	}
	return nil
}
