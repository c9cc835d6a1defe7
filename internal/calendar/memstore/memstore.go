// Package memstore is an in-memory calendar.Store: the fake the syncer tests use. It keeps the
// store contract exactly (versions, ErrConflict on a stale Version, ErrNotOwned for foreign
// events, foreign events kept as raw bytes) and applies a change list one change at a time, as
// a CalDAV server does, so that tests can inject a failure at any step with FailOn.
package memstore

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/calendar"
)

// Store is an in-memory calendar. The zero value is not usable; call New. It is safe for
// concurrent use.
type Store struct {
	mu      sync.Mutex
	owned   map[string]calendar.Event
	foreign map[string]string
	version int
	failOn  func(calendar.Change) error
}

var _ calendar.Store = (*Store)(nil)

// New returns an empty calendar.
func New() *Store {
	return &Store{owned: map[string]calendar.Event{}, foreign: map[string]string{}}
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
// those after it are not (the weakest form the contract allows, as on CalDAV).
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
			return fmt.Errorf("creating event %s: it already exists: %w", uid, calendar.ErrConflict)
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
