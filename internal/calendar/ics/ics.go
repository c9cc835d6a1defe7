// Package ics is awcal's default calendar store: one iCalendar file (RFC 5545) on disk, with
// no server needed (SYNC.md §4).
//
// Only awcal's own events (calendar.FromVEvent's ownership rule) are ever rewritten. Everything
// else in the file — foreign VEVENTs, VTODOs, VTIMEZONEs, calendar properties, even the file's
// line endings and folding — is kept as raw bytes and written back byte-identical: a change is
// spliced into the text rather than re-encoding the calendar, which also keeps an Apply on a
// large file fast. Every write is one atomic replace (internal/atomicfile). A file that does not
// parse is never overwritten, nor is a read-only one. A calendar path that is a symbolic link is
// written through: the link's target is replaced and the link stays.
//
// Nothing is lost or duplicated when other writers meet awcal's (docs/RELIABILITY.md):
//   - An advisory lock beside the file (target + ".lock") keeps awcal processes taking turns.
//     Each Apply holds it from its read to its rename; Lock holds it across a caller's read,
//     plan and write, so that two syncs never both plan the same new block.
//   - Just before the rename an Apply checks that the file still holds the bytes it read;
//     another program's edit (a calendar app, Syncthing) makes it read the file again and
//     redo the changes on top of that edit.
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

// lockWait is how long a write waits for another awcal's write to the same file.
const lockWait = 30 * time.Second

// maxRereads bounds how often one Apply reads the file again because another program changed
// it between the read and the rename.
const maxRereads = 5

// errChanged: the file is not what the Apply read any more.
var errChanged = errors.New("the calendar file changed while awcal was writing it")

// Store keeps awcal's events in one .ics file. It is safe for concurrent use; several Stores
// for the same file in one process share its lock.
type Store struct {
	path string
	// now stamps DTSTAMP; writeFile replaces the file, calling unchanged just before the
	// rename. Both are fields so tests can fix the clock, simulate a crash before the rename
	// and change the file under a write.
	now       func() time.Time
	writeFile func(path string, data []byte, perm fs.FileMode, unchanged func(current []byte, exists bool) error) error
	lockWait  time.Duration

	mu    sync.Mutex
	cache *snapshot // the file as last read or written
}

var (
	_ calendar.Store  = (*Store)(nil)
	_ calendar.Locker = (*Store)(nil)
)

// snapshot is a parsed file. Owned trusts it while the file's identity, size and mtime are
// unchanged; Apply trusts it only when the bytes it reads are the same, so a change that slips
// past the stat check can cost a conflict but never a lost write.
type snapshot struct {
	info   fs.FileInfo
	file   *file
	events []calendar.Event // every owned event, sorted by start then UID
	// unchecked holds the UIDs of the events whose Locked is not known yet: it is worked out
	// (by hashing the event) only when Owned returns the event, so that reading a year of events
	// costs no more than parsing them.
	unchecked map[string]bool
	at        map[string]int // owned component index by UID, built on the first check
}

// uncheckedOf is every UID of events.
func uncheckedOf(events []calendar.Event) map[string]bool {
	m := make(map[string]bool, len(events))
	for _, e := range events {
		m[e.UID] = true
	}
	return m
}

// check works out the Locked of snap.events[k] when it is not known yet.
func (snap *snapshot) check(k int) error {
	uid := snap.events[k].UID
	if !snap.unchecked[uid] {
		return nil
	}
	if snap.at == nil {
		snap.at = make(map[string]int, len(snap.events))
		for i, c := range snap.file.comps {
			if c.owned {
				snap.at[c.uid] = i
			}
		}
	}
	i, ok := snap.at[uid]
	if !ok {
		return fmt.Errorf("event %s is missing from the parsed file", uid)
	}
	locked, err := snap.file.lockedAt(i)
	if err != nil {
		return err
	}
	snap.events[k].Locked = locked
	delete(snap.unchecked, uid)
	return nil
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
	s := &Store{path: abs, now: time.Now, writeFile: atomicfile.WriteFileIf, lockWait: lockWait}
	if _, err := s.target(); err != nil {
		return nil, err
	}
	return s, nil
}

// Close releases nothing: the lock is held only while an Apply runs. It lets callers close
// every calendar store alike.
func (s *Store) Close() error { return nil }

// Lock takes the file's lock until unlock is called, for a read → plan → write: Owned and
// Apply called with the returned context run under it (Apply does not take it again), and
// every other awcal process waits for unlock before it writes. It waits as Apply does for a
// lock another process holds.
func (s *Store) Lock(ctx context.Context) (context.Context, func() error, error) {
	target, err := s.target()
	if err != nil {
		return nil, nil, err
	}
	l, err := acquire(ctx, target, s.lockWait)
	if err != nil {
		return nil, nil, err
	}
	var once sync.Once
	unlock := func() error {
		err := errors.New("calendar lock released twice")
		once.Do(func() { err = l.release() })
		return err
	}
	return context.WithValue(ctx, heldKey{target}, l), unlock, nil
}

// heldKey marks a context whose caller holds the lock of a calendar file (by target).
type heldKey struct{ target string }

// holds reports whether ctx carries the lock of target (see Lock).
func holds(ctx context.Context, target string) bool {
	_, ok := ctx.Value(heldKey{target}).(*fileLock)
	return ok
}

// target is the file awcal reads and replaces: the path, or the file a symbolic link there
// leads to. A link whose target is missing, or a path that is not a regular file, is an error.
func (s *Store) target() (string, error) {
	fi, err := os.Lstat(s.path)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		if err == nil && !fi.Mode().IsRegular() {
			return "", fmt.Errorf("opening calendar file %s: not a regular file; choose a file path", s.path)
		}
		return s.path, nil // a missing file is an empty calendar
	}
	t, err := filepath.EvalSymlinks(s.path)
	if err != nil {
		dest, _ := os.Readlink(s.path)
		return "", fmt.Errorf("calendar file %s is a symbolic link to %s, which does not exist: create that file (an empty one will do) or set the calendar path to the real file: %w",
			s.path, dest, err)
	}
	if fi, err := os.Stat(t); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("calendar file %s is a symbolic link to %s, which is not a regular file; set the calendar path to a file", s.path, t)
	}
	return t, nil
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
	for k, e := range snap.events {
		if calendar.Overlaps(e, from, to) {
			if err := snap.check(k); err != nil {
				return nil, fmt.Errorf("reading calendar file %s: %w", s.path, err)
			}
			out = append(out, snap.events[k])
		}
	}
	return out, nil
}

// snapshotLocked returns the parsed file, from the cache when the file looks unchanged.
func (s *Store) snapshotLocked() (*snapshot, error) {
	target, err := s.target()
	if err != nil {
		return nil, err
	}
	var f *os.File
	err = atomicfile.RetryBlocked(func() (err error) {
		f, err = os.Open(target)
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return &snapshot{}, nil
	}
	if err != nil {
		return nil, pathError("reading calendar file "+s.path, err, target)
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
	events, err := s.ownedEvents(pf)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{info: info, file: pf, events: events, unchecked: uncheckedOf(events)}
	s.cache = snap
	return snap, nil
}

// ownedEvents decodes every owned event of f, sorted by start then UID, without their lock
// check (snapshot.check does it).
func (s *Store) ownedEvents(f *file) ([]calendar.Event, error) {
	events := []calendar.Event{}
	for i, c := range f.comps {
		if !c.owned {
			continue
		}
		e, err := f.eventUnchecked(i)
		if err != nil {
			return nil, fmt.Errorf("reading calendar file %s: %w", s.path, err)
		}
		events = append(events, e)
	}
	calendar.SortEvents(events)
	return events, nil
}

// Apply checks every change against the file as it is now and then writes all of them in one
// atomic replace, or writes nothing: a stale Version, a Create of a UID the file holds, an
// Update/Delete of a missing event, or a write over the time of an owned event that stays (see
// the package comment) is ErrConflict; an Update/Delete of a foreign event is ErrNotOwned. An
// Update that changes nothing but DTSTAMP keeps the event's bytes (and version), and an Apply
// that changes nothing does not write.
func (s *Store) Apply(ctx context.Context, changes []calendar.Change) (err error) {
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
	target, err := s.target()
	if err != nil {
		return err
	}
	if !holds(ctx, target) {
		l, err := acquire(ctx, target, s.lockWait)
		if err != nil {
			return err
		}
		defer func() {
			if rerr := l.release(); err == nil {
				err = rerr
			}
		}()
	}
	for attempt := 1; ; attempt++ {
		err := s.applyOnce(ctx, target, changes)
		if !errors.Is(err, errChanged) {
			return err
		}
		if attempt == maxRereads {
			return fmt.Errorf("writing calendar file %s: another program changed it %d times while awcal wrote; nothing was written, try again: %w",
				s.path, attempt, calendar.ErrConflict)
		}
	}
}

// applyOnce is one read → check → write of Apply, with the lock held. It returns errChanged,
// having written nothing, when the file changed between its read and the rename.
func (s *Store) applyOnce(ctx context.Context, target string, changes []calendar.Change) error {
	// When the file looks as the cache last saw it, the cached bytes, parse and owned events
	// are used without reading it: the check just before the rename compares the file's bytes
	// with these, so a change the look missed is still caught (errChanged, and a re-read).
	// Otherwise the file is read, and the cache still serves when it holds these very bytes.
	// A backfill thus reads the file once per piece, however large it is.
	var (
		raw       []byte
		err       error
		f         *file
		before    []calendar.Event
		unchecked map[string]bool
	)
	if c := s.cache; c != nil && c.file != nil && c.info != nil && s.looksCached(target) {
		raw = c.file.raw
		if raw == nil {
			raw = []byte{} // an empty file, not a missing one
		}
	} else if raw, err = atomicfile.ReadFile(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return pathError("reading calendar file "+s.path, err, target)
	}
	existed := raw != nil
	if existed {
		if err := writable(s.path, target); err != nil {
			return err
		}
	}
	if c := s.cache; c != nil && c.file != nil && raw != nil && bytes.Equal(c.file.raw, raw) {
		f, before, unchecked = c.file, c.events, c.unchecked
	} else {
		s.cache = nil
		if f, err = parse(s.path, raw); err != nil {
			return err
		}
		if before, err = s.ownedEvents(f); err != nil {
			return err
		}
		unchecked = uncheckedOf(before)
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
	unchanged := func(current []byte, exists bool) error {
		if exists != existed || !bytes.Equal(current, raw) {
			return errChanged
		}
		return nil
	}
	if err := s.writeFile(target, out.raw, 0o600, unchanged); err != nil {
		if errors.Is(err, errChanged) {
			return errChanged
		}
		return pathError("writing calendar file "+s.path, err, filepath.Dir(target)+" (awcal writes a temporary copy there, then renames it)")
	}
	if info, err := os.Stat(target); err == nil {
		// The events written carry Locked as written; the others keep what is known of theirs.
		left := make(map[string]bool, len(unchecked))
		for uid := range unchecked {
			if !p.gone[uid] {
				left[uid] = true
			}
		}
		s.cache = &snapshot{info: info, file: out, events: p.result(before), unchecked: left}
	}
	return nil
}

// looksCached reports whether the file at target is the one the cache last read or wrote: the
// same file, size and modification time.
func (s *Store) looksCached(target string) bool {
	info, err := os.Stat(target)
	c := s.cache.info
	return err == nil && os.SameFile(c, info) && c.Size() == info.Size() && c.ModTime().Equal(info.ModTime())
}

// writable refuses a calendar file that is read-only, as calendar apps do: someone made it so
// on purpose, and replacing it would defeat that. (Mode bits are checked as well as access,
// because a superuser may write anything.)
func writable(path, target string) error {
	fi, err := os.Stat(target)
	if err != nil {
		return pathError("reading calendar file "+path, err, target)
	}
	readOnly := fi.Mode().Perm()&0o222 == 0
	if !readOnly {
		var f *os.File
		err := atomicfile.RetryBlocked(func() (err error) {
			f, err = openFile(target, os.O_WRONLY, 0)
			return err
		})
		if err != nil {
			if !errors.Is(err, fs.ErrPermission) {
				return pathError("writing calendar file "+path, err, target)
			}
			readOnly = true
		} else {
			f.Close()
		}
	}
	if readOnly {
		return fmt.Errorf("calendar file %s is read-only, so awcal will not write to it: make it writable (chmod u+w %s) or choose another calendar file: %w",
			path, target, fs.ErrPermission)
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
	foreignAt := make([]int, len(changes))
	for i, c := range f.comps {
		if j, ok := named[c.uid]; ok && c.uid != "" {
			if c.owned {
				ownedAt[j] = i
			} else {
				foreign[j], foreignAt[j] = true, i
			}
		}
	}

	p := &plan{edits: map[int]event{}, gone: map[string]bool{}}
	stamp := s.now()
	for j, c := range changes {
		uid, i := c.Event.UID, ownedAt[j]
		switch {
		case c.Op == calendar.Create && (i >= 0 || foreign[j]):
			return nil, &calendar.UIDTakenError{UID: uid, Where: s.path}
		case c.Op == calendar.Create:
			e, err := p.render(c.Event, stamp, f.lf)
			if err != nil {
				return nil, err
			}
			p.inserts = append(p.inserts, e)
			continue
		case foreign[j] && i >= 0:
			return nil, fmt.Errorf("%s of event %s: %w", c.Op, uid, &calendar.DuplicateUIDError{UID: uid,
				Where: fmt.Sprintf("%s, lines %d and %d", s.path, f.lineOf(min(i, foreignAt[j])), f.lineOf(max(i, foreignAt[j])))})
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
		old.Color == e.Color && old.Description == e.Description && old.Status == e.Status &&
		old.Locked == e.Locked
}
