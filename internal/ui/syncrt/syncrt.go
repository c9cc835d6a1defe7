// Package syncrt is the sync runtime the tray drives: one loop (Run) that starts automatic
// runs every interval while the gate is open, coalesces "Sync now" requests into one run at a
// time, backs off after failures, and publishes status snapshots; plus the backfill the
// dialog calls. It adapts *syncer.Syncer to the ui package's interfaces. It does not import
// Fyne.
package syncrt

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
	"github.com/awcal/awcal/internal/ui"
)

// Runner runs one sync; *syncer.Syncer satisfies it.
type Runner interface {
	Run(ctx context.Context, req syncer.Request) (*syncer.Report, error)
}

// Owned reads the owned events of a range (the calendar store's Owned), to summarise a plan by
// profile.
type Owned func(ctx context.Context, from, to time.Time) ([]calendar.Event, error)

// maxBackoff caps the wait after repeated failures.
const maxBackoff = time.Hour

// Runtime implements ui.Runtime over a Runner.
type Runtime struct {
	runner Runner
	owned  Owned
	config func() config.Config
	now    func() time.Time

	kick chan struct{} // capacity 1: "Sync now" requests coalesce

	mu     sync.Mutex
	status ui.Status
	paused bool
	subs   map[int]func(ui.Status)
	nextID int
	wake   chan struct{} // capacity 1: pause, resume or a new config reschedules
}

// New returns a runtime; call Run to start its loop. last is the state file's last run (may
// be nil), shown until the first run of this session.
func New(r Runner, owned Owned, cfg func() config.Config, now func() time.Time, last *config.RunSummary) *Runtime {
	rt := &Runtime{runner: r, owned: owned, config: cfg, now: now,
		kick: make(chan struct{}, 1), wake: make(chan struct{}, 1), subs: map[int]func(ui.Status){}}
	rt.status.State = ui.StateIdle
	if last != nil {
		rt.status.Last = ui.RunSummary{At: last.End, Created: last.Created, Updated: last.Updated,
			Deleted: last.Deleted, Unchanged: last.Unchanged}
		if last.Error != "" {
			rt.status.State, rt.status.Error = ui.StateError, last.Error
		}
	}
	return rt
}

// SyncNow asks for a manual run; a request while one is pending is dropped (coalesced).
func (rt *Runtime) SyncNow() {
	select {
	case rt.kick <- struct{}{}:
	default:
	}
}

// Pause stops automatic runs until Resume.
func (rt *Runtime) Pause() { rt.setPaused(true) }

// Resume restarts automatic runs.
func (rt *Runtime) Resume() { rt.setPaused(false) }

func (rt *Runtime) setPaused(p bool) {
	rt.update(func(s *ui.Status) {
		rt.paused = p
		if p {
			s.State, s.Next = ui.StatePaused, time.Time{}
		} else if s.State == ui.StatePaused {
			s.State = ui.StateIdle
		}
	})
	rt.Reschedule()
}

// Reschedule makes the loop re-read the interval and the gate (after a settings change).
func (rt *Runtime) Reschedule() {
	select {
	case rt.wake <- struct{}{}:
	default:
	}
}

// Status returns the current snapshot.
func (rt *Runtime) Status() ui.Status {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.status
}

// Subscribe calls fn after every change until the returned func is called.
func (rt *Runtime) Subscribe(fn func(ui.Status)) func() {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	id := rt.nextID
	rt.nextID++
	rt.subs[id] = fn
	return func() {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		delete(rt.subs, id)
	}
}

func (rt *Runtime) update(f func(*ui.Status)) {
	rt.mu.Lock()
	f(&rt.status)
	s := rt.status
	subs := make([]func(ui.Status), 0, len(rt.subs))
	for _, fn := range rt.subs {
		subs = append(subs, fn)
	}
	rt.mu.Unlock()
	for _, fn := range subs {
		fn(s)
	}
}

func (rt *Runtime) isPaused() bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.paused
}

// Run is the runtime's loop. It returns when ctx is done.
func (rt *Runtime) Run(ctx context.Context) error {
	failures := 0
	for {
		wait, auto := rt.nextWait(failures)
		var timer *time.Timer
		var fire <-chan time.Time
		if auto {
			timer = time.NewTimer(wait)
			fire = timer.C
			rt.update(func(s *ui.Status) { s.Next = rt.now().Add(wait) })
		} else {
			rt.update(func(s *ui.Status) { s.Next = time.Time{} })
		}
		select {
		case <-ctx.Done():
			stopTimer(timer)
			return ctx.Err()
		case <-rt.wake:
		case <-rt.kick:
			failures = rt.runOnce(ctx, syncer.Manual, failures)
		case <-fire:
			failures = rt.runOnce(ctx, syncer.Automatic, failures)
		}
		stopTimer(timer)
	}
}

func stopTimer(t *time.Timer) {
	if t != nil {
		t.Stop()
	}
}

// nextWait is the time to the next automatic run and whether there is one: the interval,
// doubled per consecutive failure up to maxBackoff.
func (rt *Runtime) nextWait(failures int) (time.Duration, bool) {
	cfg := rt.config()
	if !cfg.AutoSyncEnabled() || rt.isPaused() {
		return 0, false
	}
	wait := cfg.Interval()
	for i := 0; i < failures && wait < maxBackoff; i++ {
		wait *= 2
	}
	return min(wait, max(maxBackoff, cfg.Interval())), true
}

// runOnce runs and publishes the outcome; it returns the new count of consecutive failures.
func (rt *Runtime) runOnce(ctx context.Context, trig syncer.Trigger, failures int) int {
	rt.update(func(s *ui.Status) { s.State = ui.StateSyncing })
	rep, err := rt.runner.Run(ctx, syncer.Request{Trigger: trig, Allowed: func() bool { return !rt.isPaused() }})
	switch {
	case errors.Is(err, syncer.ErrNotAllowed):
		rt.update(func(s *ui.Status) { s.State = rt.restingState(s) })
		return failures
	case err != nil:
		slog.Warn("sync failed", "trigger", trig, "error", err)
		rt.update(func(s *ui.Status) { s.State, s.Error = ui.StateError, userError(err) })
		return failures + 1
	}
	rt.update(func(s *ui.Status) {
		s.Error = ""
		s.Last = ui.RunSummary{At: rep.Finished, Created: rep.Created, Updated: rep.Updated,
			Deleted: rep.Deleted, Unchanged: rep.Unchanged}
		s.State = rt.restingState(s)
	})
	return 0
}

func (rt *Runtime) restingState(s *ui.Status) ui.State {
	if rt.paused {
		return ui.StatePaused
	}
	if s.Error != "" {
		return ui.StateError
	}
	return ui.StateIdle
}

// userError is the text the tray and the notification show: the error (which already says
// what to do) and, for a configuration problem, where to fix it.
func userError(err error) string {
	var ce *syncer.ConfigError
	if errors.As(err, &ce) {
		return err.Error() + " — fix it in Settings."
	}
	return err.Error()
}

// Backfill runs a custom-range sync of [from, to) (never moving lastSyncTime; see
// syncer.Request) and summarises the blocks the range holds afterwards — for a dry run, as it
// would hold them.
func (rt *Runtime) Backfill(ctx context.Context, from, to time.Time, dryRun bool, progress func(string, float64)) (ui.Plan, error) {
	req := syncer.Request{Trigger: syncer.Manual, From: from, To: to, DryRun: dryRun}
	if progress != nil {
		req.Progress = func(p syncer.Progress) { progress(string(p.Phase), p.Fraction) }
	}
	rep, err := rt.runner.Run(ctx, req)
	if err != nil {
		return ui.Plan{}, err
	}
	owned, err := rt.owned(ctx, from, to)
	if err != nil {
		return ui.Plan{}, err
	}
	if dryRun {
		owned = applyVirtually(owned, rep.Changes)
	}
	plan := summarise(owned, from, to, rt.config().Profiles)
	plan.Created, plan.Updated, plan.Deleted, plan.Unchanged = rep.Created, rep.Updated, rep.Deleted, rep.Unchanged
	return plan, nil
}

// applyVirtually returns the events as they would be after changes.
func applyVirtually(evs []calendar.Event, changes []calendar.Change) []calendar.Event {
	byUID := map[string]calendar.Event{}
	for _, e := range evs {
		byUID[e.UID] = e
	}
	for _, c := range changes {
		if c.Op == calendar.Delete {
			delete(byUID, c.Event.UID)
		} else {
			byUID[c.Event.UID] = c.Event
		}
	}
	out := make([]calendar.Event, 0, len(byUID))
	for _, e := range byUID {
		out = append(out, e)
	}
	return out
}

// summarise counts blocks and hours (clipped to the range) per profile, in profile order.
func summarise(evs []calendar.Event, from, to time.Time, profiles []profile.Profile) ui.Plan {
	byID := map[string]*ui.ProfilePlan{}
	var order []string
	for _, e := range evs {
		if !e.End.After(from) || !e.Start.Before(to) {
			continue
		}
		pp, ok := byID[e.ProfileID]
		if !ok {
			pp = &ui.ProfilePlan{ProfileID: e.ProfileID, Name: e.ProfileID}
			byID[e.ProfileID] = pp
			order = append(order, e.ProfileID)
		}
		pp.Blocks++
		start, end := e.Start, e.End
		if start.Before(from) {
			start = from
		}
		if end.After(to) {
			end = to
		}
		pp.Hours += end.Sub(start).Hours()
	}
	rank := map[string]int{}
	for i, p := range profiles {
		rank[p.ID] = i
		if pp, ok := byID[p.ID]; ok {
			pp.Name = p.Name
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return rank[order[i]] < rank[order[j]] })
	var plan ui.Plan
	for _, id := range order {
		plan.Profiles = append(plan.Profiles, *byID[id])
	}
	return plan
}
