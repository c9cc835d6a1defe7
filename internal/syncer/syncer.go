// Package syncer makes the calendar hold exactly the blocks the engine derives from
// ActivityWatch activity, touching nothing it does not own (docs/SYNC.md). One run
// reads the state (lastSyncTime and the quiescent point), chooses the window (a quiescent
// restart, a validated continuity rewrite, or a boundary warm start with a bounded lookback;
// for a custom range, from the latest quiescent point before it), fetches the activity, lets
// the engine derive the blocks, reads the owned events around them, plans the changes
// (keep / update / create / delete), applies them, and only then saves the state.
//
// The Scheduler runs automatic syncs every interval, coalesces "Sync now" requests into one
// run at a time, backs off after failures and publishes a Status for the tray.
package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/corrections"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/review"
)

// Source is where activity comes from; *activitywatch.Client satisfies it.
type Source interface {
	// Info names the host aw-server runs on (the default host whose buckets are read).
	Info(ctx context.Context) (activitywatch.Info, error)
	Buckets(ctx context.Context) ([]activity.Bucket, error)
	// Events returns the events of a bucket overlapping [from, to], trimmed to it, newest first.
	Events(ctx context.Context, bucketID string, from, to time.Time) (activitywatch.Events, error)
}

// Store is the calendar blocks are kept in; every calendar store satisfies it.
type Store interface {
	// Owned returns the events awcal owns that overlap [from, to).
	Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error)
	// Apply makes the changes as calendar.Store says: on calendar.ErrConflict the changes
	// before the conflicting one may have been applied, no update or delete after it was, and
	// the creates up to the next update or delete may have been.
	Apply(ctx context.Context, changes []calendar.Change) error
}

// Options are what a Syncer is built from.
type Options struct {
	// Config returns the current configuration. It is read at the start of every run and again
	// before writing (the gate), so that settings changed meanwhile take effect.
	Config func() config.Config
	Source Source
	Store  Store
	// StatePath is state.json (config.StatePath). The corrections file (what awcal wrote, and
	// the tombstones of what the person deleted) is kept beside it.
	StatePath string
	// Now is the clock (time.Now when nil); tests and `awcal sync --now` fix it.
	Now func() time.Time
	// Logger receives one line per run and per retried conflict (slog.Default when nil).
	Logger *slog.Logger
}

// Syncer runs syncs. Its runs never overlap: Run waits for a running one to finish.
type Syncer struct {
	config    func() config.Config
	source    Source
	store     Store
	statePath string
	// correctionsPath is the corrections file (corrections.PathBeside the state), and
	// proposalsPath the pending proposals of review mode "hold" (review.PathBeside the state).
	correctionsPath string
	proposalsPath   string
	now             func() time.Time
	log             *slog.Logger
	newUID          func() string

	mu sync.Mutex // held for the whole of a run
}

// New returns a Syncer; Config, Source, Store and StatePath are required.
func New(o Options) (*Syncer, error) {
	switch {
	case o.Config == nil:
		return nil, errors.New("syncer: no config")
	case o.Source == nil:
		return nil, errors.New("syncer: no activity source")
	case o.Store == nil:
		return nil, errors.New("syncer: no calendar store")
	case o.StatePath == "":
		return nil, errors.New("syncer: no state file")
	}
	s := &Syncer{
		config:          o.Config,
		source:          o.Source,
		store:           o.Store,
		statePath:       o.StatePath,
		correctionsPath: corrections.PathBeside(o.StatePath),
		proposalsPath:   review.PathBeside(o.StatePath),
		now:             o.Now,
		log:             o.Logger,
		newUID:          calendar.NewUID,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// Trigger says who asked for a run.
type Trigger int

// Triggers: a person (the tray's "Sync now", the backfill dialog, the command line) or the
// scheduler. Automatic runs are gated (SYNC.md §1).
const (
	Manual Trigger = iota
	Automatic
)

// String names the trigger for logs.
func (t Trigger) String() string {
	if t == Automatic {
		return "automatic"
	}
	return "manual"
}

// Request describes one run.
type Request struct {
	Trigger Trigger
	// From and To, when both are set, make the run a custom-range backfill of [From, To),
	// whatever strategy is configured. A custom range never moves lastSyncTime.
	From, To time.Time
	// DryRun computes the plan (Report.Changes) and writes nothing: no calendar change, no state.
	DryRun bool
	// Progress, when set, is called as the run advances (for the backfill dialog). It is called
	// on the run's goroutine and must not block.
	Progress func(Progress)
	// Allowed, when set, is part of the automatic gate: the scheduler's pause.
	Allowed func() bool
	// ForgetCorrections, with a custom range, forgets the person's corrections in it: the
	// tombstones of deleted events go, and locked events are rewritten to the derived blocks.
	ForgetCorrections bool
	// Derived, with a custom range: a dry run fills it with what it derived; a real run of
	// the same range and config within a few minutes writes that instead of reading and
	// deriving the range again (derived.go).
	Derived *Derived
}

// Phase names what a run is doing.
type Phase string

// Phases of a run, in order (the middle ones repeat for every piece of a long range).
const (
	PhaseReading  Phase = "reading activity"
	PhaseDeriving Phase = "deriving blocks"
	PhasePlanning Phase = "reading the calendar"
	PhaseWriting  Phase = "writing the calendar"
	PhaseDone     Phase = "done"
)

// Progress is how far a run is: its phase and the fraction of the range done (0–1).
type Progress struct {
	Phase    Phase
	Fraction float64
	// Piece is the start of the piece being processed, and Pieces how many pieces of a day
	// (pieceLen) the run's range spans (1 for a run within a day).
	Piece  time.Time
	Pieces int
}

// Mode says how a run chose its window (SYNC.md §2).
type Mode string

// Window modes.
const (
	// ModeQuiescent: derived from the saved quiescent point, exactly.
	ModeQuiescent Mode = "quiescent"
	// ModeContinuity: re-anchored at the validated latest owned event near lastSyncTime.
	ModeContinuity Mode = "continuity"
	// ModeSeed: a boundary warm start with a seed and a bounded lookback.
	ModeSeed Mode = "seed"
	// ModeLookback: a bounded lookback without a seed.
	ModeLookback Mode = "lookback"
	// ModeFirst: the first run ever, from the latest quiescent point before the first-sync
	// lookback's cut-off.
	ModeFirst Mode = "first"
	// ModeCustom: a custom range, from the latest quiescent point before its start.
	ModeCustom Mode = "custom"
)

// Report is the outcome of a run.
type Report struct {
	Trigger  Trigger
	Strategy string // config.StrategyLastChecked or config.StrategyCustom
	Mode     Mode
	// From and To are the reconciled range; DerivedFrom and DerivedTo what the engine saw.
	From, To               time.Time
	DerivedFrom, DerivedTo time.Time
	Counts
	// Buried counts the owned events found gone from the calendar (deleted by the person),
	// now tombstones; Forgotten the tombstones a ForgetCorrections run removed.
	Buried, Forgotten int
	// Changes is the plan; only a dry run fills it.
	Changes []calendar.Change
	DryRun  bool
	// Held says that Counts and Changes are of the pending proposals (review mode "hold"):
	// the calendar's own events were left as they are.
	Held bool
	// LastSyncTime and Quiescent are the state after the run.
	LastSyncTime *time.Time
	Quiescent    *time.Time
	// Malformed counts the events skipped as malformed, per bucket id.
	Malformed map[string]int
	// Notices are what the person should know about the run although it succeeded (a
	// backfill that did not finish, a range that was capped), each saying what to do.
	Notices []string
	// Started and Finished are the clock's readings around the run.
	Started, Finished time.Time
}

// Summary is the report as the state file keeps it.
func (r *Report) Summary() config.RunSummary {
	return config.RunSummary{
		Start: r.Started, End: r.Finished, Strategy: r.Strategy, From: r.From, To: r.To,
		Created: r.Created, Updated: r.Updated, Deleted: r.Deleted, Unchanged: r.Unchanged, Held: r.Held,
	}
}

// ErrNotAllowed: an automatic run found the gate closed (auto sync off, the custom strategy
// selected, or paused), at the start or just before writing. Nothing was written.
var ErrNotAllowed = errors.New("automatic sync is not allowed now")

// ConfigError is a problem with the configuration or the state file, as opposed to a failure
// of aw-server or the calendar: retrying will not help until the user fixes it. It is
// pipeline's, so that the pipeline's parts and the syncer report such problems as one type.
type ConfigError = pipeline.ConfigError

// Run performs one sync run. It waits for a running one to finish first. On success the
// state is saved (lastSyncTime and the quiescent point only for a last-checked run); on
// failure lastSyncTime stays where it was and the error says what to do. A dry run writes
// nothing at all.
func (s *Syncer) Run(ctx context.Context, req Request) (*Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	started := s.now()
	if err := s.gate(req); err != nil {
		return nil, err
	}
	cfg := s.config()
	rep := &Report{Trigger: req.Trigger, DryRun: req.DryRun, Started: started}
	st, err := config.LoadState(s.statePath)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	rep.LastSyncTime, rep.Quiescent = st.LastSyncTime, st.Quiescent
	ledger, err := corrections.Load(s.correctionsPath)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}

	r, err := s.newRun(cfg, req, rep, started, ledger)
	if b := st.Backfill; b != nil && err == nil {
		r.notice(fmt.Sprintf("the backfill of %s – %s started at %s has not finished (it is still running, or it was stopped): "+
			"the part of its range written so far stays in the calendar; run that backfill again to complete it",
			b.From.Local().Format(noticeLayout), b.To.Local().Format(noticeLayout), b.Started.Local().Format(noticeLayout)))
	}
	if err == nil {
		err = r.do(ctx, &st)
	}
	if r != nil && r.ledgerDirty && !req.DryRun {
		// Saved whatever the outcome: a tombstone found must stick, and what the ledger says
		// was written is true of the calendar (a failed write is found again by the next read).
		if lerr := ledger.Save(); lerr != nil {
			err = errors.Join(err, lerr)
		}
	}
	rep.Finished = s.now()
	if errors.Is(err, ErrNotAllowed) {
		s.log.Info("automatic sync stopped: the gate closed", "trigger", req.Trigger)
		return rep, err
	}
	if req.DryRun {
		return rep, err
	}
	sum := rep.Summary()
	if err != nil {
		sum.Error = err.Error()
	}
	st.LastRun = &sum
	if serr := config.SaveState(s.statePath, st); serr != nil {
		if err == nil {
			// The calendar holds the run's changes but lastSyncTime did not move: the next
			// run re-derives the same range and finds nothing to do.
			err = fmt.Errorf("saving the sync state (the calendar is up to date): %w", serr)
		} else {
			s.log.Error("saving the sync state", "error", serr)
		}
	}
	if err != nil {
		return rep, err
	}
	rep.LastSyncTime, rep.Quiescent = st.LastSyncTime, st.Quiescent
	s.log.Info("sync done", "trigger", req.Trigger, "strategy", rep.Strategy, "mode", rep.Mode,
		"from", rep.From, "to", rep.To, "created", rep.Created, "updated", rep.Updated,
		"deleted", rep.Deleted, "unchanged", rep.Unchanged)
	return rep, nil
}

// noticeLayout is how notices show times.
const noticeLayout = "2006-01-02 15:04"

// gate is the automatic-run check of SYNC.md §1: auto sync on, strategy last-checked, not paused.
func (s *Syncer) gate(req Request) error {
	if req.Trigger != Automatic {
		return nil
	}
	cfg := s.config()
	switch {
	case cfg.Sync.Strategy == config.StrategyCustom:
		return fmt.Errorf("%w: the custom date range is selected", ErrNotAllowed)
	case !cfg.AutoSyncEnabled():
		return fmt.Errorf("%w: auto sync is off", ErrNotAllowed)
	case req.Allowed != nil && !req.Allowed():
		return fmt.Errorf("%w: sync is paused", ErrNotAllowed)
	}
	return nil
}
