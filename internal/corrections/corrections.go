// Package corrections keeps, beside the sync state, what the syncer needs to let the person's
// corrections stick: the owned events awcal knows to be in the calendar (so that one that
// vanished is recognised as deleted by the person) and the tombstones such deletions and
// rejected proposals leave: spans awcal does not write a block into again until the person
// forgets them (`awcal sync --from T --to T --forget-corrections`).
//
// corrections.json holds the tombstones. The known events are kept by the month they start in
// (known/2026-03.json beside it), so that a run reads and rewrites only the months it looks at,
// however long awcal has been in use. Every file is versioned and replaced atomically. A file
// that does not parse, or has a newer version, is an error that says what to do; it is never
// reset silently, because that would bring back every block the person deleted.
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

// FileName is the file's name, in the folder of the sync state; knownDir the folder of the
// monthly files of known events, beside it.
const (
	FileName = "corrections.json"
	knownDir = "known"
)

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

// fileJSON is corrections.json.
type fileJSON struct {
	Version    int         `json:"version"`
	Tombstones []Tombstone `json:"tombstones"`
}

// monthJSON is one month's file of known events.
type monthJSON struct {
	Version int              `json:"version"`
	Known   map[string]Known `json:"known"`
}

// month is one month's known events, loaded.
type month struct {
	known map[string]Known
	dirty bool
}

// File is the corrections, loaded: the tombstones, and the months of known events read so far.
type File struct {
	path       string
	Tombstones []Tombstone
	tombsDirty bool
	months     map[string]*month // by "2006-01" (UTC)
}

const hint = "fix it or move it away (moving it away lets awcal write blocks again where you deleted them)"

// Load reads the corrections file at path; a missing file is an empty one. The known events
// are read month by month as they are asked for.
func Load(path string) (*File, error) {
	f := &File{path: path, months: map[string]*month{}}
	var fj fileJSON
	found, err := readJSON(path, &fj)
	if err != nil || !found {
		return f, err
	}
	f.Tombstones = fj.Tombstones
	return f, checkVersion(path, fj.Version)
}

// readJSON decodes path strictly into v; a missing file is found=false.
func readJSON(path string, v any) (found bool, err error) {
	data, err := atomicfile.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading corrections: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return true, fmt.Errorf("corrections file %s is corrupt: %w; %s", path, err, hint)
	}
	if dec.More() {
		return true, fmt.Errorf("corrections file %s is corrupt: unexpected data after the end; %s", path, hint)
	}
	return true, nil
}

func checkVersion(path string, v int) error {
	switch {
	case v > Version:
		return fmt.Errorf("corrections file %s has format version %d, and this build of awcal reads up to %d: upgrade awcal", path, v, Version)
	case v < 1:
		return fmt.Errorf("corrections file %s is corrupt: no format version; %s", path, hint)
	}
	return nil
}

func monthKey(t time.Time) string { return t.UTC().Format("2006-01") }

func (f *File) monthPath(key string) string {
	return filepath.Join(filepath.Dir(f.path), knownDir, key+".json")
}

// month returns the known events of the month holding t, reading its file the first time.
func (f *File) month(t time.Time) (*month, error) {
	key := monthKey(t)
	if m, ok := f.months[key]; ok {
		return m, nil
	}
	m := &month{known: map[string]Known{}}
	var mj monthJSON
	path := f.monthPath(key)
	found, err := readJSON(path, &mj)
	if err == nil && found {
		err = checkVersion(path, mj.Version)
	}
	if err != nil {
		return nil, err
	}
	if mj.Known != nil {
		m.known = mj.Known
	}
	f.months[key] = m
	return m, nil
}

// monthsOver returns the months whose known events may overlap [from, to): awcal's events are
// shorter than two days, so an event overlapping from starts at most that long before it.
func (f *File) monthsOver(from, to time.Time) ([]*month, error) {
	var out []*month
	for t := from.Add(-48 * time.Hour).UTC(); ; t = t.AddDate(0, 1, 0) {
		first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		if !first.Before(to) {
			break
		}
		m, err := f.month(first)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
		t = first
	}
	return out, nil
}

// Save writes what changed: the months of known events that changed, then the tombstones.
func (f *File) Save() error {
	keys := make([]string, 0, len(f.months))
	for key, m := range f.months {
		if m.dirty {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	for _, key := range keys {
		m := f.months[key]
		if err := atomicfile.WriteJSON(f.monthPath(key), monthJSON{Version: Version, Known: m.known}); err != nil {
			return fmt.Errorf("saving corrections: %w", err)
		}
		m.dirty = false
	}
	if !f.tombsDirty {
		if _, err := os.Stat(f.path); err == nil || len(keys) == 0 {
			return nil
		}
	}
	slices.SortFunc(f.Tombstones, func(a, b Tombstone) int { return a.Start.Compare(b.Start) })
	tombs := f.Tombstones
	if tombs == nil {
		tombs = []Tombstone{}
	}
	if err := atomicfile.WriteJSON(f.path, fileJSON{Version: Version, Tombstones: tombs}); err != nil {
		return fmt.Errorf("saving corrections: %w", err)
	}
	f.tombsDirty = false
	return nil
}

// overlaps is the calendar's range test on [start, end) and [from, to).
func overlaps(start, end, from, to time.Time) bool {
	return start.Before(to) && end.After(from)
}

// Lookup returns what is known of uid, an event awcal last saw starting near at (the month of
// at, or the one before).
func (f *File) Lookup(uid string, at time.Time) (Known, bool, error) {
	ms, err := f.monthsOver(at, at.Add(time.Second))
	if err != nil {
		return Known{}, false, err
	}
	for _, m := range ms {
		if k, ok := m.known[uid]; ok {
			return k, true, nil
		}
	}
	return Known{}, false, nil
}

// Know records uid as in the calendar with span k (moving it out of another month it was
// known in near k's start).
func (f *File) Know(uid string, k Known) error {
	if err := f.Unknow(uid, k.Start, k.End); err != nil {
		return err
	}
	m, err := f.month(k.Start)
	if err != nil {
		return err
	}
	m.known[uid] = k
	m.dirty = true
	return nil
}

// Unknow forgets uid, an event around [from, to): awcal deleted it, or is about to.
func (f *File) Unknow(uid string, from, to time.Time) error {
	ms, err := f.monthsOver(from, to)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, ok := m.known[uid]; ok {
			delete(m.known, uid)
			m.dirty = true
		}
	}
	return nil
}

// Bury replaces a known event by a tombstone of its last known span.
func (f *File) Bury(uid string, k Known, reason string) error {
	if err := f.Unknow(uid, k.Start, k.End); err != nil {
		return err
	}
	f.Tomb(Tombstone{UID: uid, ProfileID: k.ProfileID, Start: k.Start, End: k.End, Reason: reason})
	return nil
}

// Tomb adds a tombstone: a rejected proposal's span, or the part of its span an edited event
// gave up.
func (f *File) Tomb(t Tombstone) {
	f.Tombstones = append(f.Tombstones, t)
	f.tombsDirty = true
}

// Untomb removes the tombstones drop selects.
func (f *File) Untomb(drop func(Tombstone) bool) {
	n := len(f.Tombstones)
	f.Tombstones = slices.DeleteFunc(f.Tombstones, drop)
	f.tombsDirty = f.tombsDirty || len(f.Tombstones) != n
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
	f.Untomb(func(t Tombstone) bool { return overlaps(t.Start, t.End, from, to) })
	return n - len(f.Tombstones)
}

// Vanished returns, sorted by UID, the known events overlapping [from, to) that present (the
// UIDs of the owned events read from that range) does not hold.
func (f *File) Vanished(from, to time.Time, present map[string]bool) ([]string, map[string]Known, error) {
	ms, err := f.monthsOver(from, to)
	if err != nil {
		return nil, nil, err
	}
	var uids []string
	spans := map[string]Known{}
	for _, m := range ms {
		for uid, k := range m.known {
			if !present[uid] && overlaps(k.Start, k.End, from, to) {
				uids = append(uids, uid)
				spans[uid] = k
			}
		}
	}
	slices.Sort(uids)
	return uids, spans, nil
}
