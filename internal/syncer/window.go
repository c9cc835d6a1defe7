package syncer

import (
	"context"
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// window is what one run derives and what it may change.
type window struct {
	mode Mode
	// from and to bound the derivation.
	from, to time.Time
	// scope is the reconciliation of the first piece (DerivedTo is set per piece).
	scope scope
	seeds []engine.Seed
	// fromQuiescent: from is a known quiescent point.
	fromQuiescent bool
	// settle: find a settled quiescent point to save (last-checked runs).
	settle bool
}

// lastCheckedWindow chooses the window of a last-checked run (SYNC.md §2): from the saved
// quiescent point when it is recent enough; else a validated continuity rewrite; else a
// boundary warm start (seeded when possible) with a bounded lookback.
func (r *run) lastCheckedWindow(ctx context.Context, st config.State) (window, error) {
	end := r.end
	if st.LastSyncTime == nil {
		return r.firstWindow(ctx, end.Add(-r.cfg.FirstSyncLookback()))
	}
	last := st.LastSyncTime.Local()
	if last.After(end) {
		lookback := r.cfg.FirstSyncLookback()
		r.notice(fmt.Sprintf("the last sync time in the sync state, %s, is later than now (%s): the clock was wrong then, or is now; "+
			"this run synced the last %s as a first run does — check the clock, and backfill any time before that which is missing",
			last.Format(noticeLayout), end.Local().Format(noticeLayout), lookback))
		return r.firstWindow(ctx, end.Add(-lookback))
	}
	if catchUp := r.maxCatchUp(); end.Sub(last) > catchUp {
		from := end.Add(-catchUp)
		r.notice(fmt.Sprintf("the last sync was on %s, more than %d days ago: this run synced only the last %d days; "+
			"to fill in the time before, backfill %s – %s (Backfill… in the tray, or awcal sync --from %s --to %s)",
			last.Format(noticeLayout), int(catchUp.Hours()/24), int(catchUp.Hours()/24),
			last.Format(noticeLayout), from.Local().Format(noticeLayout),
			last.Format(time.RFC3339), from.Local().Format(time.RFC3339)))
		return r.firstWindow(ctx, from)
	}
	b := *st.LastSyncTime
	limit := r.cfg.ContinuityCap()
	if q := st.Quiescent; q != nil && !q.After(b) && b.Sub(*q) <= limit {
		return window{
			mode: ModeQuiescent, from: *q, to: end, fromQuiescent: true, settle: true,
			scope: scope{From: *q, To: end, TrustFrom: *q},
		}, nil
	}

	look := r.lookback(nil)
	near, err := r.store.Owned(ctx, b.Add(-look), b.Add(tolerance))
	if err != nil {
		return window{}, fmt.Errorf("reading the calendar: %w", err)
	}
	// Continuity rewrite, bounded by the cap (FCR rewrote a many-hour session on every run).
	if c, ok := r.latestOwned(near); ok && !c.Start.Before(b.Add(-limit)) {
		valid, err := r.validContinuity(ctx, c)
		if err != nil {
			return window{}, err
		}
		if valid {
			first, err := r.sessionStart(ctx, c, b.Add(-limit))
			if err != nil {
				return window{}, err
			}
			anchor := first.Add(-tolerance)
			return window{
				mode: ModeContinuity, from: anchor, to: end, settle: true,
				scope: scope{From: anchor, To: end, TrustFrom: anchor},
			}, nil
		}
	}
	// Boundary warm start. The events before b − tolerance were written by runs that saw
	// them whole: they stay, and only an event reaching b may grow.
	w := window{
		mode: ModeLookback, to: end, settle: true,
		scope: scope{From: b.Add(-tolerance), To: end, TrustFrom: b.Add(-tolerance), ExtendOnly: true},
	}
	if ev, ok := boundaryEvent(near, b); ok {
		if p, ok := r.live[ev.ProfileID]; ok && len(p.Supporting) > 0 {
			w.mode = ModeSeed
			w.seeds = []engine.Seed{{
				ProfileID: p.ID, Active: true, SessionStart: ev.Start, LastEvidenceEnd: b,
				Target: minutes(p.Threshold),
			}}
			look = r.lookback(&p)
		}
	}
	w.from = b.Add(-look)
	return w, nil
}

// maxCatchUp bounds how far back a last-checked run reaches: a week, or the first-sync lookback
// when that is longer. A lastSyncTime further back (a machine that was off, or whose clock
// started in 1970) would walk every day in between; the run covers the week and says how to
// backfill the rest.
func (r *run) maxCatchUp() time.Duration {
	return max(7*24*time.Hour, r.cfg.FirstSyncLookback())
}

// lookback is the bounded lookback of SYNC.md §2: the seed profile's threshold and soft
// break (or the largest over the enabled profiles) plus 5 minutes, within [30 min, 6 h].
func (r *run) lookback(seed *profile.Profile) time.Duration {
	var th, sb float64
	if seed != nil {
		th, sb = seed.Threshold, seed.SoftBreak
	} else {
		for _, p := range r.enabled {
			th, sb = max(th, p.Threshold), max(sb, p.SoftBreak)
		}
	}
	return min(max(minutes(th)+minutes(sb)+lookbackSafety, minLookback), maxLookback)
}

// later reports whether a ends after b, or ends with it and starts after it: the order in
// which SYNC.md picks "the latest" event.
func later(a, b calendar.Event) bool {
	if !a.End.Equal(b.End) {
		return a.End.After(b.End)
	}
	return a.Start.After(b.Start)
}

// latestOwned is the continuity candidate: the latest owned event of a live profile with a
// title (only owned events: FCR took any event, so a manual one near the boundary disabled
// the rewrite), not locked by the person: continuity never extends the person's event.
func (r *run) latestOwned(evs []calendar.Event) (calendar.Event, bool) {
	var best calendar.Event
	found := false
	for _, e := range evs {
		if _, ok := r.live[e.ProfileID]; !ok || e.Locked || normTitle(e.Title) == "" {
			continue
		}
		if !found || later(e, best) {
			best, found = e, true
		}
	}
	return best, found
}

// sessionStart is where the continuity rewrite of c must derive from: c's start, or, when an
// owned event of a live profile ends exactly where c starts, that event's start, and so on back
// (not before floor). Two owned events that touch were cut apart by allocation (ENGINE.md §5:
// contested time goes to the fitter candidate), so c's start is not where its session began;
// a derivation from it cannot re-decide that contest, and an earlier run, which saw a shorter
// session, may have given the time to the neighbour. Deriving from the first of the touching
// events lets the contest be decided again, as one derivation over the whole day decides it.
func (r *run) sessionStart(ctx context.Context, c calendar.Event, floor time.Time) (time.Time, error) {
	if !c.Start.After(floor) {
		return c.Start, nil
	}
	evs, err := r.store.Owned(ctx, floor, c.Start)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the calendar: %w", err)
	}
	start := c.Start
	for moved := true; moved; {
		moved = false
		for _, e := range evs {
			if _, ok := r.live[e.ProfileID]; ok && e.End.Equal(start) && e.Start.Before(start) && !e.Start.Before(floor) {
				start, moved = e.Start, true
			}
		}
	}
	return start, nil
}

// boundaryEvent is the owned event that overlaps b within the tolerance, with a title and not
// locked by the person (a seed would grow a block out of it); on ties the latest end, then the
// latest start.
func boundaryEvent(evs []calendar.Event, b time.Time) (calendar.Event, bool) {
	var best calendar.Event
	found := false
	for _, e := range evs {
		if e.Locked || e.Start.After(b.Add(tolerance)) || e.End.Before(b.Add(-tolerance)) || normTitle(e.Title) == "" {
			continue
		}
		if !found || later(e, best) {
			best, found = e, true
		}
	}
	return best, found
}

// validContinuity checks the continuity candidate c: re-deriving exactly its range gives a
// block of its profile with the same normalised title, and aw-server still has evidence
// within ±60 s of its start.
func (r *run) validContinuity(ctx context.Context, c calendar.Event) (bool, error) {
	data, err := r.fetch(ctx, c.Start.Add(-tolerance), maxTime(c.End, c.Start.Add(tolerance)))
	if err != nil {
		return false, err
	}
	if !hasEvidence(data, c.Start.Add(-tolerance), c.Start.Add(tolerance)) {
		return false, nil
	}
	res := r.derive(data, c.Start, c.End, nil)
	blk, ok := bestFit(res.Blocks, c)
	return ok && blk.ProfileID == c.ProfileID && normTitle(blk.Title) == normTitle(c.Title), nil
}

// hasEvidence reports whether any event with a positive duration that is not an afk
// "not-afk" overlaps [from, to).
func hasEvidence(data []activity.BucketEvents, from, to time.Time) bool {
	for _, be := range data {
		afk := activity.KindOf(be.Bucket) == activity.KindAFK
		for _, e := range be.Events {
			if e.Duration <= 0 || (afk && e.Data["status"] == "not-afk") {
				continue
			}
			if e.Timestamp.Before(to) && e.End().After(from) {
				return true
			}
		}
	}
	return false
}

// bestFit picks the re-derived block that best fits c: among blocks of c's profile if there
// are any, the largest overlap; then the start closest to c's; then the earlier.
func bestFit(blocks []engine.Block, c calendar.Event) (engine.Block, bool) {
	same := false
	for _, b := range blocks {
		same = same || b.ProfileID == c.ProfileID
	}
	var best engine.Block
	var bestOv, bestDist time.Duration
	found := false
	for _, b := range blocks {
		if same && b.ProfileID != c.ProfileID {
			continue
		}
		ov := overlap(span{b.Start, b.End}, spanOf(c))
		dist := b.Start.Sub(c.Start).Abs()
		if !found || ov > bestOv || ov == bestOv && dist < bestDist {
			best, bestOv, bestDist, found = b, ov, dist, true
		}
	}
	return best, found
}

// firstWindow is the window of the first last-checked run ever (SYNC.md §2.2): it reconciles
// from the lookback cut-off b, but derives from the latest quiescent point before b (at most
// the continuity cap before it), so that a session under way at b is written from where it
// began rather than from b.
func (r *run) firstWindow(ctx context.Context, b time.Time) (window, error) {
	start, fromQuiescent, err := r.quiescentBefore(ctx, b)
	if err != nil {
		return window{}, err
	}
	return window{
		mode: ModeFirst, from: start, to: r.end, fromQuiescent: fromQuiescent, settle: true,
		scope: scope{From: b, To: r.end, TrustFrom: start},
	}, nil
}

// customWindow is the window of a custom range [from, to) (SYNC.md §1): derived from the
// latest quiescent point before from (at most the continuity cap before it) to the cap after
// to, so that a block crossing an edge is derived whole; only owned events overlapping the
// range are reconciled.
func (r *run) customWindow(ctx context.Context, from, to time.Time) (window, error) {
	to = minTime(to, r.end)
	if !from.Before(to) {
		return window{}, &ConfigError{Err: fmt.Errorf("the custom range %s – %s is empty or in the future: pick a start before the end and before now",
			from.Format(time.RFC3339), to.Format(time.RFC3339))}
	}
	start, fromQuiescent, err := r.quiescentBefore(ctx, from)
	if err != nil {
		return window{}, err
	}
	return window{
		mode: ModeCustom, from: start, to: minTime(to.Add(r.cfg.ContinuityCap()), r.end), fromQuiescent: fromQuiescent,
		scope: scope{From: from, To: to, TrustFrom: start},
	}, nil
}

// quiescentBefore derives the continuity cap before t and returns the latest quiescent point
// in it (fromQuiescent true), or the cap's start when there is none: where a derivation must
// start for a block under way at t to come out whole, within the cap.
func (r *run) quiescentBefore(ctx context.Context, t time.Time) (start time.Time, fromQuiescent bool, err error) {
	start = t.Add(-r.cfg.ContinuityCap())
	data, err := r.fetch(ctx, start, t)
	if err != nil {
		return time.Time{}, false, err
	}
	if q := within(r.openQuiescent(data, start, t), start, t); !q.IsZero() {
		return q, true, nil
	}
	return start, false, nil
}
