// Package correctionstest is the part of the calendar conformance suite that needs the syncer:
// corrections made in the calendar stick, on every store. It is separate from calendartest
// because the syncer reaches the stores (through the pipeline), so only a store's external test
// package can run it.
package correctionstest

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/calendartest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// Harness is the conformance suite's harness.
type Harness = calendartest.Harness

// Run checks that corrections made in the calendar stick. newHarness must return a fresh,
// empty calendar for each subtest.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("corrections stick", func(t *testing.T) { testCorrectionsStick(t, newHarness) })
	t.Run("edited during a sync", func(t *testing.T) { testEditDuringSync(t, newHarness(t)) })
}

// all is every owned event.
func all(t *testing.T, h Harness) []calendar.Event {
	t.Helper()
	evs, err := h.Store().Owned(t.Context(), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	return evs
}

// Corrections made in the calendar stick (docs/SYNC.md "Corrections"): each subtest lets the syncer
// book a morning, corrects two of its events as a person would in a calendar app (through the
// harness, bypassing the store), and checks that an incremental sync and a backfill of the same
// range leave the person's version byte-identical, write nothing over it, and do not bring back
// a deleted block; and that `--forget-corrections` then restores the derived blocks.

// The corrected morning: Coding 09:00–10:00, Writing 10:05–11:00, and Coding from 11:05,
// which is still growing when the first sync runs at 11:30.
var (
	corrDay = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

	corrCoding = profile.Profile{ID: "coding", Name: "Coding", Category: "Work", Color: "#4c8bf5", Threshold: 5,
		SoftBreak: 3, TitleTemplate: "{app}", Enabled: true,
		Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "code"}}}
	corrWriting = profile.Profile{ID: "writing", Name: "Writing", Category: "Study", Color: "#e8710a", Threshold: 5,
		SoftBreak: 3, TitleTemplate: "{app}", Enabled: true,
		Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "writer"}}}
)

func hm(h, m int) time.Time {
	return corrDay.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

const corrHost = "workstation"

// brief is an owned event as the corrections tests compare them.
type brief struct {
	Profile, Title string
	Start, End     time.Time
}

func briefs(evs []calendar.Event) []brief {
	out := make([]brief, len(evs))
	for i, e := range evs {
		out[i] = brief{e.ProfileID, e.Title, e.Start, e.End}
	}
	return out
}

// derivedMorning is what the syncer books for the morning's activity, once the last session
// has ended at 12:00.
var derivedMorning = []brief{
	{"coding", "code", hm(9, 0), hm(10, 0)},
	{"writing", "writer", hm(10, 5), hm(11, 0)},
	{"coding", "code", hm(11, 5), hm(12, 0)},
}

// corrWorld is aw-server with the morning's activity and a syncer writing to the harness's store.
type corrWorld struct {
	h         Harness
	aw        *awtest.Server
	store     calendar.Store
	statePath string
}

func newCorrWorld(t *testing.T, h Harness) *corrWorld {
	aw := awtest.New(t)
	win := "aw-watcher-window_" + corrHost
	aw.AddBucket(activity.Bucket{ID: win, Type: activity.TypeWindow, Hostname: corrHost})
	aw.AddBucket(activity.Bucket{ID: "aw-watcher-afk_" + corrHost, Type: activity.TypeAFK, Hostname: corrHost})
	for _, w := range []struct {
		from, to time.Time
		app      string
	}{{hm(9, 0), hm(10, 0), "code"}, {hm(10, 5), hm(11, 0), "writer"}, {hm(11, 5), hm(12, 0), "code"}} {
		aw.AddEvents(win, activity.Event{Timestamp: w.from, Duration: w.to.Sub(w.from).Seconds(),
			Data: map[string]any{"app": w.app, "title": "draft"}})
	}
	return &corrWorld{h: h, aw: aw, store: h.Store(), statePath: filepath.Join(t.TempDir(), "state.json")}
}

// run runs one sync at now: incremental when from is zero, else a backfill of [from, to).
func (w *corrWorld) run(t *testing.T, now, from, to time.Time, forget bool) *syncer.Report {
	t.Helper()
	cfg := config.Default(func(string) string { return "" })
	cfg.Profiles = []profile.Profile{corrCoding, corrWriting}
	cfg.ActivityWatch.Hostnames = []string{corrHost}
	cfg.ActivityWatch.URL = w.aw.URL()
	s, err := syncer.New(syncer.Options{
		Config:    func() config.Config { return cfg },
		Source:    activitywatch.New(w.aw.URL(), activitywatch.WithTimeout(10*time.Second)),
		Store:     w.store,
		StatePath: w.statePath,
		Now:       func() time.Time { return now },
		Logger:    slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	rep, err := s.Run(t.Context(), syncer.Request{Trigger: syncer.Manual, From: from, To: to, ForgetCorrections: forget})
	require.NoError(t, err)
	return rep
}

// find returns the owned event whose start is start.
func find(t *testing.T, h Harness, start time.Time) calendar.Event {
	t.Helper()
	for _, e := range all(t, h) {
		if e.Start.Equal(start) {
			return e
		}
	}
	require.Failf(t, "event missing", "no owned event starts at %s: %v", start.Format("15:04"), briefs(all(t, h)))
	return calendar.Event{}
}

// correction is what the person does to one event's text; nil means deleting the event.
type correction struct {
	name string
	edit func(t *testing.T, text string) string
}

// setLine replaces the (unfolded) content line of property name by line.
func setLine(t *testing.T, text, name, line string) string {
	t.Helper()
	lines := strings.Split(text, "\r\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(strings.ToUpper(lines[i]), name+":") && !strings.HasPrefix(strings.ToUpper(lines[i]), name+";") {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.HasPrefix(lines[j], " ") {
			j++
		}
		lines = append(lines[:i], append([]string{line}, lines[j:]...)...)
		return strings.Join(lines, "\r\n")
	}
	require.Failf(t, "no such property", "the event has no %s:\n%s", name, text)
	return ""
}

func insertBeforeEnd(t *testing.T, text, lines string) string {
	t.Helper()
	out := strings.Replace(text, "END:VEVENT\r\n", lines+"END:VEVENT\r\n", 1)
	require.NotEqual(t, text, out, "the event has no END:VEVENT line")
	return out
}

// The corrections the suite makes, each to the finished Writing event and to the growing
// Coding one.
var corrections = []correction{
	{"edit the summary", func(t *testing.T, s string) string { return setLine(t, s, "SUMMARY", "SUMMARY:My own title") }},
	{"add an alarm", func(t *testing.T, s string) string {
		return insertBeforeEnd(t, s, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\n")
	}},
	{"move the end", nil}, // filled in per event: ten minutes earlier
	{"delete the event", nil},
}

// testCorrectionsStick runs every correction on a fresh calendar.
func testCorrectionsStick(t *testing.T, newHarness func(t *testing.T) Harness) {
	for _, c := range corrections {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			w := newCorrWorld(t, h)
			w.run(t, hm(11, 30), time.Time{}, time.Time{}, false)
			require.Len(t, all(t, h), 3, "the first sync books the morning so far: %v", briefs(all(t, h)))

			// The person corrects the finished Writing block and the growing Coding one.
			type target struct {
				uid        string
				start, end time.Time // the span the person left (the deleted one for a delete)
				text       string    // the person's version ("" when deleted)
			}
			var targets []target
			for _, start := range []time.Time{hm(10, 5), hm(11, 5)} {
				e := find(t, h, start)
				tg := target{uid: e.UID, start: e.Start, end: e.End}
				switch {
				case c.name == "delete the event":
					h.Remove(t, e.UID)
				case c.name == "move the end":
					tg.end = e.End.Add(-10 * time.Minute)
					h.Edit(t, e.UID, func(s string) string {
						return setLine(t, s, "DTEND", "DTEND:"+tg.end.UTC().Format("20060102T150405Z"))
					})
				default:
					h.Edit(t, e.UID, func(s string) string { return c.edit(t, s) })
				}
				if c.name != "delete the event" {
					tg.text = h.Raw(t, e.UID)
					assert.True(t, find(t, h, start).Locked, "the store reads the corrected event as locked")
				}
				targets = append(targets, tg)
			}
			check := func(step string) {
				t.Helper()
				evs := all(t, h)
				for _, tg := range targets {
					if tg.text != "" {
						assert.Equal(t, tg.text, h.Raw(t, tg.uid), "%s: the person's version is byte-identical", step)
					}
					for _, e := range evs {
						if e.UID != tg.uid && e.Start.Before(tg.end) && tg.start.Before(e.End) {
							assert.Failf(t, "written over the person's correction", "%s: %v overlaps %s–%s", step,
								briefs([]calendar.Event{e}), tg.start.Format("15:04"), tg.end.Format("15:04"))
						}
					}
				}
				requireDisjoint(t, evs)
			}
			w.run(t, hm(12, 30), time.Time{}, time.Time{}, false)
			check("incremental sync")
			w.run(t, hm(13, 0), hm(8, 0), hm(13, 0), false)
			check("backfill")
			w.run(t, hm(13, 10), hm(8, 0), hm(13, 0), false)
			check("second backfill")

			w.run(t, hm(13, 20), hm(8, 0), hm(13, 0), true)
			got := all(t, h)
			assert.Equal(t, derivedMorning, briefs(got), "--forget-corrections restores the derived blocks")
			for _, e := range got {
				assert.False(t, e.Locked, "%v is awcal's again", briefs([]calendar.Event{e}))
			}
			rep := w.run(t, hm(13, 30), hm(8, 0), hm(13, 0), false)
			assert.Zero(t, rep.Created+rep.Updated+rep.Deleted, "and a backfill after it writes nothing")
		})
	}
}

// requireDisjoint fails when two owned events overlap.
func requireDisjoint(t *testing.T, evs []calendar.Event) {
	t.Helper()
	for i := range evs {
		for j := i + 1; j < len(evs); j++ {
			a, b := evs[i], evs[j]
			require.False(t, a.Start.Before(b.End) && b.Start.Before(a.End), "owned events overlap: %v", briefs([]calendar.Event{a, b}))
		}
	}
}

// editingStore is the calendar a person edits while a sync runs: just before the first Apply,
// the event starting at start is edited through the harness, so the store finds the version
// the sync planned against stale (412 on CalDAV, the .ics changed under awcal's lock).
type editingStore struct {
	calendar.Store
	t     *testing.T
	h     Harness
	start time.Time
	once  sync.Once
	text  string
	uid   string
}

// Lock takes the store's own lock when it has one: the person's calendar app does not care
// about awcal's lock, so the .ics file changes under it.
func (s *editingStore) Lock(ctx context.Context) (context.Context, func() error, error) {
	if lk, ok := s.Store.(calendar.Locker); ok {
		return lk.Lock(ctx)
	}
	return ctx, func() error { return nil }, nil
}

func (s *editingStore) Apply(ctx context.Context, changes []calendar.Change) error {
	s.once.Do(func() {
		e := find(s.t, s.h, s.start)
		s.uid = e.UID
		s.h.Edit(s.t, e.UID, func(text string) string { return setLine(s.t, text, "SUMMARY", "SUMMARY:Renamed during the sync") })
		s.text = s.h.Raw(s.t, e.UID)
	})
	return s.Store.Apply(ctx, changes)
}

// testEditDuringSync: an event edited while a sync writes it — the person's version wins and
// the run plans again.
func testEditDuringSync(t *testing.T, h Harness) {
	w := newCorrWorld(t, h)
	w.run(t, hm(11, 30), time.Time{}, time.Time{}, false)
	es := &editingStore{Store: h.Store(), t: t, h: h, start: hm(11, 5)}
	w.store = es
	rep := w.run(t, hm(12, 30), time.Time{}, time.Time{}, false)
	require.NotEmpty(t, es.uid, "the sync wrote something")
	assert.Equal(t, es.text, h.Raw(t, es.uid), "the person's version is byte-identical")
	assert.Positive(t, rep.Created, "the rest of the session is booked beside the person's event")
	requireDisjoint(t, all(t, h))
}
