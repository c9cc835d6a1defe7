package syncrt

import (
	"context"
	"errors"
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
	"github.com/awcal/awcal/internal/ui"
)

type fakeRunner struct {
	mu   sync.Mutex
	reqs []syncer.Request
	err  error
	rep  syncer.Report
}

func (f *fakeRunner) Run(_ context.Context, req syncer.Request) (*syncer.Report, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	if req.Trigger == syncer.Automatic && req.Allowed != nil && !req.Allowed() {
		return nil, syncer.ErrNotAllowed
	}
	rep := f.rep
	return &rep, f.err
}

func (f *fakeRunner) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func cfgWith(auto bool) func() config.Config {
	c := config.Default(func(string) string { return "" })
	c.Sync.AutoSync = auto
	c.Sync.IntervalMinutes = 10
	return func() config.Config { return c }
}

func TestRuntimeLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		r := &fakeRunner{rep: syncer.Report{Counts: syncer.Counts{Updated: 2}, Finished: start}}
		rt := New(r, nil, cfgWith(true), time.Now, nil)
		var states []ui.State
		var mu sync.Mutex
		rt.Subscribe(func(s ui.Status) { mu.Lock(); states = append(states, s.State); mu.Unlock() })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- rt.Run(ctx) }()

		synctest.Wait()
		assert.Equal(t, start.Add(10*time.Minute), rt.Status().Next, "the next automatic run is announced")
		time.Sleep(10*time.Minute + time.Second)
		synctest.Wait()
		require.Equal(t, 1, r.count(), "an automatic run after the interval")
		assert.Equal(t, syncer.Automatic, r.reqs[0].Trigger)
		assert.Equal(t, ui.RunSummary{At: start, Updated: 2}, rt.Status().Last)

		{ // sync now coalesces
			rt.SyncNow()
			rt.SyncNow()
			rt.SyncNow()
			synctest.Wait()
			assert.LessOrEqual(t, r.count(), 3, "at most one run plus one queued")
			assert.Equal(t, syncer.Manual, r.reqs[1].Trigger)
		}
		{ // failure shows the error and backs off
			r.mu.Lock()
			r.err = errors.New("calendar file is locked by another program — close it and retry")
			r.mu.Unlock()
			n := r.count()
			rt.SyncNow()
			synctest.Wait()
			s := rt.Status()
			assert.Equal(t, ui.StateError, s.State)
			assert.Contains(t, s.Error, "close it and retry")
			assert.Equal(t, time.Now().Add(20*time.Minute), s.Next, "the interval doubles after a failure")
			assert.Equal(t, n+1, r.count())
		}
		{ // paused: no automatic runs
			rt.Pause()
			synctest.Wait()
			assert.Equal(t, ui.StatePaused, rt.Status().State)
			assert.True(t, rt.Status().Next.IsZero())
			n := r.count()
			time.Sleep(3 * time.Hour)
			synctest.Wait()
			assert.Equal(t, n, r.count())
			rt.Resume()
			synctest.Wait()
			assert.NotEqual(t, ui.StatePaused, rt.Status().State)
		}
		cancel()
		assert.ErrorIs(t, <-done, context.Canceled)
		mu.Lock()
		assert.Contains(t, states, ui.StateSyncing)
		mu.Unlock()
	})
}

func TestRuntimeCustomStrategyNeverAutoRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := config.Default(func(string) string { return "" })
		c.SetStrategy(config.StrategyCustom)
		r := &fakeRunner{}
		rt := New(r, nil, func() config.Config { return c }, time.Now, nil)
		ctx, cancel := context.WithCancel(context.Background())
		go rt.Run(ctx)
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		assert.Zero(t, r.count())
		assert.True(t, rt.Status().Next.IsZero())
		cancel()
	})
}

func TestBackfillSummary(t *testing.T) {
	from := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)
	owned := []calendar.Event{
		{UID: "a", ProfileID: "p-code", Start: from.Add(9 * time.Hour), End: from.Add(11 * time.Hour)},
		{UID: "b", ProfileID: "p-meet", Start: from.Add(-time.Hour), End: from.Add(time.Hour)}, // crosses the start
		{UID: "c", ProfileID: "p-code", Start: from.Add(13 * time.Hour), End: from.Add(14 * time.Hour)},
	}
	r := &fakeRunner{rep: syncer.Report{Counts: syncer.Counts{Created: 1, Deleted: 1, Unchanged: 1}, Changes: []calendar.Change{
		{Op: calendar.Delete, Event: owned[2]},
		{Op: calendar.Create, Event: calendar.Event{UID: "d", ProfileID: "p-meet", Start: from.Add(15 * time.Hour), End: from.Add(15*time.Hour + 30*time.Minute)}},
	}}}
	cfg := config.Default(func(string) string { return "" })
	cfg.Profiles = []profile.Profile{{ID: "p-code", Name: "Coding"}, {ID: "p-meet", Name: "Meetings"}}
	rt := New(r, func(context.Context, time.Time, time.Time) ([]calendar.Event, error) { return owned, nil },
		func() config.Config { return cfg }, time.Now, nil)
	var phases []string
	plan, err := rt.Backfill(context.Background(), from, to, true, func(p string, _ float64) { phases = append(phases, p) })
	require.NoError(t, err)
	require.Len(t, r.reqs, 1)
	assert.Equal(t, syncer.Request{Trigger: syncer.Manual, From: from, To: to, DryRun: true}, withoutProgress(r.reqs[0]))
	assert.Equal(t, ui.Plan{Profiles: []ui.ProfilePlan{
		{ProfileID: "p-code", Name: "Coding", Blocks: 1, Hours: 2},
		{ProfileID: "p-meet", Name: "Meetings", Blocks: 2, Hours: 1.5},
	}, Created: 1, Deleted: 1, Unchanged: 1}, plan, "the dry run summarises the range as it would be, clipped to it")
}

func withoutProgress(r syncer.Request) syncer.Request {
	r.Progress = nil
	return r
}
