package syncer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/calendar/ics"
	"github.com/awcal/awcal/internal/calendar/memstore"
	"github.com/awcal/awcal/internal/syncer"
)

// step is a point in a run's use of the calendar where a test can pause it.
type step int

const (
	noPause     step = iota
	beforeRead       // Owned called, before it reads
	beforeWrite      // Apply called: the run has read and planned, and writes next
	afterWrite       // Apply returned
)

func (s step) String() string {
	return [...]string{"no pause", "before the read", "between read and write", "after the write"}[s]
}

// gate pauses a run at its n-th arrival at one step until the test lets it go on, and tells
// the test when the run starts waiting for the calendar's lock.
type gate struct {
	at      step
	n       int // pause at the n-th arrival at the step (1-based)
	seen    int
	paused  chan struct{} // closed when the run pauses
	resume  chan struct{} // closed by the test to let it go on
	locking chan struct{} // receives once when the run asks for the calendar's lock
	mu      sync.Mutex
}

func newGate(at step, n int) *gate {
	return &gate{at: at, n: n, paused: make(chan struct{}), resume: make(chan struct{}), locking: make(chan struct{}, 1)}
}

func (g *gate) arrive(s step) {
	g.mu.Lock()
	hit := false
	if s == g.at {
		g.seen++
		hit = g.seen == g.n
	}
	g.mu.Unlock()
	if hit {
		close(g.paused)
		<-g.resume
	}
}

// gated is a store whose use by one run a gate controls. It forwards calendar.Locker when the
// store it wraps has it.
type gated struct {
	syncer.Store
	g *gate
}

func (s gated) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	s.g.arrive(beforeRead)
	return s.Store.Owned(ctx, from, to)
}

func (s gated) Apply(ctx context.Context, changes []calendar.Change) error {
	s.g.arrive(beforeWrite)
	err := s.Store.Apply(ctx, changes)
	s.g.arrive(afterWrite)
	return err
}

func (s gated) Lock(ctx context.Context) (context.Context, func() error, error) {
	select {
	case s.g.locking <- struct{}{}:
	default:
	}
	if lk, ok := s.Store.(interface {
		Lock(context.Context) (context.Context, func() error, error)
	}); ok {
		return lk.Lock(ctx)
	}
	return ctx, func() error { return nil }, nil
}

// storeKind opens one more connection to the same calendar, as a second awcal process would.
type storeKind struct {
	name string
	open func(t *testing.T) func() syncer.Store
}

var storeKinds = []storeKind{
	{"ics", func(t *testing.T) func() syncer.Store {
		path := filepath.Join(t.TempDir(), "cal.ics")
		return func() syncer.Store {
			st, err := ics.Open(path)
			require.NoError(t, err)
			return st
		}
	}},
	{"caldav", func(t *testing.T) func() syncer.Store {
		srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{})
		return func() syncer.Store {
			st, err := caldav.Open(context.Background(), srv.URL, srv.CalendarPath, srv.Creds(),
				caldav.Options{HTTPClient: srv.Client})
			require.NoError(t, err)
			return st
		}
	}},
	{"memory", func(*testing.T) func() syncer.Store {
		mem := memstore.New()
		return func() syncer.Store { return mem }
	}},
}

// race runs first and second at once on the same calendar: first pauses at its n-th arrival
// at step at; second then runs until it is done or waits for the lock first holds; then
// first goes on. Both must succeed.
func race(t *testing.T, w *world, open func() syncer.Store, at step, n int,
	first, second func(s *syncer.Syncer) error) {
	t.Helper()
	ga := newGate(at, n)
	sa, sb := w.syncerOn(gated{open(), ga}), w.syncerOn(gated{open(), newGate(noPause, 0)})
	raceOn(t, ga, sb.gate, func() error { return first(sa.s) }, func() error { return second(sb.s) })
}

// raceOn runs first, paused by ga, and second (whose gate gb says when it asks for the lock)
// as race describes.
func raceOn(t *testing.T, ga, gb *gate, first, second func() error) {
	t.Helper()
	errA, errB := make(chan error, 1), make(chan error, 1)
	go func() { errA <- first() }()
	select {
	case <-ga.paused:
	case err := <-errA:
		// The run never reached the step (it had less to do): run them one after the other.
		require.NoError(t, err)
		require.NoError(t, second())
		return
	}
	go func() { errB <- second() }()
	select {
	case err := <-errB:
		require.NoError(t, err, "the second run")
		errB <- nil
	case <-gb.locking:
		// It asked for the lock the first run holds, or will hold until its write is done.
	}
	close(ga.resume)
	require.NoError(t, <-errA, "the first run")
	require.NoError(t, <-errB, "the second run")
}

// gatedSyncer is a syncer on a gated store.
type gatedSyncer struct {
	s    *syncer.Syncer
	gate *gate
}

// syncerOn is a syncer of the world on a gated store.
func (w *world) syncerOn(st gated) gatedSyncer {
	w.t.Helper()
	keep := w.store
	w.store = st
	defer func() { w.store = keep }()
	return gatedSyncer{w.syncer(), st.g}
}

// syncRun and backfillRun are the two kinds of run that meet in the race tests.
func syncRun(s *syncer.Syncer) error {
	_, err := s.Run(context.Background(), syncer.Request{Trigger: syncer.Manual})
	return err
}

func backfillRun(s *syncer.Syncer) error {
	_, err := s.Run(context.Background(), syncer.Request{Trigger: syncer.Manual, From: hm(8, 0), To: hm(11, 0)})
	return err
}

// raceEveryStep races first against second on every kind of store, the first run paused at
// each step of its use of the calendar in turn, and checks that the calendar holds each block
// once.
func raceEveryStep(t *testing.T, first, second func(s *syncer.Syncer) error) {
	for _, kind := range storeKinds {
		for _, at := range []step{beforeRead, beforeWrite, afterWrite} {
			t.Run(fmt.Sprintf("%s/%s", kind.name, at), func(t *testing.T) {
				w := newWorld(t, coding, meetings)
				open := kind.open(t)
				w.store = open()
				w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
				w.window(hm(10, 0), hm(10, 40), "zoom", "Planning")
				w.now = hm(11, 0)
				race(t, w, open, at, 1, first, second)
				require.Equal(t, []brief{
					{"coding", "Code - main.go", hm(9, 0), hm(10, 0)},
					{"meetings", "Planning", hm(10, 0), hm(10, 40)},
				}, briefs(w.owned()))
			})
		}
	}
}

// TestTwoSyncsNeverDuplicate is defect 1 of issue 13: two syncs at once (a tray sync and a cron
// `awcal sync`) each read the calendar before either wrote, and both created every new block.
func TestTwoSyncsNeverDuplicate(t *testing.T) { raceEveryStep(t, syncRun, syncRun) }

// TestSyncAndBackfillNeverDuplicate: a backfill of the morning and a sync meet in the same way.
func TestSyncAndBackfillNeverDuplicate(t *testing.T) { raceEveryStep(t, backfillRun, syncRun) }

// refusing is a store that says every create's UID is taken, as a server answering 412 to
// every write does.
type refusing struct {
	syncer.Store
	applies int
}

func (s *refusing) Apply(_ context.Context, changes []calendar.Change) error {
	s.applies++
	for _, c := range changes {
		if c.Op == calendar.Create {
			return &calendar.UIDTakenError{UID: c.Event.UID, Where: "a server that refuses everything"}
		}
	}
	return nil
}

// TestTakenUIDsEndInAFailure: a UID found taken is retried without counting as an attempt
// only once per block identity, so a calendar that refuses every create ends the run with
// the conflict instead of looping.
func TestTakenUIDsEndInAFailure(t *testing.T) {
	w := newWorld(t, coding, meetings)
	st := &refusing{Store: w.store}
	w.store = st
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	w.window(hm(10, 0), hm(10, 40), "zoom", "Planning")
	_, err := w.sync(hm(11, 0))
	require.ErrorIs(t, err, calendar.ErrConflict)
	assert.LessOrEqual(t, st.applies, 2+3, "one free retry per block, then three attempts")
	assert.Empty(t, w.owned())
}
