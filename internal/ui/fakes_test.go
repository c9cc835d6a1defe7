package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// fakeRuntime records what the UI asked of the sync runtime.
type fakeRuntime struct {
	mu                     sync.Mutex
	syncs, pauses, resumes int
	status                 Status
	subs                   []func(Status)
	backfill               func(ctx context.Context, from, to time.Time, dryRun bool, progress func(string, float64)) (Plan, error)
	calls                  chan string
}

func newFakeRuntime() *fakeRuntime { return &fakeRuntime{calls: make(chan string, 16)} }

func (f *fakeRuntime) SyncNow() { f.mu.Lock(); f.syncs++; f.mu.Unlock(); f.calls <- "sync" }
func (f *fakeRuntime) Pause()   { f.mu.Lock(); f.pauses++; f.mu.Unlock(); f.calls <- "pause" }
func (f *fakeRuntime) Resume()  { f.mu.Lock(); f.resumes++; f.mu.Unlock(); f.calls <- "resume" }
func (f *fakeRuntime) Status() Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}
func (f *fakeRuntime) Subscribe(fn func(Status)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, fn)
	return func() {}
}
func (f *fakeRuntime) Backfill(ctx context.Context, from, to time.Time, dryRun bool, progress func(string, float64)) (Plan, error) {
	return f.backfill(ctx, from, to, dryRun, progress)
}

// fakeSource is an aw-server with fixed buckets, clipping events to the asked range, and
// fixed settings.
type fakeSource struct {
	buckets  []activity.BucketEvents
	settings activitywatch.Settings
	err      error
}

// bucketList is the buckets without their events.
func (f fakeSource) bucketList() []activity.Bucket {
	out := make([]activity.Bucket, len(f.buckets))
	for i, b := range f.buckets {
		out[i] = b.Bucket
	}
	return out
}

func (f fakeSource) Info(context.Context) (activitywatch.Info, error) {
	return activitywatch.Info{Hostname: "host"}, f.err
}

func (f fakeSource) Settings(context.Context) (activitywatch.Settings, error) {
	return f.settings, f.err
}

func (f fakeSource) Buckets(context.Context) ([]activity.Bucket, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f.bucketList(), nil
}

func (f fakeSource) Events(_ context.Context, id string, from, to time.Time) ([]activity.Event, error) {
	for _, b := range f.buckets {
		if b.Bucket.ID != id {
			continue
		}
		var out []activity.Event
		for _, e := range b.Events {
			if e.End().After(from) && e.Timestamp.Before(to) {
				out = append(out, e)
			}
		}
		return out, nil
	}
	return nil, errors.New("no such bucket")
}

// day is a fixed local day for previews.
var day = time.Date(2026, 3, 10, 0, 0, 0, 0, time.Local)

func at(h, m int) time.Time {
	return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func ev(start time.Time, minutes float64, data map[string]any) activity.Event {
	return activity.Event{Timestamp: start, Duration: minutes * 60, Data: data}
}

// sampleDay is a small fixed day: coding, a browser visit, an away stretch.
func sampleDay() []activity.BucketEvents {
	return []activity.BucketEvents{
		{Bucket: activity.Bucket{ID: "aw-watcher-window_host", Type: activity.TypeWindow, Hostname: "host"}, Events: []activity.Event{
			ev(at(9, 0), 50, map[string]any{"app": "Code", "title": "main.go - awcal"}),
			ev(at(9, 50), 20, map[string]any{"app": "Firefox", "title": "Go docs"}),
			ev(at(11, 0), 60, map[string]any{"app": "Slack", "title": "secret chat"}),
		}},
		{Bucket: activity.Bucket{ID: "aw-watcher-web-firefox_host", Type: activity.TypeWeb, Hostname: "host"}, Events: []activity.Event{
			ev(at(9, 50), 20, map[string]any{"url": "https://pkg.go.dev/fyne", "title": "Go docs"}),
		}},
		{Bucket: activity.Bucket{ID: "aw-watcher-afk_host", Type: activity.TypeAFK, Hostname: "host"}, Events: []activity.Event{
			ev(at(9, 0), 70, map[string]any{"status": "not-afk"}),
			ev(at(10, 10), 50, map[string]any{"status": "afk"}),
			ev(at(11, 0), 60, map[string]any{"status": "not-afk"}),
		}},
	}
}

// fakeDerive makes one block per window event whose app matches an enabled profile's first
// primary rule: enough to see profiles, colours and titles flow through the UI.
func fakeDerive(cfg config.Config, in engine.Input) (engine.Result, error) {
	var res engine.Result
	var ps []profile.Profile
	for _, p := range cfg.Profiles {
		if p.Enabled {
			ps = append(ps, p)
		}
	}
	for _, b := range in.Buckets {
		if activity.KindOf(b.Bucket) != activity.KindWindow {
			continue
		}
		for _, e := range b.Events {
			for _, p := range ps {
				if len(p.Primary) == 0 {
					continue
				}
				m, err := p.Primary[0].Compile()
				if err != nil {
					return res, err
				}
				if m.Match(b.Bucket.Type, e.Data) {
					res.Blocks = append(res.Blocks, engine.Block{ProfileID: p.ID, Start: e.Timestamp, End: e.End(),
						Title: field(e, "title"), Evidence: []engine.Evidence{{Kind: activity.KindWindow, Label: field(e, "app"), Duration: e.End().Sub(e.Timestamp)}}})
					break
				}
			}
		}
	}
	return res, nil
}

// fakePrivacy drops events whose title contains "secret" and redacts every url.
func fakePrivacy(_ config.Config, in []activity.BucketEvents) ([]activity.BucketEvents, PrivacyStats, error) {
	var st PrivacyStats
	out := make([]activity.BucketEvents, len(in))
	for i, b := range in {
		out[i].Bucket = b.Bucket
		for _, e := range b.Events {
			if t, _ := e.Data["title"].(string); t == "secret chat" {
				st.Dropped++
				continue
			}
			if _, ok := e.Data["url"]; ok {
				e.Private = []string{"url"}
				st.Redacted++
			}
			out[i].Events = append(out[i].Events, e)
		}
	}
	return out, st, nil
}

func testProfiles() []profile.Profile {
	return []profile.Profile{
		{ID: "p-code", Name: "Coding", Category: "Work", Color: "#1e8e3e", Threshold: 5, SoftBreak: 3, Enabled: true,
			Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "code"}}},
		{ID: "p-web", Name: "Research", Category: "Work", Color: "#4c8bf5", Threshold: 5, SoftBreak: 3, Enabled: true,
			Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "firefox"}}},
	}
}

// testDeps wires the fakes; sync runs everything synchronously where the UI would use a goroutine.
func testDeps(saved *[]*config.Config) Deps {
	return Deps{
		Activity: func(string) ActivitySource { return fakeSource{buckets: sampleDay()} },
		Derive:   fakeDerive,
		Privacy:  fakePrivacy,
		Save: func(c *config.Config) error {
			if err := c.Validate(); err != nil {
				return err
			}
			*saved = append(*saved, cloneConfig(c))
			return nil
		},
		Starters: profile.Starters,
		Now:      func() time.Time { return at(12, 0) },
	}
}

func inline(f func()) { f() }

func engineInput(bs []activity.BucketEvents) engine.Input {
	return engine.Input{From: day, To: day.AddDate(0, 0, 1), Buckets: bs}
}

// tapCheck taps a check in the middle of its box: a check ignores taps outside it, and a row
// may lay it out taller than its box.
func tapCheck(c *widget.Check) {
	test.TapAt(c, fyne.NewPos(c.MinSize().Width/2, c.Size().Height/2))
}

// dialogText is the text of the labels in the window's top dialog ("" when none is open).
func dialogText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var parts []string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok && o.Visible() {
			parts = append(parts, l.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// tapDialogButton taps the button labelled label in the window's top dialog.
func tapDialogButton(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	require.NotNil(t, top, "no dialog is open")
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == label && o.Visible() {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no %q button in the dialog: %s", label, dialogText(w))
}
