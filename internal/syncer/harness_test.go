package syncer_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/memstore"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

const host = "workstation"

// Bucket ids of the hand-built scenarios.
const (
	winBucket = "aw-watcher-window_" + host
	afkBucket = "aw-watcher-afk_" + host
	webBucket = "aw-watcher-web-firefox_" + host
)

// monday is the day of the hand-built scenarios; hm(h, m) is a time on it.
var monday = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func hm(h, m int) time.Time {
	return monday.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// Profiles of the hand-built scenarios. Coding has a supporting rule (GitHub in the browser),
// so a session at the boundary can be seeded.
var (
	coding = profile.Profile{
		ID: "coding", Name: "Coding", Category: "Work", Color: "#4c8bf5", Threshold: 5, SoftBreak: 3,
		TitleTemplate: "{app} - {title}", Enabled: true,
		Primary:    []profile.Rule{{Bucket: "window", Field: "app", Pattern: "code"}},
		Supporting: []profile.Rule{{Bucket: "web", Field: "url", Pattern: "github.com"}},
	}
	meetings = profile.Profile{
		ID: "meetings", Name: "Meetings", Category: "Work", Color: "#d93025", Threshold: 2, SoftBreak: 3,
		TitleTemplate: "{title}", Enabled: true,
		Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "zoom"}},
	}
	writing = profile.Profile{
		ID: "writing", Name: "Writing", Category: "Study", Color: "#e8710a", Threshold: 5, SoftBreak: 3,
		TitleTemplate: "{app}", Enabled: true,
		Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "writer"}},
	}
)

// world is aw-server, a calendar and a state file, with a clock the test moves.
type world struct {
	t         testing.TB
	aw        *awtest.Server
	client    *activitywatch.Client
	store     syncer.Store
	mem       *memstore.Store // the store, when it is the memory one
	cfg       config.Config
	statePath string
	now       time.Time
}

func newWorld(t testing.TB, profiles ...profile.Profile) *world {
	t.Helper()
	return newWorldOn(t, awtest.Rust, profiles...)
}

// newWorldOn is newWorld with aw-server of the given flavour.
func newWorldOn(t testing.TB, flavour awtest.Flavour, profiles ...profile.Profile) *world {
	t.Helper()
	cfg := config.Default(func(string) string { return "" })
	cfg.Profiles = profiles
	cfg.ActivityWatch.Hostnames = []string{host}
	aw := awtest.NewFlavour(t, flavour)
	cfg.ActivityWatch.URL = aw.URL()
	for _, b := range []activity.Bucket{
		{ID: winBucket, Type: activity.TypeWindow, Hostname: host},
		{ID: afkBucket, Type: activity.TypeAFK, Hostname: host},
		{ID: webBucket, Type: activity.TypeWeb, Hostname: host},
	} {
		aw.AddBucket(b)
	}
	mem := memstore.New()
	return &world{
		t: t, aw: aw, client: activitywatch.New(aw.URL(), activitywatch.WithTimeout(5*time.Second)),
		store: mem, mem: mem, cfg: cfg, statePath: filepath.Join(t.TempDir(), "state.json"),
	}
}

func (w *world) syncer() *syncer.Syncer {
	w.t.Helper()
	s, err := syncer.New(syncer.Options{
		Config:    func() config.Config { return w.cfg },
		Source:    w.client,
		Store:     w.store,
		StatePath: w.statePath,
		Now:       func() time.Time { return w.now },
		Logger:    slog.New(slog.DiscardHandler),
	})
	require.NoError(w.t, err)
	return s
}

// run runs req at time at.
func (w *world) run(at time.Time, req syncer.Request) (*syncer.Report, error) {
	w.t.Helper()
	w.now = at
	return w.syncer().Run(context.Background(), req)
}

// sync runs one manual sync at time at.
func (w *world) sync(at time.Time) (*syncer.Report, error) {
	w.t.Helper()
	return w.run(at, syncer.Request{Trigger: syncer.Manual})
}

func (w *world) mustSync(at time.Time) *syncer.Report {
	w.t.Helper()
	rep, err := w.sync(at)
	require.NoError(w.t, err)
	return rep
}

// backfill runs a custom range at time at.
func (w *world) backfill(at, from, to time.Time) (*syncer.Report, error) {
	w.t.Helper()
	return w.run(at, syncer.Request{Trigger: syncer.Manual, From: from, To: to})
}

// setState replaces the state file.
func (w *world) setState(st config.State) {
	w.t.Helper()
	require.NoError(w.t, config.SaveState(w.statePath, st))
}

func (w *world) state() config.State {
	w.t.Helper()
	st, err := config.LoadState(w.statePath)
	require.NoError(w.t, err)
	return st
}

// owned is every owned event in the calendar.
func (w *world) owned() []calendar.Event {
	w.t.Helper()
	evs, err := w.store.Owned(context.Background(), time.Unix(0, 0), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(w.t, err)
	return evs
}

// window adds a window event [from, to) with app and title.
func (w *world) window(from, to time.Time, app, title string) {
	w.aw.AddEvents(winBucket, activity.Event{Timestamp: from, Duration: to.Sub(from).Seconds(),
		Data: map[string]any{"app": app, "title": title}})
}

// web adds a web event [from, to) with url and title.
func (w *world) web(from, to time.Time, url, title string) {
	w.aw.AddEvents(webBucket, activity.Event{Timestamp: from, Duration: to.Sub(from).Seconds(),
		Data: map[string]any{"url": url, "title": title, "audible": false, "incognito": false}})
}

// away adds an afk period [from, to).
func (w *world) away(from, to time.Time) {
	w.aw.AddEvents(afkBucket, activity.Event{Timestamp: from, Duration: to.Sub(from).Seconds(),
		Data: map[string]any{"status": "afk"}})
}

// brief is an owned event as the tests compare them: profile, title and times.
type brief struct {
	Profile, Title string
	Start, End     time.Time
}

func (b brief) String() string {
	return fmt.Sprintf("%s %q %s–%s", b.Profile, b.Title, b.Start.Format("15:04:05"), b.End.Format("15:04:05"))
}

func briefs(evs []calendar.Event) []brief {
	out := make([]brief, len(evs))
	for i, e := range evs {
		out[i] = brief{e.ProfileID, e.Title, e.Start, e.End}
	}
	return out
}

// requireNoOverlap fails when two owned events overlap.
func requireNoOverlap(t *testing.T, evs []calendar.Event) {
	t.Helper()
	for i := range evs {
		for j := i + 1; j < len(evs); j++ {
			a, b := evs[i], evs[j]
			require.False(t, a.Start.Before(b.End) && b.Start.Before(a.End), "owned events overlap: %v and %v",
				briefs([]calendar.Event{a})[0], briefs([]calendar.Event{b})[0])
		}
	}
}

// dayOf generates one day of activity (all buckets, newest first per bucket).
func dayOf(intensity fakedata.Intensity, seed int64) ([]activity.BucketEvents, time.Time, time.Time) {
	opts := fakedata.Options{Start: monday, Days: 1, Seed: seed, Intensity: intensity, Hostname: host}
	from, to := fakedata.Day(opts, 0)
	return fakedata.Generate(opts), from, to
}

// replay feeds generated activity to aw-server as it would have been recorded: an event
// appears once it has begun (its growing end is cut at the query's end by aw-server, as
// heartbeats would have left it), except an afk period, which aw-watcher-afk writes only when
// its 180 s timeout has run out, back-dated.
type replay struct {
	aw      *awtest.Server
	pending []pendingEvent
}

type pendingEvent struct {
	bucket  string
	visible time.Time
	ev      activity.Event
}

func newReplay(aw *awtest.Server, data []activity.BucketEvents) *replay {
	r := &replay{aw: aw}
	for _, be := range data {
		aw.AddBucket(be.Bucket)
		afk := activity.KindOf(be.Bucket) == activity.KindAFK
		for _, e := range be.Events {
			visible := e.Timestamp
			if afk && e.Data["status"] == "afk" {
				visible = visible.Add(180 * time.Second)
			}
			r.pending = append(r.pending, pendingEvent{be.Bucket.ID, visible, e})
		}
	}
	slices.SortStableFunc(r.pending, func(a, b pendingEvent) int { return a.visible.Compare(b.visible) })
	return r
}

// advance makes every event visible by t appear.
func (r *replay) advance(t time.Time) {
	n := 0
	for n < len(r.pending) && !r.pending[n].visible.After(t) {
		r.aw.AddEvents(r.pending[n].bucket, r.pending[n].ev)
		n++
	}
	r.pending = r.pending[n:]
}
