// Package ics is awcal's default calendar store: one iCalendar file (RFC 5545) on disk, with
// no server needed (SYNC.md §4).
//
// Only awcal's own events (calendar.FromVEvent's ownership rule) are ever rewritten. Everything
// else in the file — foreign VEVENTs, VTODOs, VTIMEZONEs, calendar properties, even the file's
// line endings and folding — is kept as raw bytes and written back byte-identical: a change is
// spliced into the text rather than re-encoding the calendar, which also keeps an Apply on a
// large file fast. Every write is one atomic replace (internal/atomicfile). A file that does not
// parse is never overwritten. An advisory lock beside the file (path + ".lock") keeps a second
// awcal process from writing to the same file.
package ics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/atomicfile"
	"github.com/awcal/awcal/internal/calendar"
)

// Store keeps awcal's events in one .ics file. It is safe for concurrent use; several Stores
// for the same file in one process share its lock.
type Store struct {
	path string
	// now stamps DTSTAMP; writeFile replaces the file. Both are fields so tests can fix the
	// clock and simulate a crash before the rename.
	now       func() time.Time
	writeFile func(path string, data []byte, perm fs.FileMode) error

	mu    sync.Mutex
	lock  *fileLock // held from the first write until Close
	cache *snapshot // the file as last read or written
}

var _ calendar.Store = (*Store)(nil)

// snapshot is a parsed file. Owned trusts it while the file's identity, size and mtime are
// unchanged; Apply trusts it only when the bytes it reads are the same, so a change that slips
// past the stat check can cost a conflict but never a lost write.
type snapshot struct {
	info   fs.FileInfo
	file   *file
	events []calendar.Event // every owned event, sorted by start then UID
}

// Open returns a store for the calendar file at path. Nothing is created until the first write:
// a missing file is an empty calendar, and the first write creates the folder (0700) and the
// file (0600).
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("opening calendar file: no path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("opening calendar file %s: %w", path, err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("opening calendar file %s: not a regular file; choose a file path", abs)
	}
	return &Store{path: abs, now: time.Now, writeFile: atomicfile.WriteFile}, nil
}

// Close releases the lock taken by the first write. The store can still be used; the next write
// takes the lock again.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return nil
	}
	l := s.lock
	s.lock = nil
	return l.release()
}

// Owned returns awcal's events in the file that overlap [from, to), sorted by start then UID.
func (s *Store) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reading calendar file %s: %w", s.path, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, err := s.snapshotLocked()
	if err != nil {
		return nil, err
	}
	var out []calendar.Event
	for _, e := range snap.events {
		if calendar.Overlaps(e, from, to) {
			out = append(out, e)
		}
	}
	return out, nil
}

// snapshotLocked returns the parsed file, from the cache when the file looks unchanged.
func (s *Store) snapshotLocked() (*snapshot, error) {
	f, err := os.Open(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return &snapshot{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading calendar file %s: %w", s.path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading calendar file %s: %w", s.path, err)
	}
	if c := s.cache; c != nil && os.SameFile(c.info, info) &&
		c.info.Size() == info.Size() && c.info.ModTime().Equal(info.ModTime()) {
		return c, nil
	}
	raw, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("reading calendar file %s: %w", s.path, err)
	}
	pf, err := parse(s.path, raw)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{info: info, file: pf}
	for i, c := range pf.comps {
		if !c.owned {
			continue
		}
		e, err := pf.event(i)
		if err != nil {
			return nil, fmt.Errorf("reading calendar file %s: %w", s.path, err)
		}
		snap.events = append(snap.events, e)
	}
	calendar.SortEvents(snap.events)
	s.cache = snap
	return snap, nil
}

// Apply checks every change against the file as it is now and then writes all of them in one
// atomic replace, or writes nothing: a stale Version, a Create of a UID the file holds, or an
// Update/Delete of a missing event is ErrConflict; an Update/Delete of a foreign event is
// ErrNotOwned. An Update that changes nothing but DTSTAMP keeps the event's bytes (and
// version), and an Apply that changes nothing does not write.
func (s *Store) Apply(ctx context.Context, changes []calendar.Change) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing calendar file %s: %w", s.path, err)
	}
	if len(changes) == 0 {
		return nil
	}
	if err := calendar.ValidateChanges(changes); err != nil {
		return fmt.Errorf("writing calendar file %s: %w", s.path, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		l, err := acquire(s.path)
		if err != nil {
			return err
		}
		s.lock = l
	}
	s.lock.mu.Lock() // one read-check-write at a time among this process's Stores of the file
	defer s.lock.mu.Unlock()

	raw, err := os.ReadFile(s.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading calendar file %s: %w", s.path, err)
	}
	// When the cache holds these very bytes, their parse and owned events are reused: the
	// file is not parsed again and the cache is brought up to date without decoding it.
	var (
		f    *file
		base []calendar.Event
	)
	if c := s.cache; c != nil && c.file != nil && bytes.Equal(c.file.raw, raw) {
		f, base = c.file, c.events
	} else {
		s.cache = nil
		if f, err = parse(s.path, raw); err != nil {
			return err
		}
		if len(raw) == 0 {
			base = []calendar.Event{}
		}
	}

	p, err := s.plan(f, changes)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing calendar file %s: %w", s.path, err)
	}
	if len(p.edits) == 0 && len(p.inserts) == 0 {
		return nil
	}
	out := f.splice(p.edits, p.inserts)
	s.cache = nil
	if err := s.writeFile(s.path, out.raw, 0o600); err != nil {
		return fmt.Errorf("writing calendar file %s: %w", s.path, err)
	}
	if info, err := os.Stat(s.path); err == nil && base != nil {
		s.cache = &snapshot{info: info, file: out, events: p.result(base)}
	}
	return nil
}

// plan is what an Apply will do to the file.
type plan struct {
	edits   map[int]event // by component index; a nil text deletes
	inserts []event
	gone    map[string]bool  // UIDs updated or deleted
	written []calendar.Event // events created or updated, with their new versions
}

// plan checks each change against the file and renders the new events.
func (s *Store) plan(f *file, changes []calendar.Change) (*plan, error) {
	// Find the components the changes name in one pass, without indexing the whole file.
	named := make(map[string]int, len(changes))
	for i, c := range changes {
		named[c.Event.UID] = i
	}
	ownedAt := make([]int, len(changes))
	for i := range ownedAt {
		ownedAt[i] = -1
	}
	foreign := make([]bool, len(changes))
	for i, c := range f.comps {
		if j, ok := named[c.uid]; ok && c.uid != "" {
			if c.owned {
				ownedAt[j] = i
			} else {
				foreign[j] = true
			}
		}
	}

	p := &plan{edits: map[int]event{}, gone: map[string]bool{}}
	stamp := s.now()
	for j, c := range changes {
		uid, i := c.Event.UID, ownedAt[j]
		switch {
		case c.Op == calendar.Create && (i >= 0 || foreign[j]):
			return nil, fmt.Errorf("creating event %s in %s: it already exists: %w", uid, s.path, calendar.ErrConflict)
		case c.Op == calendar.Create:
			e, err := p.render(c.Event, stamp, f.lf)
			if err != nil {
				return nil, err
			}
			p.inserts = append(p.inserts, e)
			continue
		case foreign[j]:
			return nil, fmt.Errorf("%s of event %s in %s: %w", c.Op, uid, s.path, calendar.ErrNotOwned)
		case i < 0:
			return nil, fmt.Errorf("%s of event %s in %s: it no longer exists: %w", c.Op, uid, s.path, calendar.ErrConflict)
		case version(f.text(i)) != c.Event.Version:
			return nil, fmt.Errorf("%s of event %s in %s: it changed since it was read: %w", c.Op, uid, s.path, calendar.ErrConflict)
		case c.Op == calendar.Delete:
			p.edits[i] = event{uid: uid}
			p.gone[uid] = true
			continue
		}
		if old, err := f.event(i); err == nil && sameContent(old, c.Event) {
			continue
		}
		e, err := p.render(c.Event, stamp, f.lf)
		if err != nil {
			return nil, err
		}
		p.edits[i] = e
		p.gone[uid] = true
	}
	return p, nil
}

// render encodes e as the text of one VEVENT, with the file's line endings, and records it as
// written.
func (p *plan) render(e calendar.Event, stamp time.Time, lf bool) (event, error) {
	var b bytes.Buffer
	if err := calendar.EncodeComponent(&b, calendar.ToVEvent(e, stamp).Component); err != nil {
		return event{}, fmt.Errorf("encoding event %s: %w", e.UID, err)
	}
	text := b.Bytes()
	if lf {
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	}
	e = calendar.Normalize(e)
	e.Version = version(text)
	p.written = append(p.written, e)
	return event{uid: e.UID, text: text}, nil
}

// result is the owned events after the plan, given those before it.
func (p *plan) result(before []calendar.Event) []calendar.Event {
	out := make([]calendar.Event, 0, len(before)+len(p.written))
	for _, e := range before {
		if !p.gone[e.UID] {
			out = append(out, e)
		}
	}
	out = append(out, p.written...)
	calendar.SortEvents(out)
	return out
}

// sameContent reports whether writing e over old would change nothing but DTSTAMP.
func sameContent(old, e calendar.Event) bool {
	e = calendar.Normalize(e)
	return old.UID == e.UID && old.ProfileID == e.ProfileID && old.Title == e.Title &&
		old.Start.Equal(e.Start) && old.End.Equal(e.End) && old.Category == e.Category &&
		old.Color == e.Color && old.Description == e.Description
}
