package ui

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// fakeRunner stands in for the Syncer under a real Scheduler. A run waits for release while
// hold is set, and fails while fail is set.
type fakeRunner struct {
	mu      sync.Mutex
	reqs    []syncer.Request
	derived []*syncer.Derived // each request's, which requests() leaves out
	rep     syncer.Report
	fail    error
	hold    chan struct{}
	started chan struct{}
}

func (f *fakeRunner) Run(ctx context.Context, req syncer.Request) (*syncer.Report, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.derived = append(f.derived, req.Derived)
	rep, fail, hold := f.rep, f.fail, f.hold
	f.mu.Unlock()
	if f.started != nil {
		f.started <- struct{}{}
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if req.Progress != nil {
		req.Progress(syncer.Progress{Phase: syncer.PhaseReading, Fraction: 0.25})
		req.Progress(syncer.Progress{Phase: syncer.PhaseDone, Fraction: 1})
	}
	rep.Started, rep.Finished = time.Now(), time.Now()
	return &rep, fail
}

func (f *fakeRunner) requests() []syncer.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]syncer.Request, len(f.reqs))
	for i, r := range f.reqs {
		r.Progress, r.Allowed, r.Derived = nil, nil, nil // functions do not compare
		out[i] = r
	}
	return out
}

func (f *fakeRunner) set(rep syncer.Report, fail error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rep, f.fail = rep, fail
}

// holdRuns makes the next runs wait for a send on the returned channel (nil: they do not wait).
func (f *fakeRunner) holdRuns(on bool) chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hold = nil
	if on {
		f.hold = make(chan struct{})
	}
	return f.hold
}

// runtimeFixture is a SchedulerRuntime over a real Scheduler whose runs go to sched, and whose
// dry runs go to dry.
type runtimeFixture struct {
	rt         *SchedulerRuntime
	sched, dry *fakeRunner
	owned      []calendar.Event
	ownedErr   error
	held       []calendar.Event // proposals held for review
}

// newRuntimeFixture starts the scheduler (auto sync off, so runs happen only when asked) in
// the test's bubble until the test ends.
func newRuntimeFixture(t *testing.T, last *config.RunSummary) *runtimeFixture {
	return newRuntimeFixtureWith(t, last, func(c *config.Config) { c.Sync.AutoSync = false })
}

func newRuntimeFixtureWith(t *testing.T, last *config.RunSummary, edit func(*config.Config)) *runtimeFixture {
	f := &runtimeFixture{sched: &fakeRunner{}, dry: &fakeRunner{}}
	cfg := config.Default(func(string) string { return "" })
	edit(&cfg)
	cfg.Profiles = []profile.Profile{{ID: "p-code", Name: "Coding"}, {ID: "p-meet", Name: "Meetings"}}
	s := syncer.NewScheduler(f.sched, syncer.SchedulerOptions{
		Config:  func() config.Config { return cfg },
		LastRun: last,
		Logger:  slog.New(slog.DiscardHandler),
	})
	f.rt = NewSchedulerRuntime(s, RuntimeOptions{
		DryRun: f.dry,
		Owned: func(context.Context, time.Time, time.Time) ([]calendar.Event, error) {
			return f.owned, f.ownedErr
		},
		Held:     func(context.Context, time.Time, time.Time) ([]calendar.Event, error) { return f.held, nil },
		Profiles: func() []profile.Profile { return cfg.Profiles },
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return f
}

func TestRuntimeStatusFromTheStateFile(t *testing.T) {
	end := time.Date(2026, 3, 10, 10, 42, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		last *config.RunSummary
		want Status
	}{
		{"never synced", nil, Status{State: StateIdle}},
		{"last run succeeded", &config.RunSummary{End: end, Created: 2, Unchanged: 5},
			Status{State: StateIdle, Last: RunSummary{At: end, Created: 2, Unchanged: 5}}},
		{"last run held its blocks for review", &config.RunSummary{End: end, Created: 3, Held: true},
			Status{State: StateIdle, Last: RunSummary{At: end, Created: 3, Held: true}}},
		{"last run failed", &config.RunSummary{End: end, Error: "aw-server is not reachable — is ActivityWatch running?"},
			Status{State: StateError, Error: "aw-server is not reachable — is ActivityWatch running?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newRuntimeFixture(t, tc.last)
				synctest.Wait()
				assert.Equal(t, tc.want, f.rt.Status())
			})
		})
	}
}

func TestRuntimeFollowsTheScheduler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newRuntimeFixture(t, nil)
		f.sched.started = make(chan struct{}, 4)
		release := f.sched.holdRuns(true)
		var mu sync.Mutex
		var seen []Status
		stop := f.rt.Subscribe(func(s Status) { mu.Lock(); seen = append(seen, s); mu.Unlock() })
		latest := func() Status {
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			require.NotEmpty(t, seen)
			return seen[len(seen)-1]
		}
		assert.Equal(t, Status{State: StateIdle}, latest(), "the current status comes first")

		{ // Sync now runs a manual sync and shows it.
			f.sched.set(syncer.Report{Counts: syncer.Counts{Updated: 2}}, nil)
			f.rt.SyncNow()
			<-f.sched.started
			assert.Equal(t, StateSyncing, latest().State)
			release <- struct{}{}
			got := latest()
			assert.Equal(t, StateIdle, got.State)
			assert.Equal(t, RunSummary{At: time.Now(), Updated: 2}, got.Last)
			assert.Equal(t, []syncer.Request{{Trigger: syncer.Manual}}, f.sched.requests())
		}
		{ // A failure keeps the last success and shows what to do.
			ok := latest().Last
			time.Sleep(time.Minute)
			f.sched.set(syncer.Report{}, errors.New("the calendar file is locked by another program: close it, then Sync now"))
			f.rt.SyncNow()
			<-f.sched.started
			release <- struct{}{}
			got := latest()
			assert.Equal(t, StateError, got.State)
			assert.Equal(t, "the calendar file is locked by another program: close it, then Sync now", got.Error)
			assert.Equal(t, ok, got.Last, "the tray says when the calendar was last brought up to date")
			assert.Equal(t, got, f.rt.Status(), "polling and subscribing agree")
		}
		{ // Pause and resume.
			f.rt.Pause()
			assert.Equal(t, StatePaused, latest().State)
			f.rt.Resume()
			assert.Equal(t, StateError, latest().State, "resuming shows the unresolved failure again")
		}
		{ // Unsubscribed.
			stop()
			stop() // twice is harmless
			synctest.Wait()
			mu.Lock()
			n := len(seen)
			mu.Unlock()
			f.rt.Pause()
			synctest.Wait()
			mu.Lock()
			assert.Len(t, seen, n, "no call after unsubscribing")
			mu.Unlock()
		}
	})
}

func TestRuntimeAnnouncesTheNextRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newRuntimeFixtureWith(t, nil, func(c *config.Config) {
			c.Sync.AutoSync = true
			c.Sync.IntervalMinutes = 10
		})
		synctest.Wait() // the first automatic run starts at once and ends
		require.Equal(t, []syncer.Request{{Trigger: syncer.Automatic}}, f.sched.requests())
		assert.Equal(t, time.Now().Add(10*time.Minute), f.rt.Status().Next, "the tooltip counts down to it")
		f.rt.Pause()
		synctest.Wait()
		assert.Equal(t, Status{State: StatePaused, Last: RunSummary{At: time.Now()}}, f.rt.Status(), "no next run while paused")
	})
}

func TestRuntimeBackfillPreviewIsADryRunOfTheSyncer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newRuntimeFixture(t, nil)
		from := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
		to := from.Add(24 * time.Hour)
		f.owned = []calendar.Event{
			{UID: "a", ProfileID: "p-code", Start: from.Add(9 * time.Hour), End: from.Add(11 * time.Hour)},
			{UID: "b", ProfileID: "p-meet", Start: from.Add(-time.Hour), End: from.Add(time.Hour)}, // crosses the start
			{UID: "c", ProfileID: "p-code", Start: from.Add(13 * time.Hour), End: from.Add(14 * time.Hour)},
			{UID: "d", ProfileID: "p-gone", Start: from.Add(20 * time.Hour), End: from.Add(26 * time.Hour)}, // crosses the end
		}
		f.dry.set(syncer.Report{Counts: syncer.Counts{Created: 1, Deleted: 1, Unchanged: 2}, Changes: []calendar.Change{
			{Op: calendar.Delete, Event: f.owned[2]},
			{Op: calendar.Create, Event: calendar.Event{UID: "e", ProfileID: "p-meet", Start: from.Add(15 * time.Hour), End: from.Add(15*time.Hour + 30*time.Minute)}},
		}}, nil)
		var phases []string
		plan, err := f.rt.Backfill(context.Background(), from, to, true, func(p string, _ float64) { phases = append(phases, p) })
		require.NoError(t, err)
		assert.Equal(t, []syncer.Request{{Trigger: syncer.Manual, From: from, To: to, DryRun: true}}, f.dry.requests())
		assert.Empty(t, f.sched.requests(), "a preview takes no place in the scheduler's queue")
		assert.Equal(t, Plan{Profiles: []ProfilePlan{
			{ProfileID: "p-code", Name: "Coding", Blocks: 1, Hours: 2},
			{ProfileID: "p-meet", Name: "Meetings", Blocks: 2, Hours: 1.5},
			{ProfileID: "p-gone", Name: "p-gone", Blocks: 1, Hours: 4},
		}, Created: 1, Deleted: 1, Unchanged: 2}, plan,
			"the range as it would be, clipped to it, in profile order; a profile that is gone last, by id")
		assert.Equal(t, []string{"Reading activity…", "Done."}, phases)
		assert.Equal(t, Status{State: StateIdle}, f.rt.Status(), "a preview is not a sync")

		{ // A failed preview.
			f.dry.set(syncer.Report{}, errors.New("aw-server is not reachable"))
			_, err := f.rt.Backfill(context.Background(), from, to, true, nil)
			assert.EqualError(t, err, "aw-server is not reachable")
		}
		{ // A preview whose calendar cannot be read for the summary.
			f.dry.set(syncer.Report{}, nil)
			f.ownedErr = calendar.ErrConflict
			_, err := f.rt.Backfill(context.Background(), from, to, true, nil)
			assert.ErrorIs(t, err, calendar.ErrConflict)
		}
	})
}

func TestRuntimeBackfillGoesThroughTheScheduler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newRuntimeFixture(t, nil)
		from := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
		to := from.Add(24 * time.Hour)
		f.owned = []calendar.Event{{UID: "a", ProfileID: "p-code", Start: from.Add(9 * time.Hour), End: from.Add(10 * time.Hour)}}
		f.sched.started = make(chan struct{}, 4)
		release := f.sched.holdRuns(true)
		f.sched.set(syncer.Report{Counts: syncer.Counts{Created: 1}}, nil)

		f.rt.SyncNow() // a sync is going when the backfill is confirmed
		<-f.sched.started
		synctest.Wait()
		var mu sync.Mutex
		var phases []string
		var plan Plan
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			plan, err = f.rt.Backfill(context.Background(), from, to, false, func(p string, _ float64) {
				mu.Lock()
				phases = append(phases, p)
				mu.Unlock()
			})
		}()
		synctest.Wait()
		assert.Len(t, f.sched.requests(), 1, "the backfill waits for the running sync")
		mu.Lock()
		assert.Equal(t, []string{"Waiting for the sync in progress to finish…"}, phases)
		mu.Unlock()
		release <- struct{}{} // the sync ends
		<-f.sched.started
		release <- struct{}{} // the backfill ends
		<-done
		require.NoError(t, err)
		assert.Equal(t, []syncer.Request{{Trigger: syncer.Manual}, {Trigger: syncer.Manual, From: from, To: to}}, f.sched.requests(),
			"the real backfill is the scheduler's, and no dry run")
		assert.Empty(t, f.dry.requests())
		assert.Equal(t, Plan{Profiles: []ProfilePlan{{ProfileID: "p-code", Name: "Coding", Blocks: 1, Hours: 1}}, Created: 1}, plan,
			"the plan reads the range back after writing")
		assert.Equal(t, []string{"Waiting for the sync in progress to finish…", "Reading activity…", "Done."}, phases)

		{ // The summary cannot be read back.
			f.ownedErr = errors.New("the CalDAV server did not answer")
			f.sched.holdRuns(false)
			plan, err := f.rt.Backfill(context.Background(), from, to, false, nil)
			<-f.sched.started
			require.NoError(t, err, "the backfill itself was written")
			assert.Equal(t, 1, plan.Created)
			assert.Empty(t, plan.Profiles)
			assert.Contains(t, plan.Incomplete, "the CalDAV server did not answer")
			assert.Contains(t, planText(plan), "could not be read back")
		}
		{ // Cancelled while it runs.
			f.sched.holdRuns(true)
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error)
			go func() {
				_, err := f.rt.Backfill(ctx, from, to, false, nil)
				errc <- err
			}()
			<-f.sched.started
			cancel()
			assert.ErrorIs(t, <-errc, context.Canceled)
			synctest.Wait()
			st := f.rt.Status()
			assert.NotEqual(t, StateError, st.State, "a cancelled backfill is no failure: the tray notifies none")
			assert.Empty(t, st.Error)
		}
	})
}

func TestPhaseText(t *testing.T) {
	for _, tc := range []struct {
		phase syncer.Phase
		want  string
	}{
		{syncer.PhaseReading, "Reading activity…"},
		{syncer.PhaseWriting, "Writing the calendar…"},
		{syncer.PhaseDone, "Done."},
		{"", ""},
	} {
		t.Run(string(tc.phase), func(t *testing.T) {
			assert.Equal(t, tc.want, phaseText(tc.phase))
		})
	}
}

func TestRuntimeConfirmWritesWhatThePreviewDerived(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newRuntimeFixture(t, nil)
		from := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
		to := from.Add(24 * time.Hour)
		f.dry.set(syncer.Report{}, nil)
		f.sched.set(syncer.Report{}, nil)
		_, err := f.rt.Backfill(context.Background(), from, to, true, nil)
		require.NoError(t, err)
		_, err = f.rt.Backfill(context.Background(), from, to, false, nil)
		require.NoError(t, err)
		_, err = f.rt.Backfill(context.Background(), from, to, false, nil)
		require.NoError(t, err)

		f.dry.mu.Lock()
		preview := f.dry.derived[0]
		f.dry.mu.Unlock()
		f.sched.mu.Lock()
		confirms := append([]*syncer.Derived(nil), f.sched.derived...)
		f.sched.mu.Unlock()
		require.NotNil(t, preview, "the preview keeps what it derives")
		require.Len(t, confirms, 2)
		assert.Same(t, preview, confirms[0], "the confirming backfill gets the preview's derivation")
		assert.Nil(t, confirms[1], "used once: a second backfill reads the range")
	})
}

func TestRuntimeHeldBackfillCountsProposalsNotCalendarEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newRuntimeFixture(t, nil)
		from := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
		to := from.Add(24 * time.Hour)
		f.owned = []calendar.Event{ // in the calendar already; review "hold" leaves them as they are
			{UID: "a", ProfileID: "p-code", Start: from.Add(9 * time.Hour), End: from.Add(11 * time.Hour), Locked: true},
			{UID: "b", ProfileID: "p-meet", Start: from.Add(13 * time.Hour), End: from.Add(14 * time.Hour)},
			{UID: "c", ProfileID: "p-meet", Start: from.Add(-3 * time.Hour), End: from.Add(-2 * time.Hour)}, // the day before
		}
		f.held = []calendar.Event{ // a pending proposal the backfill leaves as it is
			{UID: "h", ProfileID: "p-code", Start: from.Add(17 * time.Hour), End: from.Add(18 * time.Hour)},
		}
		proposal := calendar.Event{UID: "p", ProfileID: "p-code", Start: from.Add(15 * time.Hour), End: from.Add(16 * time.Hour)}
		f.dry.set(syncer.Report{Held: true, Counts: syncer.Counts{Created: 1, Unchanged: 1},
			Changes: []calendar.Change{{Op: calendar.Create, Event: proposal}}}, nil)
		plan, err := f.rt.Backfill(context.Background(), from, to, true, nil)
		require.NoError(t, err)
		assert.Equal(t, Plan{Profiles: []ProfilePlan{
			{ProfileID: "p-code", Name: "Coding", Blocks: 3, Hours: 4},
			{ProfileID: "p-meet", Name: "Meetings", Blocks: 1, Hours: 1},
		}, Created: 1, Unchanged: 1, Held: true, InCalendar: 2}, plan,
			"the calendar's events in the range stay; one new proposal and one pending that stays, counted as proposals")
		assert.Equal(t, "Would change the calendar: nothing (2 unchanged).\n"+
			"Would hold for review: 1 new proposal, 0 to update, 0 to withdraw (1 unchanged).", changesText(plan, true))

		f.held = append(f.held, proposal) // what the confirmed backfill held
		f.sched.set(syncer.Report{Held: true, Counts: syncer.Counts{Created: 1, Unchanged: 1}}, nil)
		done, err := f.rt.Backfill(context.Background(), from, to, false, nil)
		require.NoError(t, err)
		assert.Equal(t, plan, done, "the confirmed backfill, through the scheduler, is held and counted as its preview")
		assert.Equal(t, "Changed the calendar: nothing (2 unchanged).\n"+
			"Held for review: 1 new proposal, 0 updated, 0 withdrawn (1 unchanged).", changesText(done, false))

		f.dry.set(syncer.Report{Counts: syncer.Counts{Created: 1}}, nil)
		plan, err = f.rt.Backfill(context.Background(), from, to, true, nil)
		require.NoError(t, err)
		assert.False(t, plan.Held, "review off (or a reset of corrections) writes the calendar")
		assert.Zero(t, plan.InCalendar)
		assert.Equal(t, []ProfilePlan{{ProfileID: "p-code", Name: "Coding", Blocks: 1, Hours: 2}, {ProfileID: "p-meet", Name: "Meetings", Blocks: 1, Hours: 1}},
			plan.Profiles, "held proposals are not read when the run was not held")
		assert.Equal(t, "Would change the calendar: 1 to create, 0 to update, 0 to delete (0 unchanged).", changesText(plan, true))
	})
}

func TestHeldProposalsLeavesTentativeEventsOut(t *testing.T) {
	from := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	held := calendar.Event{UID: "h", Start: from.Add(time.Hour), End: from.Add(2 * time.Hour)}
	tentative := calendar.Event{UID: "t", Start: from.Add(3 * time.Hour), End: from.Add(4 * time.Hour)}
	var asked []time.Time
	read := HeldProposals(func(_ context.Context, f, to time.Time) ([]syncer.Proposal, error) {
		asked = append(asked, f, to)
		return []syncer.Proposal{{Event: held, Held: true}, {Event: tentative}}, nil
	})
	got, err := read(context.Background(), from, from.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, []calendar.Event{held}, got, "a tentative event is the calendar's, read with it")
	assert.Equal(t, []time.Time{from, from.Add(24 * time.Hour)}, asked)

	read = HeldProposals(func(context.Context, time.Time, time.Time) ([]syncer.Proposal, error) {
		return nil, errors.New("proposals.json: unexpected end of JSON input")
	})
	_, err = read(context.Background(), from, from.Add(24*time.Hour))
	assert.EqualError(t, err, "proposals.json: unexpected end of JSON input")
}
