package syncer

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/config"
)

// Runner runs one sync; *Syncer satisfies it.
type Runner interface {
	Run(ctx context.Context, req Request) (*Report, error)
}

// State is what the tray shows.
type State string

// States of the scheduler.
const (
	StateIdle    State = "idle"
	StateSyncing State = "syncing"
	StateError   State = "error" // the last run failed
	StatePaused  State = "paused"
)

// Status is a snapshot of the scheduler for the tray and the settings window.
type Status struct {
	State State
	// LastRun summarises the latest finished run (nil before the first).
	LastRun *config.RunSummary
	// NextRun is when the next automatic run is due; zero when none is scheduled (auto sync
	// off, the custom strategy selected, or paused).
	NextRun time.Time
	// Err is why the latest run failed (nil after a success). Its text is for the person: it
	// says what went wrong and what to do.
	Err error
	// Counts is what the latest run did to the calendar.
	Counts Counts
	// Progress is how far the running sync is (meaningful while State is StateSyncing).
	Progress Progress
	// Failures counts the runs that failed in a row; automatic runs back off while it grows.
	Failures int
	// Notices are the latest run's Report.Notices.
	Notices []string
}

// maxBackoff caps the delay after failures (unless the interval itself is longer).
const maxBackoff = time.Hour

// backoff is the delay before the next automatic run after n failures in a row: the interval,
// doubled for each further failure, at most an hour (or the interval, when that is longer).
func backoff(interval time.Duration, n int) time.Duration {
	limit := max(interval, maxBackoff)
	d := interval
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// SchedulerOptions configure a Scheduler.
type SchedulerOptions struct {
	// Config returns the current configuration (auto sync, strategy, interval).
	Config func() config.Config
	// LastRun is the latest run as the state file remembers it, shown until the first run.
	LastRun *config.RunSummary
	Logger  *slog.Logger
}

// Scheduler runs automatic syncs every interval, and the syncs people ask for, one at a time
// on one goroutine (Run's). "Sync now" while a run is going queues one more run, however often
// it is asked (SYNC.md §1). After a failure automatic runs back off; a success resets that.
type Scheduler struct {
	runner Runner
	config func() config.Config
	log    *slog.Logger

	kick chan struct{} // "Sync now", coalesced: capacity 1
	wake chan struct{} // settings, pause or resume changed: capacity 1
	jobs chan job      // backfills waiting for the loop

	mu      sync.Mutex
	status  Status
	paused  bool
	running bool // Run is active
	// stopped is closed when Run returns, so that a Backfill handed to a loop that has ended
	// fails instead of waiting forever; a new Run gets a new channel.
	stopped chan struct{}
	subs    map[int]chan Status
	nextSub int
}

// job is a backfill handed to the loop, and where its outcome goes.
type job struct {
	ctx  context.Context
	req  Request
	done chan result
}

type result struct {
	rep *Report
	err error
}

// NewScheduler returns a scheduler for r; call Run to start it.
func NewScheduler(r Runner, opts SchedulerOptions) *Scheduler {
	s := &Scheduler{
		runner:  r,
		config:  opts.Config,
		log:     opts.Logger,
		kick:    make(chan struct{}, 1),
		wake:    make(chan struct{}, 1),
		jobs:    make(chan job),
		subs:    map[int]chan Status{},
		stopped: make(chan struct{}),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.status = Status{State: StateIdle, LastRun: opts.LastRun}
	if opts.LastRun != nil {
		s.status.Counts = Counts{Created: opts.LastRun.Created, Updated: opts.LastRun.Updated,
			Deleted: opts.LastRun.Deleted, Unchanged: opts.LastRun.Unchanged}
		if opts.LastRun.Error != "" {
			s.status.State, s.status.Err = StateError, errors.New(opts.LastRun.Error)
		}
	}
	return s
}

// ErrSchedulerRunning: Run was called while it was already running.
var ErrSchedulerRunning = errors.New("the sync scheduler is already running")

// ErrSchedulerStopped: a backfill was asked of a scheduler whose Run has returned (the app is
// quitting).
var ErrSchedulerStopped = errors.New("the sync scheduler has stopped: nothing was backfilled")

// Run is the scheduler's loop. It returns nil when ctx is done (a run in progress is
// cancelled), and ErrSchedulerRunning when another Run is active. The first automatic run,
// when auto sync is on, starts at once: the calendar is behind after the app was closed.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return ErrSchedulerRunning
	}
	s.running = true
	select {
	case <-s.stopped: // an earlier Run ended: this one gets a channel of its own
		s.stopped = make(chan struct{})
	default:
	}
	stopped := s.stopped
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = false
		close(stopped)
		s.mu.Unlock()
	}()

	var lastEnd time.Time // zero: the first automatic run is due now
	for {
		next := s.nextAuto(lastEnd)
		var fire <-chan time.Time
		var timer *time.Timer
		if !next.IsZero() {
			timer = time.NewTimer(time.Until(next))
			fire = timer.C
		}
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case <-s.wake:
		case <-s.kick:
			s.execute(ctx, Request{Trigger: Manual})
			lastEnd = time.Now()
		case j := <-s.jobs:
			jctx, cancel := context.WithCancel(ctx)
			stop := context.AfterFunc(j.ctx, cancel)
			rep, err := s.execute(jctx, j.req)
			stop()
			cancel()
			j.done <- result{rep, err}
			lastEnd = time.Now()
		case <-fire:
			s.execute(ctx, Request{Trigger: Automatic, Allowed: s.notPaused})
			lastEnd = time.Now()
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// nextAuto is when the next automatic run is due (zero: none), and publishes it.
func (s *Scheduler) nextAuto(lastEnd time.Time) time.Time {
	cfg := s.config()
	s.mu.Lock()
	defer s.mu.Unlock()
	var next time.Time
	if !s.paused && cfg.AutoSyncEnabled() {
		interval := cfg.Interval()
		if interval <= 0 {
			interval = config.DefaultIntervalMinutes * time.Minute
		}
		next = time.Now()
		if !lastEnd.IsZero() {
			next = lastEnd.Add(interval)
			if s.status.Failures > 0 {
				next = lastEnd.Add(backoff(interval, s.status.Failures))
			}
		}
	}
	s.status.NextRun = next
	s.status.State = s.idleState()
	s.publish()
	return next
}

// idleState is the state when no run is going. The caller holds s.mu.
func (s *Scheduler) idleState() State {
	switch {
	case s.paused:
		return StatePaused
	case s.status.Err != nil:
		return StateError
	}
	return StateIdle
}

func (s *Scheduler) notPaused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.paused
}

// execute runs one request and records its outcome in the status.
func (s *Scheduler) execute(ctx context.Context, req Request) (*Report, error) {
	s.mu.Lock()
	s.status.State = StateSyncing
	s.status.Progress = Progress{}
	s.publish()
	s.mu.Unlock()

	outer := req.Progress
	req.Progress = func(p Progress) {
		s.mu.Lock()
		s.status.Progress = p
		s.publish()
		s.mu.Unlock()
		if outer != nil {
			outer(p)
		}
	}
	rep, err := s.runner.Run(ctx, req)
	cancelled := err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil
	if cancelled {
		s.log.Info("sync cancelled", "trigger", req.Trigger)
	} else if err != nil && !errors.Is(err, ErrNotAllowed) {
		// The tray shows only the latest failure; the log keeps every one.
		s.log.Warn("sync failed", "trigger", req.Trigger, "error", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case errors.Is(err, ErrNotAllowed):
		// The gate closed: not a failure, nothing happened.
	case cancelled:
		// Cancelled by whoever asked (a backfill's Cancel, the app quitting): not a failure,
		// so the status keeps the last outcome and no failure is notified. The caller gets
		// context.Canceled and says "Backfill cancelled".
	case err != nil:
		s.status.Notices = nil
		if rep != nil {
			s.status.Notices = rep.Notices
		}
		s.status.Failures++
		s.status.Err = err
		sum := config.RunSummary{Start: time.Now(), End: time.Now()}
		if rep != nil {
			sum = rep.Summary()
		}
		sum.Error = err.Error()
		s.status.LastRun = &sum
	default:
		s.status.Failures = 0
		s.status.Err = nil
		sum := rep.Summary()
		s.status.LastRun = &sum
		s.status.Counts = rep.Counts
		s.status.Notices = rep.Notices
	}
	s.status.State = s.idleState()
	s.publish()
	return rep, err
}

// SyncNow asks for a manual run. It does not wait: while a run is going, one more run is
// queued, however often SyncNow is called.
func (s *Scheduler) SyncNow() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Backfill runs a custom range [from, to) on the scheduler's goroutine, after the run in
// progress, and returns its report. Cancelling ctx cancels the backfill. It never moves
// lastSyncTime. progress (may be nil) is called as it advances, on the scheduler's goroutine.
// Before Run starts it waits for it; once Run has returned it fails with ErrSchedulerStopped.
func (s *Scheduler) Backfill(ctx context.Context, from, to time.Time, progress func(Progress)) (*Report, error) {
	return s.manual(ctx, Request{Trigger: Manual, From: from, To: to, Progress: progress})
}

// BackfillDerived is Backfill writing what a dry run of the same range derived into d (when
// it still applies: Request.Derived), instead of reading the range again.
func (s *Scheduler) BackfillDerived(ctx context.Context, from, to time.Time, d *Derived, progress func(Progress)) (*Report, error) {
	return s.manual(ctx, Request{Trigger: Manual, From: from, To: to, Progress: progress, Derived: d})
}

// ResetCorrections is Backfill with ForgetCorrections: the person's corrections in [from, to)
// are forgotten and the range is written as derived.
func (s *Scheduler) ResetCorrections(ctx context.Context, from, to time.Time, progress func(Progress)) (*Report, error) {
	return s.manual(ctx, Request{Trigger: Manual, From: from, To: to, Progress: progress, ForgetCorrections: true})
}

// manual runs req on the scheduler's goroutine, after the run in progress.
func (s *Scheduler) manual(ctx context.Context, req Request) (*Report, error) {
	j := job{ctx: ctx, req: req, done: make(chan result, 1)}
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	select {
	case s.jobs <- j:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-stopped:
		return nil, ErrSchedulerStopped
	}
	r := <-j.done
	return r.rep, r.err
}

// Pause stops automatic runs until Resume; manual runs still work.
func (s *Scheduler) Pause() { s.setPaused(true) }

// Resume lets automatic runs start again.
func (s *Scheduler) Resume() { s.setPaused(false) }

func (s *Scheduler) setPaused(p bool) {
	s.mu.Lock()
	s.paused = p
	if s.status.State != StateSyncing {
		s.status.State = s.idleState()
	}
	s.publish()
	s.mu.Unlock()
	s.Reconfigure()
}

// Reconfigure tells the scheduler that the settings changed (auto sync, strategy, interval),
// so that it reschedules the next automatic run.
func (s *Scheduler) Reconfigure() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Status returns the current status.
func (s *Scheduler) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Subscribe returns a channel that always holds the latest status (older ones are dropped,
// so a slow reader never blocks the scheduler), starting with the current one, and a
// function that ends the subscription.
func (s *Scheduler) Subscribe() (<-chan Status, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextSub
	s.nextSub++
	ch := make(chan Status, 1)
	ch <- s.status
	s.subs[id] = ch
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, id)
	}
}

// publish hands the status to every subscriber. The caller holds s.mu.
func (s *Scheduler) publish() {
	for _, ch := range s.subs {
		select {
		case <-ch:
		default:
		}
		ch <- s.status
	}
}
