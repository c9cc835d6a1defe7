package syncer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar/ics"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// TestContinuityRewrite: without a quiescent point, the latest owned event near lastSyncTime
// is validated by re-deriving it, and the run re-anchors at the start of the owned events that
// touch it (here the coding event, which ends where the meeting starts).
func TestContinuityRewrite(t *testing.T) {
	w := newWorld(t, coding, meetings)
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	w.window(hm(10, 0), hm(10, 40), "zoom", "Planning")
	w.window(hm(10, 40), hm(11, 30), "Code", "sync.go")
	w.mustSync(hm(10, 30))
	before := w.owned()
	require.Equal(t, []brief{
		{"coding", "Code - main.go", hm(9, 0), hm(10, 0)},
		{"meetings", "Planning", hm(10, 0), hm(10, 30)},
	}, briefs(before))

	last := hm(10, 30)
	w.setState(config.State{LastSyncTime: &last}) // the quiescent point is unknown
	rep := w.mustSync(hm(11, 30))
	assert.Equal(t, syncer.ModeContinuity, rep.Mode)
	assert.Equal(t, hm(9, 0).Add(-time.Minute), rep.DerivedFrom, "anchored a minute before the first of the touching events")
	after := w.owned()
	assert.Equal(t, []brief{
		{"coding", "Code - main.go", hm(9, 0), hm(10, 0)},
		{"meetings", "Planning", hm(10, 0), hm(10, 40)},
		{"coding", "Code - sync.go", hm(10, 40), hm(11, 30)},
	}, briefs(after))
	assert.Equal(t, before[1].UID, after[1].UID, "the rewritten event keeps its identity")
	assert.Equal(t, before[0].Version, after[0].Version, "an event derived again unchanged is not rewritten")

	t.Run("a candidate that does not validate falls back to the warm start", func(t *testing.T) {
		w := newWorld(t, coding, meetings)
		w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
		w.window(hm(10, 0), hm(10, 40), "zoom", "Planning")
		w.mustSync(hm(10, 30))
		// The person renamed the meetings profile's titles since: re-deriving the event no
		// longer gives its title, so it is not a valid anchor.
		m := meetings
		m.TitleTemplate = "Meeting: {title}"
		w.cfg.Profiles = []profile.Profile{coding, m}
		last := hm(10, 30)
		w.setState(config.State{LastSyncTime: &last})
		rep := w.mustSync(hm(11, 0))
		assert.Equal(t, syncer.ModeLookback, rep.Mode, "meetings has no supporting rule: no seed either")
		// The warm start keeps the title of the event that began before lastSyncTime.
		assert.Equal(t, []brief{
			{"coding", "Code - main.go", hm(9, 0), hm(10, 0)},
			{"meetings", "Planning", hm(10, 0), hm(10, 40)},
		}, briefs(w.owned()))
	})
}

// TestContinuityRedecidesACutSession: two owned events that touch were cut apart by
// allocation, and the earlier run, which saw a shorter coding session, gave the contested
// minutes to the meeting. The continuity rewrite derives from the first of the touching events,
// so the contest is decided again as one derivation of the whole morning decides it. Anchored
// at the coding event's own start, the meeting kept 08:40–08:43 (three minutes off a backfill:
// heavy day 105 of TestConvergence with a 5-minute soft break).
func TestContinuityRedecidesACutSession(t *testing.T) {
	activity := func(w *world) {
		w.window(hm(8, 0), hm(8, 40), "zoom", "Standup")
		w.window(hm(8, 40), hm(8, 41), "Code", "main.go")
		w.window(hm(8, 41), hm(8, 43), "zoom", "Standup")
		w.window(hm(8, 43), hm(9, 0), "Code", "main.go")
	}
	w := newWorld(t, coding, meetings)
	activity(w)
	w.mustSync(hm(9, 0))
	require.Equal(t, []brief{
		{"meetings", "Standup", hm(8, 0), hm(8, 43)},
		{"coding", "Code - main.go", hm(8, 43), hm(9, 0)},
	}, briefs(w.owned()), "20 minutes of coding lose the contested minutes to 42 of meeting")

	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	last := hm(9, 0)
	w.setState(config.State{LastSyncTime: &last}) // the quiescent point is unknown
	rep := w.mustSync(hm(10, 0))
	assert.Equal(t, syncer.ModeContinuity, rep.Mode)
	assert.Equal(t, hm(8, 0).Add(-time.Minute), rep.DerivedFrom, "anchored before the touching meeting")
	want := []brief{
		{"meetings", "Standup", hm(8, 0), hm(8, 40)},
		{"coding", "Code - main.go", hm(8, 40), hm(10, 0)},
	}
	assert.Equal(t, want, briefs(w.owned()))

	ref := newWorld(t, coding, meetings)
	activity(ref)
	ref.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	_, err := ref.backfill(hm(12, 0), hm(7, 0), hm(10, 0))
	require.NoError(t, err)
	assert.Equal(t, want, briefs(ref.owned()), "a backfill decides the contest the same way")
}

// TestLongCustomRangeInPieces backfills three generated days in one range: it is processed in
// pieces cut at quiescent points, and gives the same calendar as a backfill day by day.
func TestLongCustomRangeInPieces(t *testing.T) {
	defer syncer.SetPieceEvents(1)() // pieces of a day, the shortest
	opts := fakedata.Options{Start: monday, Days: 3, Seed: 4, Intensity: fakedata.Normal, Hostname: host}
	data := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, 2)

	whole := newWorld(t, profile.Starters()...)
	newReplay(whole.aw, data).advance(to.Add(time.Hour))
	var phases []syncer.Progress
	rep, err := whole.run(to.Add(time.Hour), syncer.Request{Trigger: syncer.Manual, From: from, To: to,
		Progress: func(p syncer.Progress) { phases = append(phases, p) }})
	require.NoError(t, err)
	reading := 0
	for i, p := range phases {
		if p.Phase == syncer.PhaseReading {
			reading++
		}
		if i > 0 {
			assert.GreaterOrEqual(t, p.Fraction, phases[i-1].Fraction, "progress never goes back")
		}
	}
	assert.Greater(t, reading, 2, "three days are read in pieces, not at once")
	last := phases[len(phases)-1]
	assert.Equal(t, syncer.PhaseDone, last.Phase)
	assert.Equal(t, 1.0, last.Fraction)
	assert.Equal(t, 4, last.Pieces, "three days and the lookback before them")
	require.Positive(t, rep.Created)

	byDay := newWorld(t, profile.Starters()...)
	newReplay(byDay.aw, data).advance(to.Add(time.Hour))
	for d := range 3 {
		df, dt := fakedata.Day(opts, d)
		_, err := byDay.backfill(to.Add(time.Hour), df, dt)
		require.NoError(t, err)
	}
	got := whole.owned()
	requireNoOverlap(t, got)
	assertConverged(t, byDay.owned(), got)
}

// TestPiecesFollowDensity backfills two weeks: after the first day, pieces are sized to hold
// about as many events as the syncer aims for (never less than a day), so activity sparser
// than that takes fewer pieces than days; the calendar is the same as a backfill day by day.
func TestPiecesFollowDensity(t *testing.T) {
	opts := fakedata.Options{Start: monday, Days: 14, Seed: 5, Intensity: fakedata.Normal, Hostname: host}
	data := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, 13)
	readings := func(w *world) int {
		n := 0
		_, err := w.run(to.Add(time.Hour), syncer.Request{Trigger: syncer.Manual, From: from, To: to,
			Progress: func(p syncer.Progress) {
				if p.Phase == syncer.PhaseReading {
					n++
				}
			}})
		require.NoError(t, err)
		return n
	}
	events := 0
	for _, b := range data {
		events += len(b.Events)
	}

	sparse := newWorld(t, profile.Starters()...)
	newReplay(sparse.aw, data).advance(to.Add(time.Hour))
	restore := syncer.SetPieceEvents(events) // as many as the whole range holds
	sparsePieces := readings(sparse)
	restore()

	dense := newWorld(t, profile.Starters()...)
	newReplay(dense.aw, data).advance(to.Add(time.Hour))
	restore = syncer.SetPieceEvents(1)
	densePieces := readings(dense)
	restore()
	assert.Equal(t, 14, densePieces, "a day at a time")
	assert.Equal(t, 3, sparsePieces, "the first day, then the days that hold as many events as the whole range at the first day's density, then the rest")

	requireNoOverlap(t, sparse.owned())
	assertConverged(t, dense.owned(), sparse.owned())
}

// TestICSCalendar runs an incremental day against an .ics file that also holds the person's
// own events: they stay byte-identical, and the file ends as a backfill leaves it.
func TestICSCalendar(t *testing.T) {
	data, day, end := dayOf(fakedata.Normal, 8)
	dir := t.TempDir()
	path := filepath.Join(dir, "activity.ics")
	own := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Calendar//EN\r\n" +
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n" +
		"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VEVENT\r\nUID:lunch@example.com\r\nDTSTAMP:20260301T080000Z\r\n" +
		"DTSTART;TZID=Europe/Berlin:20260302T120000\r\nDTEND;TZID=Europe/Berlin:20260302T130000\r\n" +
		"SUMMARY:Lunch with Sam\r\nCATEGORIES:Work\r\nEND:VEVENT\r\n" +
		"BEGIN:VTODO\r\nUID:todo@example.com\r\nDTSTAMP:20260301T080000Z\r\nSUMMARY:Call the bank\r\nEND:VTODO\r\n" +
		"END:VCALENDAR\r\n"
	require.NoError(t, os.WriteFile(path, []byte(own), 0o600))
	store, err := ics.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })

	w := newWorld(t, profile.Starters()...)
	w.store, w.mem = store, nil
	rp := newReplay(w.aw, data)
	for at := day.Add(8 * time.Hour); !at.After(end); at = at.Add(20 * time.Minute) {
		rp.advance(at)
		w.mustSync(at)
	}
	got := w.owned()
	require.NotEmpty(t, got)
	requireNoOverlap(t, got)
	text, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, part := range []string{
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n",
		"BEGIN:VEVENT\r\nUID:lunch@example.com\r\nDTSTAMP:20260301T080000Z\r\nDTSTART;TZID=Europe/Berlin:20260302T120000\r\n",
		"BEGIN:VTODO\r\nUID:todo@example.com\r\nDTSTAMP:20260301T080000Z\r\nSUMMARY:Call the bank\r\nEND:VTODO\r\n",
	} {
		assert.Contains(t, string(text), part, "the person's own entries stay byte-identical")
	}
	assert.Equal(t, 1, strings.Count(string(text), "UID:lunch@example.com"))

	ref := newWorld(t, profile.Starters()...)
	newReplay(ref.aw, data).advance(end.Add(time.Hour))
	_, err = ref.backfill(end.Add(time.Hour), day, end)
	require.NoError(t, err)
	assertConverged(t, ref.owned(), got)
}

func TestSelectBuckets(t *testing.T) {
	all := []activity.Bucket{
		{ID: "aw-watcher-afk_laptop", Type: activity.TypeAFK, Hostname: "laptop"},
		{ID: "aw-watcher-web-firefox", Type: activity.TypeWeb, Hostname: "unknown"},
		{ID: "aw-watcher-web-chrome_laptop", Type: activity.TypeWeb, Hostname: "laptop"},
		{ID: "aw-watcher-window_desktop", Type: activity.TypeWindow, Hostname: "desktop"},
		{ID: "aw-watcher-window_laptop", Type: activity.TypeWindow, Hostname: "laptop"},
		{ID: "aw-stopwatch", Type: "general.stopwatch", Hostname: "laptop"},
		{ID: "aw-watcher-vscode_laptop", Type: activity.TypeEditor, Hostname: "laptop"},
	}
	ids := func(bs []activity.Bucket) []string {
		var out []string
		for _, b := range bs {
			out = append(out, b.ID)
		}
		return out
	}
	tests := []struct {
		name string
		aw   config.ActivityWatch
		host string
		want []string
	}{
		{"the server's host by default, and web buckets of an unknown host", config.ActivityWatch{}, "laptop",
			[]string{"aw-watcher-afk_laptop", "aw-watcher-web-firefox", "aw-watcher-web-chrome_laptop", "aw-watcher-window_laptop", "aw-watcher-vscode_laptop"}},
		{"the configured hosts", config.ActivityWatch{Hostnames: []string{"desktop"}}, "laptop",
			[]string{"aw-watcher-web-firefox", "aw-watcher-window_desktop"}},
		{"the configured buckets, in their order, once", config.ActivityWatch{Buckets: []string{"aw-stopwatch", "aw-watcher-window_desktop", "aw-stopwatch"}}, "",
			[]string{"aw-stopwatch", "aw-watcher-window_desktop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := syncer.SelectBuckets(all, tt.aw, tt.host)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(got))
		})
	}

	_, err := syncer.SelectBuckets(all, config.ActivityWatch{Buckets: []string{"aw-watcher-window_tablet"}}, "")
	var nf *activitywatch.BucketNotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Contains(t, err.Error(), "aw-watcher-window_desktop, aw-watcher-window_laptop")
	var ce *syncer.ConfigError
	assert.ErrorAs(t, err, &ce, "a missing bucket is the configuration's problem")

	_, err = syncer.SelectBuckets(all[2:], config.ActivityWatch{}, "tablet")
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "no window, afk, web or editor buckets for host tablet")
}

func TestReadActivity(t *testing.T) {
	w := newWorld(t, coding)
	w.cfg.ActivityWatch.Hostnames = nil // the host aw-server runs on: awtest says "awtest"
	w.aw.AddEvents("aw-watcher-window_awtest", activity.Event{Timestamp: hm(9, 0), Duration: 600,
		Data: map[string]any{"app": "Code", "title": "secret-plan.go"}})
	w.aw.AddBucket(activity.Bucket{ID: "aw-watcher-window_awtest", Type: activity.TypeWindow, Hostname: "awtest"})
	w.cfg.Privacy.Rules = []privacy.Rule{{Bucket: "window", Field: "title", Pattern: "secret", Action: privacy.Redact}}

	act, err := syncer.ReadActivity(context.Background(), w.client, w.cfg, hm(8, 0), hm(12, 0))
	require.NoError(t, err)
	require.Len(t, act.Buckets, 1)
	assert.Equal(t, "aw-watcher-window_awtest", act.Buckets[0].Bucket.ID)
	require.Len(t, act.Buckets[0].Events, 1)
	assert.Equal(t, []string{"title"}, act.Buckets[0].Events[0].Private)
	assert.Equal(t, 1, act.Privacy.Redacted)

	w.aw.SetFault(awtest.Fault{Status: 503})
	_, err = syncer.ReadActivity(context.Background(), w.client, w.cfg, hm(8, 0), hm(12, 0))
	var he *activitywatch.HTTPError
	assert.True(t, errors.As(err, &he))
}

// TestWeekendAwayOnThePythonServer: away from Friday 16:40 for 64 hours with the editor
// focused and its title changing on Sunday. The Python aw-server leaves the AFK period out of
// every query that starts more than 24 h after it began; the editor must still not become a
// Coding block, whichever day pieces the range falls into, for a backfill and for the first
// sync after install.
func TestWeekendAwayOnThePythonServer(t *testing.T) {
	friday := time.Date(2026, 3, 6, 16, 40, 0, 0, time.UTC)
	saturday := time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC)
	sunday := saturday.Add(24 * time.Hour)
	monday := friday.Add(64 * time.Hour)
	weekend := func(t *testing.T) *world {
		w := newWorldOn(t, awtest.Python, coding)
		w.window(friday.Add(-2*time.Hour), friday, "Code", "main.go - awcal")
		w.away(friday, monday)
		for m := 9 * 60; m < 18*60; m += 7 {
			at := sunday.Add(time.Duration(m) * time.Minute)
			w.window(at, at.Add(7*time.Minute), "Code", fmt.Sprintf("main.go - awcal (%d)", m))
		}
		return w
	}
	for _, offset := range []time.Duration{0, 5 * time.Hour, 12*time.Hour + 17*time.Minute, 23 * time.Hour, 33 * time.Hour} {
		from := saturday.Add(offset)
		t.Run("backfill from "+from.Format("Mon 15:04"), func(t *testing.T) {
			w := weekend(t)
			_, err := w.backfill(monday, from, from.Add(30*time.Hour))
			require.NoError(t, err)
			assert.Empty(t, briefs(w.owned()))
		})
	}
	t.Run("first sync on Sunday evening", func(t *testing.T) {
		w := weekend(t)
		w.mustSync(sunday.Add(20 * time.Hour))
		assert.Empty(t, briefs(w.owned()))
	})
}

// TestFirstSyncStartsWhereTheSessionStarted: the first sync after install reconciles from the
// first-sync lookback's cut-off, but a session under way at the cut-off is written from where
// it began, as long as that lies within the continuity cap; a session older than the cap
// starts at the cap.
func TestFirstSyncStartsWhereTheSessionStarted(t *testing.T) {
	tests := []struct {
		name      string
		sessionAt time.Time
		want      time.Time
	}{
		{"under way since 17:08, cut-off at 17:14", hm(17, 8), hm(17, 8)},
		{"under way since 13:00, the cap (3 h) reaches back to 14:14", hm(13, 0), hm(14, 14)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, coding)
			w.cfg.Sync.FirstSyncLookbackHours = 1
			w.cfg.Sync.ContinuityCapHours = 3
			w.window(hm(16, 0), hm(16, 40), "Code", "old.go") // ended long before the cut-off
			w.window(hm(16, 40), tt.sessionAt, "Firefox", "news")
			w.window(tt.sessionAt, hm(18, 0), "Code", "main.go")
			rep := w.mustSync(hm(18, 14))
			assert.Equal(t, syncer.ModeFirst, rep.Mode)
			assert.Equal(t, []brief{{"coding", "Code - main.go", tt.want, hm(18, 0)}}, briefs(w.owned()),
				"only the session under way at the cut-off, from where it began")
			rep = w.mustSync(hm(18, 30))
			assert.Zero(t, rep.Created+rep.Updated+rep.Deleted, "the next run agrees")
		})
	}
}
