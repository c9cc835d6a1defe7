package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/corrections"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/review"
)

// Constants of SYNC.md §2 and of this implementation.
const (
	// tolerance is SYNC.md's ±60 s: how near lastSyncTime an event counts as at the boundary.
	tolerance = 60 * time.Second
	// lookbackSafety, minLookback and maxLookback bound the warm start's lookback.
	lookbackSafety = 5 * time.Minute
	minLookback    = 30 * time.Minute
	maxLookback    = 6 * time.Hour
	// settleLag is how far before the run's end the saved quiescent point must lie. The newest
	// minutes of activity are still moving: the newest event of each bucket grows with every
	// heartbeat, and aw-watcher-afk writes an away period 3 minutes after it began, back-dated.
	// A point that is quiescent in what aw-server shows now could be covered by a slice later;
	// one that lies before all of that stays quiescent.
	settleLag = 10 * time.Minute
	// pieceLen is the first piece of a long range, and the shortest: a long range is processed
	// in pieces that end at quiescent points, each fetched, derived, planned and applied in
	// turn. A backfill's later pieces follow the activity's density (pieceEvents), up to
	// maxPieceLen.
	pieceLen    = 24 * time.Hour
	maxPieceLen = 31 * 24 * time.Hour
	// maxAttempts bounds the re-read and re-plan after calendar.ErrConflict.
	maxAttempts = 3
)

// pieceEvents is how many events a piece of a long range aims to hold, which bounds what one
// derivation holds while a sparse year is not cut into 365 writes. (A variable for tests.)
var pieceEvents = 50_000

// nextPieceLen sizes the next piece from the last one: long enough for about pieceEvents
// events at the density just seen, within [pieceLen, maxPieceLen].
func nextPieceLen(last time.Duration, events int) time.Duration {
	if events <= 0 {
		return maxPieceLen
	}
	next := time.Duration(float64(last) * float64(pieceEvents) / float64(events))
	return min(max(next, pieceLen), maxPieceLen)
}

// run is one Run in progress.
type run struct {
	s   *Syncer
	cfg config.Config
	req Request
	rep *Report
	// end is the run's end E: the clock's reading at the start.
	end     time.Time
	pipe    compiled
	live    map[string]profile.Profile // enabled profiles by id
	enabled []profile.Profile
	buckets []activity.Bucket
	// store is where the run writes: the calendar, or in hold mode the pending proposals over it.
	store Store
	// status is the STATUS of the events the run writes (tentative in that review mode).
	status string
	// ledger is the corrections file: what awcal knows to be in the calendar, and tombstones.
	ledger      *corrections.File
	ledgerDirty bool
	// span is the whole derivation window and piece the part being processed, for Progress.
	span, piece struct{ from, to time.Time }
	// planned are the changes of the latest attempt's plan.
	planned []calendar.Change
	// recording: a dry run keeps its pieces in req.Derived; replaying are the pieces a real
	// run writes instead of reading and deriving (derived.go).
	recording bool
	replaying []derivedPiece
}

func (s *Syncer) newRun(cfg config.Config, req Request, rep *Report, now time.Time, ledger *corrections.File) (*run, error) {
	pipe, err := compile(cfg)
	if err != nil {
		return nil, err
	}
	r := &run{s: s, cfg: cfg, req: req, rep: rep, end: now, pipe: pipe, live: map[string]profile.Profile{}, ledger: ledger,
		store: s.store}
	// Forgetting corrections rewrites the calendar itself, whatever the review mode.
	switch {
	case req.ForgetCorrections:
	case cfg.Sync.Review == config.ReviewTentative:
		r.status = calendar.StatusTentative
	case cfg.Sync.Review == config.ReviewHold:
		pending, err := review.Load(s.proposalsPath)
		if err != nil {
			return nil, &ConfigError{Err: err}
		}
		r.store = holdStore{calendar: s.store, pending: pending}
		rep.Held = true
	}
	for _, p := range cfg.Profiles {
		if p.Enabled {
			r.live[p.ID] = p
			r.enabled = append(r.enabled, p)
		}
	}
	return r, nil
}

// do runs the strategy and, on success, moves st forward.
func (r *run) do(ctx context.Context, st *config.State) error {
	custom, from, to, err := r.strategy()
	if err != nil {
		return err
	}
	r.rep.Strategy = config.StrategyLastChecked
	if custom {
		r.rep.Strategy = config.StrategyCustom
	}
	if r.req.ForgetCorrections {
		if !custom || r.req.From.IsZero() {
			return &ConfigError{Err: errors.New("forgetting corrections needs a range: give both --from and --to")}
		}
		if n := r.ledger.Forget(from, to); n > 0 {
			r.rep.Forgotten, r.ledgerDirty = n, true
		}
	}
	if r.buckets, err = selectBuckets(ctx, r.s.source, r.cfg.ActivityWatch); err != nil {
		return err
	}
	var w window
	if custom {
		w, err = r.customWindow(ctx, from, to)
	} else {
		w, err = r.lastCheckedWindow(ctx, *st)
	}
	if err != nil {
		return err
	}
	if custom && !r.req.DryRun {
		// Recorded before the first write, so that a run killed meanwhile is reported by the next.
		st.Backfill = &config.Backfill{From: from, To: to, Started: r.end}
		if err := config.SaveState(r.s.statePath, *st); err != nil {
			return fmt.Errorf("saving the sync state before the backfill: %w", err)
		}
	}
	if custom {
		if w, err = r.startDerived(from, to, w); err != nil {
			return err
		}
	}
	r.rep.Mode = w.mode
	r.rep.From, r.rep.To = w.scope.From, w.scope.To
	r.rep.DerivedFrom, r.rep.DerivedTo = w.from, w.to
	r.span.from, r.span.to = w.from, w.to
	q, err := r.process(ctx, w)
	if err != nil {
		return err
	}
	if r.recording {
		r.req.Derived.complete = true
	}
	if custom && !r.req.DryRun {
		st.Backfill = nil
	}
	if !custom && !r.req.DryRun {
		end := r.end
		st.LastSyncTime = &end
		st.Quiescent = nil
		if !q.IsZero() {
			st.Quiescent = &q
		}
	}
	r.piece = r.span
	r.report(PhaseDone, 1)
	return nil
}

// notice tells the person something about the run (Report.Notices) and logs it.
func (r *run) notice(msg string) {
	r.rep.Notices = append(r.rep.Notices, msg)
	r.s.log.Warn("sync notice", "notice", msg)
}

// strategy resolves what the run covers: a custom range [from, to), or the last-checked window.
func (r *run) strategy() (custom bool, from, to time.Time, err error) {
	if !r.req.From.IsZero() || !r.req.To.IsZero() {
		if r.req.Trigger == Automatic {
			return false, from, to, fmt.Errorf("%w: automatic runs never backfill a custom range", ErrNotAllowed)
		}
		if r.req.From.IsZero() || r.req.To.IsZero() {
			return false, from, to, &ConfigError{Err: errors.New("a custom range needs both a start and an end")}
		}
		return true, r.req.From, r.req.To, nil
	}
	if r.cfg.Sync.Strategy == config.StrategyCustom {
		if r.cfg.Sync.CustomStart == nil || r.cfg.Sync.CustomEnd == nil {
			return false, from, to, &ConfigError{Err: errors.New("the custom date range has no start or no end: set both in the sync settings")}
		}
		return true, *r.cfg.Sync.CustomStart, *r.cfg.Sync.CustomEnd, nil
	}
	return false, from, to, nil
}

// report calls the progress callback: the run is in phase, within (0–1) of the current piece.
func (r *run) report(phase Phase, within float64) {
	if r.req.Progress == nil {
		return
	}
	f := 1.0
	if total := r.span.to.Sub(r.span.from); total > 0 {
		done := float64(r.piece.from.Sub(r.span.from)) + within*float64(r.piece.to.Sub(r.piece.from))
		f = done / float64(total)
	}
	pieces := int((r.span.to.Sub(r.span.from) + pieceLen - 1) / pieceLen)
	r.req.Progress(Progress{Phase: phase, Fraction: min(max(f, 0), 1), Piece: r.piece.from, Pieces: max(pieces, 1)})
}

// fetch reads the selected buckets over [from, to] and applies the privacy filter.
func (r *run) fetch(ctx context.Context, from, to time.Time) ([]activity.BucketEvents, error) {
	if r.rep.Malformed == nil {
		r.rep.Malformed = map[string]int{}
	}
	out, owned, err := fetchBuckets(ctx, r.s.source, r.buckets, from, to, r.rep.Malformed)
	if err != nil {
		return nil, err
	}
	return r.pipe.filter(out, owned), nil
}

func (r *run) derive(data []activity.BucketEvents, from, to time.Time, seeds []engine.Seed) engine.Result {
	return r.pipe.derive(engine.Input{From: from, To: to, Buckets: data, Seeds: seeds})
}

// process derives the window piece by piece and reconciles each piece. It returns the
// quiescent point to save (zero when none is known).
func (r *run) process(ctx context.Context, w window) (time.Time, error) {
	if r.replaying != nil {
		return r.replay(ctx, w)
	}
	cap := r.cfg.ContinuityCap()
	c0, seeds, fromQuiescent := w.from, w.seeds, w.fromQuiescent
	length := pieceLen
	for first := true; ; first = false {
		if err := ctx.Err(); err != nil {
			return time.Time{}, err
		}
		c1, final := w.to, true
		if w.to.Sub(c0) > length+cap {
			c1, final = c0.Add(length), false
		}
		r.piece.from, r.piece.to = c0, c1
		r.report(PhaseReading, 0)
		data, err := r.fetch(ctx, c0, c1)
		if err != nil {
			return time.Time{}, err
		}
		if !w.settle {
			// A backfill (a custom range): the next piece follows the density. A last-checked
			// run catches up on a week at most, a day at a time, so its progress moves daily.
			events := 0
			for _, b := range data {
				events += len(b.Events)
			}
			length = nextPieceLen(c1.Sub(c0), events)
		}
		r.report(PhaseDeriving, 0.4)
		var blocks []engine.Block
		var q time.Time
		cutAt := c1
		if final {
			blocks, q = r.deriveFinal(data, c0, c1, seeds, fromQuiescent, w.settle)
		} else {
			res := r.derive(data, c0, c1, seeds)
			if rq := r.quiescentIn(res, data, c0, c1, fromQuiescent); !rq.IsZero() {
				cutAt, fromQuiescent = rq, true
			} else {
				fromQuiescent = false
			}
			blocks = endingBy(res.Blocks, cutAt)
		}
		data = nil // the piece's activity is no longer needed
		r.keep(derivedPiece{c0: c0, c1: c1, cutAt: cutAt, q: q, blocks: blocks})
		if err := r.reconcilePiece(ctx, w, first, c0, cutAt, blocks); err != nil {
			return time.Time{}, err
		}
		if final {
			return q, nil
		}
		c0, seeds = cutAt, nil
	}
}

// reconcilePiece reconciles the blocks of the piece from c0, cut at cutAt, within the window's
// scope (the first piece has the window's own).
func (r *run) reconcilePiece(ctx context.Context, w window, first bool, c0, cutAt time.Time, blocks []engine.Block) error {
	sc := w.scope
	if !first {
		sc.From, sc.TrustFrom, sc.ExtendOnly = maxTime(sc.From, c0), c0, false
	}
	sc.To, sc.DerivedTo = minTime(sc.To, cutAt), cutAt
	if sc.From.Before(sc.To) {
		return r.reconcile(ctx, sc, blocks)
	}
	return nil
}

// deriveFinal derives the last piece [c0, c1]. When settle is set it also finds the quiescent
// point to save: the latest one at least settleLag before the end. It derives up to there,
// keeps the blocks before that point, and derives the rest from it (exact, and only the newest
// stretch is derived twice). fromQuiescent says c0 is a known quiescent point.
func (r *run) deriveFinal(data []activity.BucketEvents, c0, c1 time.Time, seeds []engine.Seed, fromQuiescent, settle bool) ([]engine.Block, time.Time) {
	if settled := c1.Add(-settleLag); settle && settled.After(c0) {
		res := r.derive(data, c0, settled, seeds)
		if q := r.quiescentIn(res, data, c0, settled, fromQuiescent); !q.IsZero() {
			blocks := endingBy(res.Blocks, q)
			rest := r.derive(data, q, c1, nil)
			return append(blocks, rest.Blocks...), q
		}
	}
	res := r.derive(data, c0, c1, seeds)
	if fromQuiescent {
		return res.Blocks, c0
	}
	return res.Blocks, time.Time{}
}

// quiescentIn is the latest quiescent point in (from, to] of res, the derivation of data over
// [from, to], or zero when there is none. When from is a known quiescent point (known), res's
// own point is one (ENGINE.md §4); otherwise it is openQuiescent's.
func (r *run) quiescentIn(res engine.Result, data []activity.BucketEvents, from, to time.Time, known bool) time.Time {
	q := res.Quiescent
	if !known {
		q = r.openQuiescent(data, from, to)
	}
	return within(q, from, to)
}

// openQuiescent is the latest quiescent point of data over [from, to] when from is not known to
// be one. A derivation from such a point (a continuity anchor, a lookback's start) begins with
// every machine idle, or seeded from a guess, and knows nothing of the sessions open there: an
// instant where it sees every machine idle can lie inside the block of a session that began
// before from. So the point comes from a derivation that opens a session of every profile at
// from, with evidence up to from: no session open at from outlasts that one, so an instant
// where all of them have broken is quiescent whatever came before from.
func (r *run) openQuiescent(data []activity.BucketEvents, from, to time.Time) time.Time {
	open := make([]engine.Seed, len(r.enabled))
	for i, p := range r.enabled {
		open[i] = engine.Seed{ProfileID: p.ID, Active: true, SessionStart: from, LastEvidenceEnd: from}
	}
	return r.derive(data, from, to, open).Quiescent
}

// within is q when it lies in (from, to], else zero.
func within(q, from, to time.Time) time.Time {
	if q.After(from) && !q.After(to) {
		return q
	}
	return time.Time{}
}

// endingBy keeps the blocks that end at or before t.
func endingBy(blocks []engine.Block, t time.Time) []engine.Block {
	return slices.DeleteFunc(slices.Clone(blocks), func(b engine.Block) bool { return b.End.After(t) })
}

// reconcile plans and applies one piece: read the owned events around the blocks, plan,
// write. A conflict (the calendar changed since it was read) re-reads and re-plans.
func (r *run) reconcile(ctx context.Context, sc scope, blocks []engine.Block) error {
	readFrom, readTo := sc.From, sc.To
	for _, b := range blocks {
		readFrom = minTime(readFrom, roundSecond(b.Start))
		readTo = maxTime(readTo, roundSecond(b.End))
	}
	pl := planner{scope: sc, profiles: r.live, newUID: r.s.newUID, forget: r.req.ForgetCorrections, status: r.status}
	// New events are named by block identity. A UID a create found taken is avoided from then
	// on: when another run took it, the re-read shows its event, which the plan then keeps;
	// when something the read cannot see holds it (a foreign copy), a random UID is used. When
	// the taken UID named a block's identity, the conflict is not counted as an attempt: each
	// such UID is taken once at most, and each means another run got on, so two runs writing
	// the same blocks at once both finish.
	pl.blockUID = calendar.BlockUID
	for attempt := 1; ; attempt++ {
		err := r.attempt(ctx, pl, blocks, readFrom, readTo)
		var taken *calendar.UIDTakenError
		if errors.As(err, &taken) && !pl.avoid[taken.UID] {
			if pl.avoid == nil {
				pl.avoid = map[string]bool{}
			}
			pl.avoid[taken.UID] = true
			if r.namedByBlock(taken.UID) {
				r.s.log.Info("a new event's UID was taken meanwhile; reading the calendar again", "uid", taken.UID)
				attempt--
				continue
			}
		}
		var dup *calendar.DuplicateUIDError
		if errors.As(err, &dup) && !pl.frozen[dup.UID] {
			// Leave both copies alone, say so, and sync everything else; not an attempt.
			if pl.frozen == nil {
				pl.frozen = map[string]bool{}
			}
			pl.frozen[dup.UID] = true
			r.notice(dup.Error())
			attempt--
			continue
		}
		if errors.Is(err, calendar.ErrConflict) && attempt < maxAttempts {
			r.s.log.Info("calendar changed during the sync; reading it again", "attempt", attempt, "error", err)
			continue
		}
		return err
	}
}

// namedByBlock reports whether the latest plan created uid as a block identity (BlockUID).
func (r *run) namedByBlock(uid string) bool {
	for _, c := range r.planned {
		if c.Op == calendar.Create && c.Event.UID == uid {
			return calendar.BlockUID(c.Event.ProfileID, c.Event.Start) == uid
		}
	}
	return false
}

// attempt is one read → plan → write of reconcile. A store that can lock (calendar.Locker)
// keeps other awcal processes from writing in between.
func (r *run) attempt(ctx context.Context, pl planner, blocks []engine.Block, readFrom, readTo time.Time) (err error) {
	r.report(PhasePlanning, 0.7)
	if lk, ok := r.store.(calendar.Locker); ok && !r.req.DryRun {
		locked, unlock, err := lk.Lock(ctx)
		if err != nil {
			return fmt.Errorf("locking the calendar: %w", err)
		}
		defer func() {
			if uerr := unlock(); err == nil && uerr != nil {
				err = fmt.Errorf("unlocking the calendar: %w", uerr)
			}
		}()
		ctx = locked
	}
	owned, err := r.store.Owned(ctx, readFrom, readTo)
	if err != nil {
		return fmt.Errorf("reading the calendar: %w", err)
	}
	if pl.taken, err = r.takenSpans(owned, readFrom, readTo); err != nil {
		return &ConfigError{Err: err}
	}
	p := pl.makePlan(blocks, owned)
	r.planned = p.Changes
	if r.req.DryRun {
		r.rep.Changes = append(r.rep.Changes, p.Changes...)
		r.rep.Counts.add(p.Counts)
		return nil
	}
	if len(p.Changes) > 0 {
		if err := r.s.gate(r.req); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		r.report(PhaseWriting, 0.8)
		if err := r.forgetDeletes(p.Changes); err != nil {
			return err
		}
		if err := r.store.Apply(ctx, p.Changes); err != nil {
			return fmt.Errorf("writing the calendar: %w", err)
		}
		if err := r.recordWrites(p.Changes); err != nil {
			return &ConfigError{Err: err}
		}
	}
	r.rep.Counts.add(p.Counts)
	return nil
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
