package syncer

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/testreal"
)

// fakeRunner records the runs the scheduler starts. A run waits for release when hold is
// set, and fails while fail is set.
type fakeRunner struct {
	mu      sync.Mutex
	runs    []Request
	at      []time.Time
	active  int
	maxPar  int
	hold    chan struct{}
	fail    error
	started chan struct{}
}

func (f *fakeRunner) Run(ctx context.Context, req Request) (*Report, error) {
	f.mu.Lock()
	f.runs = append(f.runs, req)
	f.at = append(f.at, time.Now())
	f.active++
	f.maxPar = max(f.maxPar, f.active)
	hold, fail := f.hold, f.fail
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.active--
		f.mu.Unlock()
	}()
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
	if req.Trigger == Automatic && req.Allowed != nil && !req.Allowed() {
		return nil, ErrNotAllowed
	}
	rep := &Report{Trigger: req.Trigger, Strategy: config.StrategyLastChecked, Started: time.Now(), Finished: time.Now()}
	if fail != nil {
		return rep, fail
	}
	rep.Created = 1
	return rep, nil
}

func (f *fakeRunner) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.runs)
}

func (f *fakeRunner) setFail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

// autoConfig is a configuration with auto sync every interval.
func autoConfig(interval time.Duration) *config.Config {
	cfg := config.Default(func(string) string { return "" })
	cfg.Sync.AutoSync = true
	cfg.Sync.IntervalMinutes = interval.Minutes()
	return &cfg
}

// startScheduler runs a scheduler in the bubble until the test ends.
func startScheduler(t *testing.T, r Runner, cfg *config.Config) (*Scheduler, *sync.Mutex) {
	var mu sync.Mutex
	s := NewScheduler(r, SchedulerOptions{
		Config: func() config.Config { mu.Lock(); defer mu.Unlock(); return *cfg },
		Logger: slog.New(slog.DiscardHandler),
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return s, &mu
}

func TestSchedulerCoalescesSyncNow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := autoConfig(10 * time.Minute)
		cfg.Sync.AutoSync = false
		r := &fakeRunner{hold: make(chan struct{}), started: make(chan struct{}, 10)}
		s, _ := startScheduler(t, r, cfg)

		s.SyncNow()
		<-r.started // the first run is going
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(s.SyncNow)
		}
		wg.Wait()
		synctest.Wait()
		assert.Equal(t, StateSyncing, s.Status().State)
		close(r.hold)
		synctest.Wait()
		assert.Equal(t, 2, r.count(), "ten requests during a run are one queued run")
		assert.Equal(t, 1, r.maxPar, "runs never overlap")
		assert.Equal(t, StateIdle, s.Status().State)
	})
}

func TestSchedulerBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := autoConfig(10 * time.Minute)
		r := &fakeRunner{fail: errors.New("aw-server is not reachable")}
		start := time.Now()
		s, _ := startScheduler(t, r, cfg)

		// Failing runs at 0, then after 10, 20, 40, 60, 60 minutes (capped at an hour).
		time.Sleep(190*time.Minute + time.Second)
		synctest.Wait()
		var gaps []time.Duration
		r.mu.Lock()
		for i, at := range r.at {
			prev := start
			if i > 0 {
				prev = r.at[i-1]
			}
			gaps = append(gaps, at.Sub(prev))
		}
		r.mu.Unlock()
		assert.Equal(t, []time.Duration{0, 10 * time.Minute, 20 * time.Minute, 40 * time.Minute, 60 * time.Minute, 60 * time.Minute}, gaps)
		st := s.Status()
		assert.Equal(t, StateError, st.State)
		assert.Equal(t, 6, st.Failures)
		require.Error(t, st.Err)
		assert.Equal(t, "aw-server is not reachable", st.Err.Error())
		require.NotNil(t, st.LastRun)
		assert.Equal(t, "aw-server is not reachable", st.LastRun.Error)
		assert.Equal(t, r.at[5].Add(time.Hour), st.NextRun)

		// A success resets the backoff.
		r.setFail(nil)
		s.SyncNow()
		synctest.Wait()
		st = s.Status()
		assert.Equal(t, StateIdle, st.State)
		assert.Zero(t, st.Failures)
		assert.NoError(t, st.Err)
		assert.Equal(t, time.Now().Add(10*time.Minute), st.NextRun)
		n := r.count()
		time.Sleep(10*time.Minute + time.Second)
		synctest.Wait()
		assert.Equal(t, n+1, r.count(), "back to the interval after a success")
	})
}

func TestSchedulerNeverFiresWhileCustomOrPaused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := autoConfig(5 * time.Minute)
		cfg.SetStrategy(config.StrategyCustom) // turns auto sync off
		cfg.Sync.AutoSync = true               // and even if it were on
		r := &fakeRunner{}
		s, mu := startScheduler(t, r, cfg)

		time.Sleep(3 * time.Hour)
		synctest.Wait()
		assert.Zero(t, r.count(), "no automatic run while the custom range is selected")
		assert.True(t, s.Status().NextRun.IsZero())

		mu.Lock()
		cfg.SetStrategy(config.StrategyLastChecked)
		mu.Unlock()
		s.Pause()
		time.Sleep(time.Hour)
		synctest.Wait()
		assert.Zero(t, r.count(), "no automatic run while paused")
		assert.Equal(t, StatePaused, s.Status().State)

		// Manual runs still work while paused.
		s.SyncNow()
		synctest.Wait()
		assert.Equal(t, 1, r.count())
		assert.Equal(t, Manual, r.runs[0].Trigger)
		assert.Equal(t, StatePaused, s.Status().State)

		s.Resume()
		synctest.Wait()
		assert.Equal(t, StateIdle, s.Status().State)
		time.Sleep(5*time.Minute + time.Second)
		synctest.Wait()
		require.Equal(t, 2, r.count())
		assert.Equal(t, Automatic, r.runs[1].Trigger)
	})
}

func TestSchedulerStatusSubscription(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := autoConfig(10 * time.Minute)
		cfg.Sync.AutoSync = false
		r := &fakeRunner{hold: make(chan struct{}), started: make(chan struct{}, 1)}
		s, _ := startScheduler(t, r, cfg)
		ch, cancel := s.Subscribe()
		defer cancel()
		synctest.Wait()
		assert.Equal(t, StateIdle, (<-ch).State)

		s.SyncNow()
		<-r.started
		synctest.Wait()
		assert.Equal(t, StateSyncing, (<-ch).State)
		close(r.hold)
		synctest.Wait()
		st := <-ch
		assert.Equal(t, StateIdle, st.State)
		assert.Equal(t, Counts{Created: 1}, st.Counts)
		require.NotNil(t, st.LastRun)
		select {
		case extra := <-ch:
			t.Fatalf("only the latest status is kept, got another: %+v", extra)
		default:
		}
	})
}

func TestSchedulerBackfillWaitsForTheRunningSync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := autoConfig(10 * time.Minute)
		r := &fakeRunner{hold: make(chan struct{}), started: make(chan struct{}, 2)}
		s, _ := startScheduler(t, r, cfg)
		<-r.started // the automatic run at start-up is going

		from, to := time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)
		var rep *Report
		var err error
		done := make(chan struct{})
		go func() {
			rep, err = s.Backfill(context.Background(), from, to, nil)
			close(done)
		}()
		synctest.Wait()
		assert.Equal(t, 1, r.count(), "the backfill waits for the running sync")
		close(r.hold)
		<-done
		require.NoError(t, err)
		require.NotNil(t, rep)
		require.Equal(t, 2, r.count())
		assert.Equal(t, from, r.runs[1].From)
		assert.Equal(t, to, r.runs[1].To)
		assert.Equal(t, 1, r.maxPar)
	})
}

func TestSchedulerBackfillCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := autoConfig(10 * time.Minute)
		cfg.Sync.AutoSync = false
		r := &fakeRunner{hold: make(chan struct{}), started: make(chan struct{}, 1)}
		s, _ := startScheduler(t, r, cfg)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() {
			_, err := s.Backfill(ctx, time.Now().Add(-time.Hour), time.Now(), nil)
			done <- err
		}()
		<-r.started
		cancel()
		assert.ErrorIs(t, <-done, context.Canceled)
		synctest.Wait()
		st := s.Status()
		assert.NoError(t, st.Err, "a cancelled backfill is not a failure")
		assert.Equal(t, StateIdle, st.State, "so the tray shows no error and notifies none")
		assert.Zero(t, st.Failures)
	})
}

func TestSchedulerBackfillAfterTheLoopEnded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := autoConfig(10 * time.Minute)
		cfg.Sync.AutoSync = false
		r := &fakeRunner{}
		s := NewScheduler(r, SchedulerOptions{Config: func() config.Config { return *cfg }, Logger: slog.New(slog.DiscardHandler)})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- s.Run(ctx) }()
		cancel()
		require.NoError(t, <-done)

		// Without a running loop nobody takes the job: it must fail, not wait forever (the
		// bubble reports a deadlock if it waits).
		_, err := s.Backfill(context.Background(), time.Now().Add(-time.Hour), time.Now(), nil)
		assert.ErrorIs(t, err, ErrSchedulerStopped)
		assert.Zero(t, r.count())

		// A new Run takes backfills again.
		ctx, cancel = context.WithCancel(context.Background())
		go func() { done <- s.Run(ctx) }()
		synctest.Wait() // the loop is waiting for work
		_, err = s.Backfill(context.Background(), time.Now().Add(-time.Hour), time.Now(), nil)
		require.NoError(t, err)
		assert.Equal(t, 1, r.count())
		cancel()
		require.NoError(t, <-done)
	})
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		interval time.Duration
		n        int
		want     time.Duration
	}{
		{10 * time.Minute, 1, 10 * time.Minute},
		{10 * time.Minute, 2, 20 * time.Minute},
		{10 * time.Minute, 3, 40 * time.Minute},
		{10 * time.Minute, 4, time.Hour},
		{10 * time.Minute, 40, time.Hour},
		{time.Minute, 7, time.Hour},
		{time.Minute, 6, 32 * time.Minute},
		{2 * time.Hour, 5, 2 * time.Hour},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, backoff(tt.interval, tt.n), "interval %v, %d failures", tt.interval, tt.n)
	}
}

func TestSchedulerLogsFailedRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := autoConfig(10 * time.Minute)
		var logs testreal.Output
		r := &fakeRunner{fail: errors.New("aw-server is not reachable")}
		s := NewScheduler(r, SchedulerOptions{
			Config: func() config.Config { return *cfg },
			Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- s.Run(ctx) }()
		synctest.Wait() // the first automatic run fails
		s.Pause()
		s.SyncNow() // a manual run fails too
		synctest.Wait()
		cancel()
		require.NoError(t, <-done)

		out := logs.String()
		assert.Contains(t, out, `level=WARN msg="sync failed" trigger=automatic error="aw-server is not reachable"`)
		assert.Contains(t, out, `level=WARN msg="sync failed" trigger=manual error="aw-server is not reachable"`)
		assert.Equal(t, 2, strings.Count(out, "sync failed"), "one line per failed run")
	})
}
