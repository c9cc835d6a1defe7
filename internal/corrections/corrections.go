// Package corrections keeps, beside the sync state, what the syncer needs to let the person's
// corrections stick: the owned events awcal knows to be in the calendar (so that one that
// vanished is recognised as deleted by the person) and the tombstones such deletions and
// rejected proposals leave: spans awcal does not write a block into again until the person
// forgets them (`awcal sync --from T --to T --forget-corrections`).
//
// The file is versioned and replaced atomically. A file that does not parse, or has a newer
// version, is an error that says what to do; it is never reset silently, because that would
// bring back every block the person deleted.
package corrections

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/awcal/awcal/internal/atomicfile"
)

// Version is the file format this build writes.
const Version = 1

// FileName is the file's name, in the folder of the sync state.
const FileName = "corrections.json"

// PathBeside returns the corrections file's path for a state file (state.json's folder).
func PathBeside(statePath string) string {
	return filepath.Join(filepath.Dir(statePath), FileName)
}

// Reasons a span was tombstoned.
const (
	// ReasonDeleted: an owned event awcal knew vanished from the calendar (the person deleted
	// it, or moved it out of the span).
	ReasonDeleted = "deleted"
	// ReasonRejected: the person rejected the proposal in the review.
	ReasonRejected = "rejected"
	// ReasonEdited: the person moved or trimmed an event, giving up this part of its span.
	ReasonEdited = "edited"
)

// Known is an owned event awcal wrote or read, as it was last seen.
type Known struct {
	ProfileID string    `json:"profile"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
}

// Tombstone is a span the person took away from awcal.
type Tombstone struct {
	UID       string    `json:"uid"`
	ProfileID string    `json:"profile"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Reason    string    `json:"reason"`
}

// File is the corrections file.
type File struct {
	Version int `json:"version"`
	// Known maps the UID of every owned event awcal knows to be in the calendar to its span.
	Known      map[string]Known `json:"known"`
	Tombstones []Tombstone      `json:"tombstones"`
}

// New returns an empty file.
func New() *File { return &File{Version: Version, Known: map[string]Known{}} }

// Load reads the file at path; a missing file is an empty one.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading corrections: %w", err)
	}
	const hint = "fix it or move it away (moving it away lets awcal write blocks again where you deleted them)"
	f := &File{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("corrections file %s is corrupt: %w; %s", path, err, hint)
	}
	if dec.More() {
		return nil, fmt.Errorf("corrections file %s is corrupt: unexpected data after the end; %s", path, hint)
	}
	switch {
	case f.Version > Version:
		return nil, fmt.Errorf("corrections file %s has format version %d, and this build of awcal reads up to %d: upgrade awcal", path, f.Version, Version)
	case f.Version < 1:
		return nil, fmt.Errorf("corrections file %s is corrupt: no format version; %s", path, hint)
	}
	if f.Known == nil {
		f.Known = map[string]Known{}
	}
	return f, nil
}

// Save replaces the file at path atomically (0600; a missing folder is created 0700).
func Save(path string, f *File) error {
	f.Version = Version
	slices.SortFunc(f.Tombstones, func(a, b Tombstone) int { return a.Start.Compare(b.Start) })
	if err := atomicfile.WriteJSON(path, f); err != nil {
		return fmt.Errorf("saving corrections: %w", err)
	}
	return nil
}

// overlaps is the calendar's range test on [start, end) and [from, to).
func overlaps(start, end, from, to time.Time) bool {
	return start.Before(to) && end.After(from)
}

// Bury replaces a known event by a tombstone of its last known span.
func (f *File) Bury(uid, reason string) {
	k, ok := f.Known[uid]
	if !ok {
		return
	}
	delete(f.Known, uid)
	f.Tombstones = append(f.Tombstones, Tombstone{UID: uid, ProfileID: k.ProfileID, Start: k.Start, End: k.End, Reason: reason})
}

// Tomb adds a tombstone: a rejected proposal's span, or the part of its span an edited event
// gave up.
func (f *File) Tomb(t Tombstone) {
	f.Tombstones = append(f.Tombstones, t)
}

// In returns the tombstones overlapping [from, to).
func (f *File) In(from, to time.Time) []Tombstone {
	var out []Tombstone
	for _, t := range f.Tombstones {
		if overlaps(t.Start, t.End, from, to) {
			out = append(out, t)
		}
	}
	return out
}

// Forget removes the tombstones overlapping [from, to) and returns how many there were.
func (f *File) Forget(from, to time.Time) int {
	n := len(f.Tombstones)
	f.Tombstones = slices.DeleteFunc(f.Tombstones, func(t Tombstone) bool { return overlaps(t.Start, t.End, from, to) })
	return n - len(f.Tombstones)
}

// Vanished returns, sorted, the UIDs of the known events overlapping [from, to) that present
// (the UIDs of the owned events read from that range) does not hold.
func (f *File) Vanished(from, to time.Time, present map[string]bool) []string {
	var out []string
	for uid, k := range f.Known {
		if !present[uid] && overlaps(k.Start, k.End, from, to) {
			out = append(out, uid)
		}
	}
	slices.Sort(out)
	return out
}
