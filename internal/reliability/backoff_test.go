package reliability_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/memstore"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/syncer"
)

// flakyAW is aw-server as an http.RoundTripper (no sockets, so it runs inside a synctest
// bubble): it counts every request and answers with the current failure mode, or as a healthy
// server whose window bucket holds one endless coding session, so that every run has a
// growing block to write.
type flakyAW struct {
	mu       sync.Mutex
	mode     string // "", "503", "hang"
	requests []time.Time
	writes   int // refused calendar writes (the calendar fault counts them here)
}

func (f *flakyAW) refuseWrite(calendar.Change) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	return errors.New("507 insufficient storage")
}

func (f *flakyAW) setMode(m string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mode = m
}

func (f *flakyAW) refused() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes
}

func (f *flakyAW) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

func (f *flakyAW) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.requests = append(f.requests, time.Now())
	mode := f.mode
	f.mu.Unlock()
	answer := func(status int, body string) *http.Response {
		return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body)), Request: r,
			Header: http.Header{"Content-Type": {"application/json"}}}
	}
	switch mode {
	case "503":
		return answer(http.StatusServiceUnavailable, `{"message":"busy"}`), nil
	case "hang":
		<-r.Context().Done() // the client's own timeout ends it
		return nil, r.Context().Err()
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/info"):
		return answer(200, `{"hostname":"`+host+`","version":"v0.13.2"}`), nil
	case strings.HasSuffix(r.URL.Path, "/buckets/"):
		return answer(200, `{"aw-watcher-window_`+host+`":{"id":"aw-watcher-window_`+host+`","type":"currentwindow","hostname":"`+host+`"}}`), nil
	}
	if strings.HasSuffix(r.URL.Path, "/events") {
		q := r.URL.Query()
		from, err1 := time.Parse(time.RFC3339Nano, q.Get("start"))
		to, err2 := time.Parse(time.RFC3339Nano, q.Get("end"))
		if err1 != nil || err2 != nil {
			return answer(http.StatusBadRequest, `{"message":"bad range"}`), nil
		}
		to = minTime(to, time.Now())
		if !from.Before(to) {
			return answer(200, `[]`), nil
		}
		return answer(200, fmt.Sprintf(`[{"id":1,"timestamp":%q,"duration":%g,"data":{"app":"Code","title":"main.go - awcal"}}]`,
			from.UTC().Format(time.RFC3339Nano), to.Sub(from).Seconds())), nil
	}
	return answer(http.StatusNotFound, `{"message":"no route"}`), nil
}

// TestSchedulerBacksOff runs the real scheduler and syncer for simulated days (testing/synctest)
// while aw-server or the calendar fails, and counts what reaches them: automatic runs every
// 10 minutes must back off (doubling to at most an hour) instead of hammering a failing
// server, lastSyncTime must not move while runs fail, and the first success after the fault
// clears resets the pace.
func TestSchedulerBacksOff(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		name string
		// fail breaks the world; heal repairs it.
		fail, heal func(aw *flakyAW, cal *memstore.Store)
	}{
		{
			name: "aw-server answers 503",
			fail: func(aw *flakyAW, _ *memstore.Store) { aw.setMode("503") },
			heal: func(aw *flakyAW, _ *memstore.Store) { aw.setMode("") },
		},
		{
			name: "aw-server hangs until the client times out",
			fail: func(aw *flakyAW, _ *memstore.Store) { aw.setMode("hang") },
			heal: func(aw *flakyAW, _ *memstore.Store) { aw.setMode("") },
		},
		{
			name: "calendar refuses every write",
			fail: func(aw *flakyAW, cal *memstore.Store) { cal.FailOn(aw.refuseWrite) },
			heal: func(_ *flakyAW, cal *memstore.Store) { cal.FailOn(nil) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statePath := filepath.Join(t.TempDir(), "state.json")
			synctest.Test(t, func(t *testing.T) {
				aw := &flakyAW{}
				cal := memstore.New()
				cfg := config.Default(func(string) string { return "" })
				cfg.ActivityWatch.URL = "http://127.0.0.1:5600"
				cfg.ActivityWatch.Hostnames = []string{host}
				cfg.Sync.AutoSync, cfg.Sync.IntervalMinutes = true, 10
				client := activitywatch.New(cfg.ActivityWatch.URL, activitywatch.WithHTTPClient(&http.Client{Transport: aw}))
				quiet := slog.New(slog.DiscardHandler)
				s, err := syncer.New(syncer.Options{Config: func() config.Config { return cfg }, Source: client, Store: cal,
					StatePath: statePath, Logger: quiet})
				require.NoError(t, err)
				sched := syncer.NewScheduler(s, syncer.SchedulerOptions{Config: func() config.Config { return cfg }, Logger: quiet})
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() { done <- sched.Run(ctx) }()

				// An hour of health: a run at once, then one every 10 minutes.
				time.Sleep(time.Hour - time.Second)
				synctest.Wait()
				st, err := config.LoadState(statePath)
				require.NoError(t, err)
				require.NotNil(t, st.LastSyncTime, "healthy runs saved no lastSyncTime")
				healthyRequests := aw.count()
				lastGood := *st.LastSyncTime

				// A day of failure.
				tt.fail(aw, cal)
				before := aw.count()
				failStart := time.Now()
				time.Sleep(day)
				synctest.Wait()
				failing := sched.Status()
				failedRequests := aw.count() - before
				st, err = config.LoadState(statePath)
				require.NoError(t, err)
				assert.True(t, st.LastSyncTime.Equal(lastGood), "lastSyncTime moved during failures: %v, was %v", st.LastSyncTime, lastGood)
				assert.Equal(t, syncer.StateError, failing.State)
				require.Error(t, failing.Err)

				// Runs during the failure: with the interval alone there would be 144; with the
				// backoff (10, 20, 40, 60, 60, … minutes) about 26.
				runs := failing.Failures
				assert.LessOrEqual(t, runs, 28, "automatic runs in a day of failure (no backoff would give 144)")
				assert.GreaterOrEqual(t, runs, 20, "the scheduler must keep retrying, at most an hour apart")
				// No retry storm inside a run either: a failing run asks aw-server no more than a
				// healthy one (six healthy runs in the first hour).
				perRun := healthyRequests / 6
				assert.LessOrEqual(t, failedRequests, runs*perRun, "requests to aw-server in a day of failure (%d per healthy run)", perRun)
				assert.LessOrEqual(t, aw.refused(), runs, "a failing write is not retried within a run")

				// Healing: the next run (at most an hour later) succeeds and the pace is back
				// to the interval.
				tt.heal(aw, cal)
				time.Sleep(time.Hour + time.Minute)
				synctest.Wait()
				healed := sched.Status()
				assert.Equal(t, 0, healed.Failures)
				assert.NoError(t, healed.Err)
				assert.Equal(t, syncer.StateIdle, healed.State)
				assert.LessOrEqual(t, time.Until(healed.NextRun), 10*time.Minute, "after a success the interval applies again")
				st, err = config.LoadState(statePath)
				require.NoError(t, err)
				assert.True(t, st.LastSyncTime.After(failStart), "lastSyncTime did not advance after healing")

				figure(t, "backoff/"+strings.ReplaceAll(tt.name, " ", "-"), map[string]any{
					"simulatedHours": 24, "intervalMinutes": 10, "failedRuns": runs, "requestsWhileFailing": failedRequests,
					"runsWithoutBackoff": 144, "refusedWrites": aw.refused(),
				})
				cancel()
				require.NoError(t, <-done)
			})
		})
	}
}
