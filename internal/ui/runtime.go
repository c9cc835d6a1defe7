package ui

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// SchedulerRuntime is the Runtime over syncer's Scheduler: Sync now, pause, the status and the
// real backfill all go through the scheduler, so a backfill waits for the run in progress and
// never overlaps an automatic one. The backfill dialog's preview is a dry run of the Syncer
// itself: it writes nothing, so it needs no place in the scheduler's queue (the Syncer still
// never runs it at the same time as a sync).
type SchedulerRuntime struct {
	sched    *syncer.Scheduler
	dryRun   syncer.Runner
	owned    func(ctx context.Context, from, to time.Time) ([]calendar.Event, error)
	held     func(ctx context.Context, from, to time.Time) ([]calendar.Event, error)
	profiles func() []profile.Profile

	mu     sync.Mutex
	lastOK RunSummary // the latest successful run seen, for "Last sync failed · previous 10:42"
	// derived is what the latest preview derived, for the backfill that confirms it.
	derived *syncer.Derived
}

// RuntimeOptions are what a SchedulerRuntime needs besides the scheduler.
type RuntimeOptions struct {
	// DryRun runs the backfill previews: the *syncer.Syncer the scheduler runs.
	DryRun syncer.Runner
	// Owned reads the events awcal owns that overlap a range (the calendar store's Owned), to
	// count a backfill's blocks per profile.
	Owned func(ctx context.Context, from, to time.Time) ([]calendar.Event, error)
	// Held reads the proposals held for review (review mode "hold") that overlap a range, which
	// a held backfill's blocks per profile count with the calendar's events.
	Held func(ctx context.Context, from, to time.Time) ([]calendar.Event, error)
	// Profiles returns the configured profiles, which name and order the plan's rows.
	Profiles func() []profile.Profile
}

// HeldProposals is RuntimeOptions.Held over pending (the Syncer's Pending): the proposals kept
// back in the proposals file, not the tentative events the calendar holds.
func HeldProposals(pending func(ctx context.Context, from, to time.Time) ([]syncer.Proposal, error)) func(context.Context, time.Time, time.Time) ([]calendar.Event, error) {
	return func(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
		ps, err := pending(ctx, from, to)
		if err != nil {
			return nil, err
		}
		var out []calendar.Event
		for _, p := range ps {
			if p.Held {
				out = append(out, p.Event)
			}
		}
		return out, nil
	}
}

// NewSchedulerRuntime adapts s (whose Run the caller starts) to the UI.
func NewSchedulerRuntime(s *syncer.Scheduler, o RuntimeOptions) *SchedulerRuntime {
	return &SchedulerRuntime{sched: s, dryRun: o.DryRun, owned: o.Owned, held: o.Held, profiles: o.Profiles}
}

// SyncNow asks the scheduler for a manual run; requests during a run coalesce into one.
func (r *SchedulerRuntime) SyncNow() { r.sched.SyncNow() }

// Pause stops automatic runs until Resume.
func (r *SchedulerRuntime) Pause() { r.sched.Pause() }

// Resume lets automatic runs start again.
func (r *SchedulerRuntime) Resume() { r.sched.Resume() }

// Status returns the scheduler's status as the tray shows it.
func (r *SchedulerRuntime) Status() Status { return r.convert(r.sched.Status()) }

// Subscribe calls fn, from a goroutine of its own, with the current status and then after
// every change, until the returned func is called. A slow fn misses intermediate states,
// never the latest.
func (r *SchedulerRuntime) Subscribe(fn func(Status)) (unsubscribe func()) {
	ch, cancel := r.sched.Subscribe()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case st := <-ch:
				fn(r.convert(st))
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			close(done)
		})
	}
}

// convert maps the scheduler's status to the UI's. The scheduler's LastRun is the latest run,
// failed or not; the UI's Last is the latest success, which the runtime remembers across
// failures.
func (r *SchedulerRuntime) convert(st syncer.Status) Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l := st.LastRun; l != nil && l.Error == "" && !l.End.Before(r.lastOK.At) {
		r.lastOK = RunSummary{At: l.End, Created: l.Created, Updated: l.Updated, Deleted: l.Deleted, Unchanged: l.Unchanged,
			Held: l.Held}
	}
	out := Status{State: State(st.State), Last: r.lastOK, Next: st.NextRun, Notices: st.Notices}
	if st.Err != nil {
		// The syncer's errors say what happened and what to do; shown as they are.
		out.Error = st.Err.Error()
	}
	return out
}

// Backfill runs the custom range [from, to): a dry run on the Syncer, or the real one through
// the scheduler. Neither moves lastSyncTime. The plan counts the blocks the range holds
// afterwards (for a dry run, as it would hold them) per profile, clipped to the range.
func (r *SchedulerRuntime) Backfill(ctx context.Context, from, to time.Time, dryRun bool, progress func(string, float64)) (Plan, error) {
	return r.backfill(ctx, from, to, dryRun, false, progress)
}

// ResetCorrections is Backfill that also forgets the person's corrections in the range: the
// events they edited are rewritten as derived and the blocks they deleted come back.
func (r *SchedulerRuntime) ResetCorrections(ctx context.Context, from, to time.Time, dryRun bool, progress func(string, float64)) (Plan, error) {
	return r.backfill(ctx, from, to, dryRun, true, progress)
}

func (r *SchedulerRuntime) backfill(ctx context.Context, from, to time.Time, dryRun, forget bool, progress func(string, float64)) (Plan, error) {
	report := func(syncer.Progress) {}
	if progress != nil {
		report = func(p syncer.Progress) { progress(phaseText(p.Phase), p.Fraction) }
		if r.sched.Status().State == syncer.StateSyncing {
			progress(waitingText, 0)
		}
	}
	var rep *syncer.Report
	var err error
	r.mu.Lock()
	derived := r.derived // the latest preview's, used (when it applies) by the backfill confirming it
	r.derived = nil
	r.mu.Unlock()
	switch {
	case dryRun:
		d := &syncer.Derived{}
		rep, err = r.dryRun.Run(ctx, syncer.Request{Trigger: syncer.Manual, From: from, To: to, DryRun: true, Progress: report,
			ForgetCorrections: forget, Derived: d})
		r.mu.Lock()
		r.derived = d
		r.mu.Unlock()
	case forget:
		rep, err = r.sched.ResetCorrections(ctx, from, to, report)
	default:
		rep, err = r.sched.BackfillDerived(ctx, from, to, derived, report)
	}
	if err != nil {
		return Plan{}, err
	}
	plan := Plan{Created: rep.Created, Updated: rep.Updated, Deleted: rep.Deleted, Unchanged: rep.Unchanged, Held: rep.Held}
	blocks, err := r.blocksIn(ctx, from, to, rep.Held)
	if err != nil {
		if dryRun {
			return Plan{}, fmt.Errorf("reading the calendar for the summary: %w", err)
		}
		// The backfill is written; only its summary is missing.
		slog.Warn("reading the calendar back after a backfill", "error", err)
		plan.Incomplete = "The blocks per profile could not be read back from the calendar (" + err.Error() + "); the changes below were written."
		return plan, nil
	}
	if rep.Held {
		plan.InCalendar = countIn(blocks.calendar, from, to)
	}
	all := slices.Concat(blocks.calendar, blocks.held)
	if dryRun {
		// A held run's changes are of the proposals, whose UIDs no calendar event has.
		all = applyVirtually(all, rep.Changes)
	}
	plan.Profiles = summarise(all, from, to, r.profiles())
	return plan, nil
}

// rangeBlocks are the blocks around a range: awcal's events in the calendar and, in review
// mode "hold", the proposals held for review.
type rangeBlocks struct {
	calendar, held []calendar.Event
}

// blocksIn reads the calendar's events over [from, to) and, when held, the held proposals.
func (r *SchedulerRuntime) blocksIn(ctx context.Context, from, to time.Time, held bool) (rangeBlocks, error) {
	var b rangeBlocks
	var err error
	if b.calendar, err = r.owned(ctx, from, to); err != nil {
		return b, err
	}
	if held && r.held != nil {
		if b.held, err = r.held(ctx, from, to); err != nil {
			return b, fmt.Errorf("reading the proposals held for review: %w", err)
		}
	}
	return b, nil
}

// waitingText is the progress a backfill reports while it waits for the sync in progress.
const waitingText = "Waiting for the sync in progress to finish…"

// phaseText is a run's phase as the dialog shows it: "Reading activity…".
func phaseText(p syncer.Phase) string {
	if p == syncer.PhaseDone {
		return "Done."
	}
	s := string(p)
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:] + "…"
}

// countIn counts the events that overlap [from, to).
func countIn(evs []calendar.Event, from, to time.Time) int {
	n := 0
	for _, e := range evs {
		if calendar.Overlaps(e, from, to) {
			n++
		}
	}
	return n
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

// summarise counts blocks and hours (clipped to [from, to)) per profile, in profile order;
// a profile no longer configured comes last, under its id.
func summarise(evs []calendar.Event, from, to time.Time, profiles []profile.Profile) []ProfilePlan {
	byID := map[string]*ProfilePlan{}
	var order []string
	for _, e := range evs {
		if !e.End.After(from) || !e.Start.Before(to) {
			continue
		}
		pp, ok := byID[e.ProfileID]
		if !ok {
			pp = &ProfilePlan{ProfileID: e.ProfileID, Name: e.ProfileID}
			byID[e.ProfileID] = pp
			order = append(order, e.ProfileID)
		}
		pp.Blocks++
		pp.Hours += minTime(e.End, to).Sub(maxTime(e.Start, from)).Hours()
	}
	rank := map[string]int{}
	for i, p := range profiles {
		rank[p.ID] = i
		if pp, ok := byID[p.ID]; ok {
			pp.Name = p.Name
		}
	}
	rankOf := func(id string) int {
		if i, ok := rank[id]; ok {
			return i
		}
		return len(profiles)
	}
	sort.SliceStable(order, func(i, j int) bool {
		if ri, rj := rankOf(order[i]), rankOf(order[j]); ri != rj {
			return ri < rj
		}
		return order[i] < order[j]
	})
	out := make([]ProfilePlan, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
