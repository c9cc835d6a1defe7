// Package memstore is an in-memory calendar.Store: the fake the syncer tests use. It keeps the
// store contract exactly (versions, ErrConflict on a stale Version, ErrNotOwned for foreign
// events, foreign events kept as raw bytes, an event the person edited read as locked) and
// applies a change list one change at a time, as a CalDAV server does, so that tests can inject
// a failure at any step with FailOn.
package memstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"

	"github.com/awcal/awcal/internal/calendar"
)

// Store is an in-memory calendar. The zero value is not usable; call New. It is safe for
// concurrent use.
type Store struct {
	mu      sync.Mutex
	owned   map[string]calendar.Event
	foreign map[string]string
	// edited holds the text of the owned events the person edited (Edit), verbatim.
	edited  map[string]string
	version int
	failOn  func(calendar.Change) error
}

var _ calendar.Store = (*Store)(nil)

// New returns an empty calendar.
func New() *Store {
	return &Store{owned: map[string]calendar.Event{}, foreign: map[string]string{}, edited: map[string]string{}}
}

// Owned returns the owned events overlapping [from, to), sorted by start then UID.
func (s *Store) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reading the memory calendar: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []calendar.Event
	for _, e := range s.owned {
		if calendar.Overlaps(e, from, to) {
			out = append(out, e)
		}
	}
	calendar.SortEvents(out)
	return out, nil
}

// Apply validates the whole list (calendar.ValidateChanges) and then makes the changes in
// order. It stops at the first failure: the changes before it stay applied, the failing one and
// those after it are not (the CalDAV store may also have applied the creates that follow a
// failing one up to the next update or delete).
func (s *Store) Apply(ctx context.Context, changes []calendar.Change) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing the memory calendar: %w", err)
	}
	if err := calendar.ValidateChanges(changes); err != nil {
		return fmt.Errorf("writing the memory calendar: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range changes {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("writing the memory calendar: %w", err)
		}
		if s.failOn != nil {
			if err := s.failOn(c); err != nil {
				return fmt.Errorf("%s of event %s: %w", c.Op, c.Event.UID, err)
			}
		}
		if err := s.apply(c); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) apply(c calendar.Change) error {
	uid := c.Event.UID
	if c.Op == calendar.Create {
		_, isOwned := s.owned[uid]
		_, isForeign := s.foreign[uid]
		if isOwned || isForeign {
			return &calendar.UIDTakenError{UID: uid, Where: "the memory calendar"}
		}
		s.put(c.Event)
		return nil
	}
	if _, ok := s.foreign[uid]; ok {
		return fmt.Errorf("%s of event %s: %w", c.Op, uid, calendar.ErrNotOwned)
	}
	cur, ok := s.owned[uid]
	if !ok {
		return fmt.Errorf("%s of event %s: it no longer exists: %w", c.Op, uid, calendar.ErrConflict)
	}
	if cur.Version != c.Event.Version {
		return fmt.Errorf("%s of event %s: version %q is stale (now %q): %w", c.Op, uid,
			c.Event.Version, cur.Version, calendar.ErrConflict)
	}
	if c.Op == calendar.Delete {
		delete(s.owned, uid)
		delete(s.edited, uid)
		return nil
	}
	s.put(c.Event)
	return nil
}

// put stores e as a real store would read it back, under a fresh version.
func (s *Store) put(e calendar.Event) {
	s.version++
	e = calendar.Normalize(e)
	e.Version = strconv.Itoa(s.version)
	s.owned[e.UID] = e
	delete(s.edited, e.UID)
}

// All returns every owned event, sorted by start then UID.
func (s *Store) All() []calendar.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]calendar.Event, 0, len(s.owned))
	for _, e := range s.owned {
		out = append(out, e)
	}
	calendar.SortEvents(out)
	return out
}

// AddForeign puts an event that awcal does not own into the calendar, as another client would.
// ics is its text (a VEVENT block), kept verbatim and never parsed: the store treats the UID as
// foreign whatever the text says.
func (s *Store) AddForeign(uid, ics string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.foreign[uid] = ics
}

// Foreign returns a foreign event's text exactly as AddForeign stored it.
func (s *Store) Foreign(uid string) (ics string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ics, ok = s.foreign[uid]
	return ics, ok
}

// FailOn installs a hook that Apply calls before each change; when it returns an error, Apply
// stops there and returns it (wrapped, so errors.Is works). The changes before it stay applied.
// FailOn(nil) removes the hook.
func (s *Store) FailOn(hook func(calendar.Change) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failOn = hook
}

// stamp is the DTSTAMP of the text Raw renders, fixed so that the text depends on the event only.
var stamp = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Raw returns the owned event's text (one VEVENT) as a calendar app would see it: what Edit
// left, or else the event as awcal's stores render it.
func (s *Store) Raw(uid string) (ics string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rawLocked(uid)
}

func (s *Store) rawLocked(uid string) (string, bool) {
	if text, ok := s.edited[uid]; ok {
		return text, true
	}
	e, ok := s.owned[uid]
	if !ok {
		return "", false
	}
	var b strings.Builder
	if err := calendar.EncodeComponent(&b, calendar.ToVEvent(e, stamp).Component); err != nil {
		return "", false
	}
	return b.String(), true
}

// Edit changes an owned event as the person would in a calendar app: edit gets its text (Raw)
// and returns the new text, which is kept verbatim and read as the store would read it (an
// edit shows as Event.Locked). The event gets a new version.
func (s *Store) Edit(uid string, edit func(ics string) string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	text, ok := s.rawLocked(uid)
	if !ok {
		return fmt.Errorf("editing event %s: no such owned event", uid)
	}
	text = edit(text)
	cal, err := ical.NewDecoder(strings.NewReader("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
		text + "END:VCALENDAR\r\n")).Decode()
	if err != nil {
		return fmt.Errorf("editing event %s: the new text does not parse: %w", uid, err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		return fmt.Errorf("editing event %s: the new text holds %d events, not one", uid, len(evs))
	}
	e, owned, err := calendar.FromVEvent(&evs[0])
	if err != nil || !owned || e.UID != uid {
		return fmt.Errorf("editing event %s: the new text is not the same owned event (%v)", uid, err)
	}
	s.version++
	e.Version = strconv.Itoa(s.version)
	s.owned[uid] = e
	s.edited[uid] = text
	return nil
}

// Remove deletes an owned event as the person would in a calendar app.
func (s *Store) Remove(uid string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.owned[uid]; !ok {
		return fmt.Errorf("removing event %s: no such owned event", uid)
	}
	delete(s.owned, uid)
	delete(s.edited, uid)
	return nil
}
