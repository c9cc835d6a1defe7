package caldav_test

import (
	"context"
	"net/http"
	"path"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
)

// writeGate is a server-side view of an Apply's writes: it records each PUT and DELETE with
// the number of writes in flight when it arrived, and holds the writes whose resource names
// the test chose until the test releases them.
type writeGate struct {
	mu             sync.Mutex
	arrived        []string       // resource names, in arrival order
	inFlight       map[string]int // writes in flight (itself included) when each arrived
	maxAtOnce, now int
	hold           map[string]chan struct{}
	arrival        chan string
}

func newWriteGate() *writeGate {
	return &writeGate{inFlight: map[string]int{}, hold: map[string]chan struct{}{}, arrival: make(chan string, 64)}
}

// holdBack makes the writes to these resource names wait until release.
func (g *writeGate) holdBack(names ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range names {
		g.hold[n] = make(chan struct{})
	}
}

func (g *writeGate) release(name string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.hold[name])
}

func (g *writeGate) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut && r.Method != http.MethodDelete {
			h.ServeHTTP(w, r)
			return
		}
		name := path.Base(r.URL.Path)
		g.mu.Lock()
		g.now++
		g.maxAtOnce = max(g.maxAtOnce, g.now)
		g.arrived = append(g.arrived, name)
		g.inFlight[name] = g.now
		wait := g.hold[name]
		g.mu.Unlock()
		g.arrival <- name
		if wait != nil {
			select {
			case <-wait:
			case <-r.Context().Done():
			}
		}
		h.ServeHTTP(w, r)
		g.mu.Lock()
		g.now--
		g.mu.Unlock()
	})
}

// reset forgets the writes seen so far.
func (g *writeGate) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.arrived, g.inFlight, g.maxAtOnce = nil, map[string]int{}, 0
	for len(g.arrival) > 0 {
		<-g.arrival
	}
}

func (g *writeGate) seen() ([]string, map[string]int, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	inFlight := map[string]int{}
	for k, v := range g.inFlight {
		inFlight[k] = v
	}
	return append([]string(nil), g.arrived...), inFlight, g.maxAtOnce
}

// awaitArrivals waits until n held writes have arrived, or Apply returned (done).
func (g *writeGate) awaitArrivals(t *testing.T, n int, done <-chan error) {
	t.Helper()
	for range n {
		select {
		case <-g.arrival:
		case err := <-done:
			t.Fatalf("Apply returned (%v) before %d writes were in flight at once", err, n)
		}
	}
}

func creates(evs ...calendar.Event) []calendar.Change {
	out := make([]calendar.Change, len(evs))
	for i, e := range evs {
		out[i] = calendar.Change{Op: calendar.Create, Event: e}
	}
	return out
}

// hourly is n events of half an hour, one an hour from midnight.
func hourly(n int) []calendar.Event {
	evs := make([]calendar.Event, n)
	for i := range evs {
		evs[i] = event("Coding", time.Duration(i)*time.Hour, time.Duration(i)*time.Hour+30*time.Minute)
	}
	return evs
}

func names(evs ...calendar.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = caldav.ResourceName(e.UID)
	}
	return out
}

// A backfill creates thousands of events, each a PUT the server takes its time over: an Apply
// has up to four creates in flight at once, never more.
func TestApplyCreatesFourAtATime(t *testing.T) {
	g := newWriteGate()
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: g.wrap})
	store := open(t, srv, srv.CalendarPath)
	evs := hourly(10)
	first := names(evs[:4]...)
	g.holdBack(first...)
	done := make(chan error, 1)
	go func() { done <- store.Apply(t.Context(), creates(evs...)) }()
	g.awaitArrivals(t, 4, done) // the first four, held until all four are in flight
	for _, n := range first {
		g.release(n)
	}
	require.NoError(t, <-done)
	arrived, _, maxAtOnce := g.seen()
	assert.Len(t, arrived, 10)
	assert.Equal(t, 4, maxAtOnce, "four creates at once, never more")
	got, err := store.Owned(t.Context(), day, day.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Len(t, got, 10)
}

// An update or delete waits for every write before it and runs alone, so that nothing after a
// conflicting one is written (calendar.Store's contract).
func TestApplyUpdatesAndDeletesRunAlone(t *testing.T) {
	g := newWriteGate()
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: g.wrap})
	store := open(t, srv, srv.CalendarPath)
	ctx := t.Context()
	u, d := event("Updated", 0, time.Hour), event("Deleted", time.Hour, 2*time.Hour)
	require.NoError(t, store.Apply(ctx, creates(u, d)))
	read, err := store.Owned(ctx, day, day.Add(24*time.Hour))
	require.NoError(t, err)
	require.Len(t, read, 2)
	read[0].Title = "Updated again"

	a, b, c, e := event("A", 3*time.Hour, 4*time.Hour), event("B", 4*time.Hour, 5*time.Hour),
		event("C", 5*time.Hour, 6*time.Hour), event("E", 6*time.Hour, 7*time.Hour)
	changes := append(creates(a, b), calendar.Change{Op: calendar.Update, Event: read[0]})
	changes = append(changes, creates(c)...)
	changes = append(changes, calendar.Change{Op: calendar.Delete, Event: read[1]})
	changes = append(changes, creates(e)...)
	g.holdBack(names(a, b)...)
	g.reset()
	done := make(chan error, 1)
	go func() { done <- store.Apply(ctx, changes) }()
	g.awaitArrivals(t, 2, done)
	g.release(names(a)[0])
	g.release(names(b)[0])
	require.NoError(t, <-done)

	arrived, inFlight, _ := g.seen()
	nu, nd := caldav.ResourceName(u.UID), caldav.ResourceName(d.UID)
	assert.ElementsMatch(t, names(a, b), arrived[0:2], "the creates before the update go first")
	assert.Equal(t, []string{nu, names(c)[0], nd, names(e)[0]}, arrived[2:], "then the update, alone; then the rest in order")
	assert.Equal(t, 1, inFlight[nu], "nothing is in flight beside the update")
	assert.Equal(t, 1, inFlight[nd], "nothing is in flight beside the delete")
}

// When a create fails with creates in flight, no new write starts, the ones in flight finish
// (and stay applied: calendar.Store says which changes may have been), and the error is the
// first failure in change order, whichever failed first.
func TestApplyConflictWithCreatesInFlight(t *testing.T) {
	g := newWriteGate()
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: g.wrap})
	store := open(t, srv, srv.CalendarPath)
	ctx := t.Context()

	evs := hourly(6)
	// evs[1]'s UID is held by a foreign event under another name (the server's one-UID rule
	// refuses it); something is at evs[3]'s resource name already (If-None-Match refuses it).
	foreign := func(uid string) string {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
			"\r\nDTSTAMP:20260301T080000Z\r\nDTSTART:20260302T070000Z\r\nDTEND:20260302T073000Z\r\nSUMMARY:Mine\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	for p, uid := range map[string]string{"elsewhere.ics": evs[1].UID, caldav.ResourceName(evs[3].UID): "other@example.com"} {
		status, body, _ := srv.Do(t, http.MethodPut, srv.CalendarPath+p, http.Header{"Content-Type": {"text/calendar; charset=utf-8"}}, foreign(uid))
		require.Equal(t, http.StatusCreated, status, body)
	}
	g.reset() // the foreign events' PUTs
	held := names(evs[:4]...)
	g.holdBack(held...)
	written := make(chan int, 16)
	caldav.SetAfterWrite(store, func(i int, _ error) { written <- i })

	changes := creates(evs...)
	later := event("Later", 20*time.Hour, 21*time.Hour)
	changes = append(changes, calendar.Change{Op: calendar.Create, Event: later})
	done := make(chan error, 1)
	go func() { done <- store.Apply(ctx, changes) }()
	g.awaitArrivals(t, 4, done)
	// The later failure is seen first, then the earlier one, then the successes.
	g.release(held[3])
	require.Equal(t, 3, <-written)
	g.release(held[1])
	require.Equal(t, 1, <-written)
	g.release(held[0])
	g.release(held[2])
	err := <-done

	var taken *calendar.UIDTakenError
	require.ErrorAs(t, err, &taken)
	require.ErrorIs(t, err, calendar.ErrConflict)
	assert.Equal(t, evs[1].UID, taken.UID, "the first failure in change order")
	assert.Contains(t, err.Error(), "change 2 of 7")
	arrived, _, _ := g.seen()
	assert.ElementsMatch(t, held, arrived, "no write starts after a failure")
	got, err := store.Owned(ctx, day, day.Add(24*time.Hour))
	require.NoError(t, err)
	var uids []string
	for _, e := range got {
		uids = append(uids, e.UID)
	}
	assert.Equal(t, []string{evs[0].UID, evs[2].UID}, uids, "the creates in flight finished; nothing after them was written")
	_, foreignAt3, _ := srv.Do(t, http.MethodGet, srv.CalendarPath+held[3], nil, "")
	assert.Contains(t, foreignAt3, "other@example.com", "the resource at a taken name is untouched")
}

// A cancelled Apply with creates in flight returns the context's error.
func TestApplyCancelledWithCreatesInFlight(t *testing.T) {
	g := newWriteGate()
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: g.wrap})
	store := open(t, srv, srv.CalendarPath)
	evs := hourly(6)
	held := names(evs[:4]...)
	g.holdBack(held...)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- store.Apply(ctx, creates(evs...)) }()
	g.awaitArrivals(t, 4, done)
	cancel()
	err := <-done
	for _, n := range held {
		g.release(n) // the server had not read the bodies yet, so it did not see the client go
	}
	require.ErrorIs(t, err, context.Canceled)
	arrived, _, _ := g.seen()
	assert.ElementsMatch(t, held, arrived, "nothing starts after the cancellation")
}
