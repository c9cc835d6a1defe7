// Package ui is awcal's face: the system tray, the settings window (with the profile and rule
// editor and the timeline preview) and the backfill dialog, all in Fyne.
//
// It owns the small interfaces it consumes (a sync runtime, an activity source, the engine and
// the config store as functions) so it builds and tests on its own; NewDeps builds the real
// ones from package pipeline's factory, and SchedulerRuntime adapts syncer's Scheduler to the
// sync runtime. It never imports fyne.io/fyne/v2/app: the caller creates the fyne.App, which
// keeps every test here headless on Fyne's test driver.
//
// Threading rule: widgets are touched on the Fyne goroutine only. Work that can block (network,
// keyring, derivation, a sync) runs in a goroutine and hands its result back with fyne.Do.
package ui

import (
	"context"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// State is the sync runtime's state as the tray shows it.
type State string

// Runtime states.
const (
	StateIdle    State = "idle"
	StateSyncing State = "syncing"
	StateError   State = "error"
	StatePaused  State = "paused"
)

// RunSummary is the outcome of the last finished run.
type RunSummary struct {
	At                                   time.Time
	Created, Updated, Deleted, Unchanged int
	// Held: the counts are of proposals held for review (review mode "hold").
	Held bool
}

// Status is a snapshot of the sync runtime.
type Status struct {
	State State
	// Last is the last successful run; zero At when there was none.
	Last RunSummary
	// Next is when the next automatic run is due; zero when none is scheduled.
	Next time.Time
	// Error is the user-facing text of the last failure (what happened and what to do), or "".
	Error string
	// Notices are what the latest run wants the person to know (each says what to do).
	Notices []string
}

// ProfilePlan is one profile's share of a backfill plan.
type ProfilePlan struct {
	ProfileID string
	Name      string
	Blocks    int
	Hours     float64
}

// Plan summarises a backfill: what it derived and what it would change (dry run) or changed.
type Plan struct {
	Profiles                             []ProfilePlan
	Created, Updated, Deleted, Unchanged int
	// Held says that the counts are of proposals held for review (review mode "hold"), not
	// of calendar events; InCalendar is then how many of awcal's events the calendar holds in
	// the range, which stay as they are.
	Held       bool
	InCalendar int
	// Incomplete, when set, says why Profiles is missing although the counts stand (the
	// calendar could not be read back after a written backfill).
	Incomplete string
}

// SyncController starts and pauses runs. Every method returns at once: a run happens in the
// runtime's own goroutine, and a request during a run is coalesced by the runtime.
type SyncController interface {
	SyncNow()
	Pause()
	Resume()
}

// StatusSource reports the runtime's state.
type StatusSource interface {
	Status() Status
	// Subscribe calls fn (from any goroutine) on every change until the returned func is called.
	Subscribe(fn func(Status)) (unsubscribe func())
}

// Backfiller runs a custom-range sync. It never advances lastSyncTime (SYNC.md §1). With dryRun
// it writes nothing and returns what it would do. progress may be called from any goroutine.
type Backfiller interface {
	Backfill(ctx context.Context, from, to time.Time, dryRun bool, progress func(phase string, fraction float64)) (Plan, error)
}

// CorrectionsResetter is a Backfiller that can also forget the person's corrections in the range
// ("Reset corrections in this range"): edited events are rewritten as derived, deleted blocks
// come back.
type CorrectionsResetter interface {
	ResetCorrections(ctx context.Context, from, to time.Time, dryRun bool, progress func(phase string, fraction float64)) (Plan, error)
}

// ActivitySource reads aw-server: who it is, its buckets, one bucket's events in a range, and
// the settings aw-webui keeps there (categories and privacy filters, for the imports).
type ActivitySource interface {
	Info(ctx context.Context) (activitywatch.Info, error)
	Buckets(ctx context.Context) ([]activity.Bucket, error)
	Events(ctx context.Context, bucketID string, from, to time.Time) ([]activity.Event, error)
	Settings(ctx context.Context) (activitywatch.Settings, error)
}

// CalendarChoice is one calendar found by CalDAV discovery.
type CalendarChoice struct {
	Path, Name string
}

// PrivacyStats counts what the privacy rules removed or redacted.
type PrivacyStats struct {
	Dropped, Redacted int
}

// Deps are the implementations the UI calls; NewDeps builds the real ones from the pipeline
// factory. Any function may be slow; the UI never calls one on the Fyne goroutine.
type Deps struct {
	// Activity returns a source for the aw-server at url (the URL being edited).
	Activity func(url string) ActivitySource
	// Derive runs the engine built from cfg (its enabled profiles and engine settings).
	Derive func(cfg config.Config, in engine.Input) (engine.Result, error)
	// Privacy applies cfg's privacy rules to buckets before derivation.
	Privacy func(cfg config.Config, in []activity.BucketEvents) ([]activity.BucketEvents, PrivacyStats, error)
	// Save validates and atomically writes the config (config.Save).
	Save func(c *config.Config) error
	// Discover lists the calendars on the CalDAV server of c (its URL, user name and trusted
	// certificate; the password from the keyring unless password is non-empty).
	Discover func(ctx context.Context, c config.Calendar, password string) ([]CalendarChoice, error)
	// TestCalendar checks that the configured calendar can be read (password from the keyring
	// unless password is non-empty).
	TestCalendar func(ctx context.Context, c config.Calendar, password string) error
	// SetPassword stores the CalDAV password in the OS keyring and returns undo, which puts
	// back what the keyring held before (the previous password, or none), for a Save that
	// cannot write the config.
	SetPassword func(url, username, password string) (undo func() error, err error)
	// Starters returns the starter profiles.
	Starters func() []profile.Profile
	// PurgeProfile deletes the calendar events awcal wrote for a profile, all of them, and
	// returns how many; with dryRun it only counts them. nil hides the offer to delete a deleted
	// profile's past events.
	PurgeProfile func(ctx context.Context, profileID string, dryRun bool) (int, error)
	// Autostart reads and sets the start-at-login option; nil hides it.
	Autostart *Autostart
	// Now is the clock (time.Now in production).
	Now func() time.Time
}
