package caldav

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/awcal/awcal/internal/calendar"
)

// maxParallelWrites bounds the creates an Apply has in flight at once.
const maxParallelWrites = 4

// maxSingleLookups is how many UID lookups an Apply makes one by one before it lists the
// calendar once instead (an incremental sync writes one to three events).
const maxSingleLookups = 4

// Apply makes the changes in their order, as calendar.Store describes: consecutive creates
// (each a new resource, independent of the others) go out up to maxParallelWrites at a time;
// an update or delete waits until every write before it is done and runs alone. After a write
// fails no new one starts, the ones in flight finish, and the error is that of the first
// failing change in list order: every change before it was applied, and after it only creates
// that no update or delete separates from it may have been.
//
// A write whose version is stale (412), whose resource exists already or has vanished, or that
// the server refuses as conflicting (409) fails with calendar.ErrConflict. A change with an
// empty Version (a server that gives no ETags) is written unconditionally.
func (s *Store) Apply(ctx context.Context, changes []calendar.Change) error {
	if err := calendar.ValidateChanges(changes); err != nil {
		return err
	}
	// A create goes to the resource named after its UID with If-None-Match, and the server's
	// answer says whether the UID is taken (RFC 4791's no-uid-conflict), so it needs no lookup.
	// An update or delete of a UID this Store has not seen must know what holds it: a few are
	// looked up one by one, more with one listing of the calendar, because servers without a
	// UID index (Radicale) read the whole collection to answer each lookup.
	lookups := 0
	s.mu.Lock()
	for _, c := range changes {
		if _, known := s.hrefs[c.Event.UID]; c.Op != calendar.Create && !known {
			lookups++
		}
	}
	s.mu.Unlock()
	w := &writes{s: s, ctx: ctx, changes: changes, slots: make(chan struct{}, maxParallelWrites), failed: -1}
	if lookups > maxSingleLookups {
		var err error
		if w.held, err = s.findAll(ctx); err != nil {
			return err
		}
	}
	for i, c := range changes {
		if c.Op != calendar.Create {
			w.wg.Wait() // an update or delete is a barrier
		}
		w.slots <- struct{}{}
		if w.hasFailed() {
			<-w.slots
			break
		}
		w.wg.Add(1)
		if c.Op == calendar.Create {
			go w.write(i)
		} else {
			w.write(i)
		}
	}
	w.wg.Wait()
	return w.err
}

// writes is one Apply's changes on their way to the server.
type writes struct {
	s       *Store
	ctx     context.Context
	changes []calendar.Change
	// slots holds a token for each write in flight.
	slots chan struct{}
	wg    sync.WaitGroup

	mu sync.Mutex
	// held, when not nil, is what the calendar held when the Apply began, kept up to date by
	// the writes; otherwise UIDs are looked up one by one.
	held map[string]holder
	// failed is the index of the first failing change in list order (-1: none), err its error.
	failed int
	err    error
}

// write makes change i, records its failure, and frees its slot.
func (w *writes) write(i int) {
	defer w.wg.Done()
	c := w.changes[i]
	err := w.s.apply(w.ctx, c, w)
	if err != nil {
		err = fmt.Errorf("change %d of %d (%s event %s in %s): %w",
			i+1, len(w.changes), c.Op, c.Event.UID, w.s.cal.Redacted(), err)
		w.mu.Lock()
		if w.failed < 0 || i < w.failed {
			w.failed, w.err = i, err
		}
		w.mu.Unlock()
	}
	if hook := w.s.afterWrite; hook != nil {
		hook(i, err)
	}
	<-w.slots
}

func (w *writes) hasFailed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failed >= 0
}

// holder returns what held says holds uid, when the Apply listed the calendar.
func (w *writes) holder(uid string) (h holder, found, listed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.held == nil {
		return holder{}, false, false
	}
	h, found = w.held[uid]
	return h, found, true
}

// wrote keeps held up to date after a write at href (a delete when href is "").
func (w *writes) wrote(uid, href string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.held == nil {
		return
	}
	if href == "" {
		delete(w.held, uid)
	} else {
		w.held[uid] = holder{href: href, owned: true}
	}
}

// apply makes one change of w.
func (s *Store) apply(ctx context.Context, c calendar.Change, w *writes) error {
	uid := c.Event.UID
	s.mu.Lock()
	href, known := s.hrefs[uid]
	s.mu.Unlock()
	switch {
	case c.Op == calendar.Create:
		// A server that enforces one UID per calendar refuses a UID held elsewhere; the
		// If-None-Match below refuses one held at this name.
		href = s.cal.Path + ResourceName(uid)
	case !known:
		// An update or delete must not touch an event that is not awcal's, wherever it lives.
		h, found, listed := w.holder(uid)
		if !listed {
			var err error
			if h, found, err = s.find(ctx, uid); err != nil {
				return err
			}
		}
		switch {
		case !found:
			return fmt.Errorf("%w: the event is gone from the calendar", calendar.ErrConflict)
		case !h.owned:
			return fmt.Errorf("the calendar holds it at %s, but not as awcal's: %w", h.href, calendar.ErrNotOwned)
		}
		href = h.href
	}
	u := s.cal.ResolveReference(&url.URL{Path: href})

	method, contentType := http.MethodDelete, ""
	var body []byte
	if c.Op != calendar.Delete {
		var err error
		if body, err = s.encode(c.Event); err != nil {
			return err
		}
		method, contentType = http.MethodPut, "text/calendar; charset=utf-8"
	}
	req, err := s.t.request(ctx, method, u, body, contentType)
	if err != nil {
		return err
	}
	switch {
	case c.Op == calendar.Create:
		req.Header.Set("If-None-Match", "*")
	case c.Event.Version != "":
		req.Header.Set("If-Match", c.Event.Version)
	}
	resp, err := s.t.Do(req)
	if err != nil {
		if known {
			// Where it was seen is no longer to be trusted: look it up next time.
			s.forget(uid)
		}
		if c.Op != calendar.Create && errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: it is gone from the server: %w", calendar.ErrConflict, err)
		}
		if c.Op == calendar.Create && uidConflict(err) {
			// The server holds the UID in another resource of the calendar.
			where := "a resource of " + s.cal.Redacted() + " other than " + ResourceName(uid)
			return fmt.Errorf("%w: %w", &calendar.UIDTakenError{UID: uid, Where: where}, err)
		}
		if c.Op == calendar.Create && errors.Is(err, calendar.ErrConflict) {
			// If-None-Match refused it: something is at the UID's resource name already.
			return fmt.Errorf("%w: %w", &calendar.UIDTakenError{UID: uid, Where: u.Path}, err)
		}
		return err
	}
	resp.Body.Close()
	if c.Op == calendar.Delete {
		s.forget(uid)
		w.wrote(uid, "")
	} else {
		s.mu.Lock()
		s.hrefs[uid] = u.Path
		s.mu.Unlock()
		w.wrote(uid, u.Path)
	}
	return nil
}
