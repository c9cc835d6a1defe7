package ui

import (
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
)

func sampleLanes(t *testing.T) []Lane {
	t.Helper()
	bs, _, err := fakePrivacy(config.Config{}, sampleDay())
	require.NoError(t, err)
	ps := testProfiles()
	res, err := fakeDerive(config.Config{Profiles: ps}, engineInput(bs))
	require.NoError(t, err)
	return BuildLanes(bs, res, ps)
}

func TestBuildLanes(t *testing.T) {
	lanes := sampleLanes(t)
	require.Len(t, lanes, 6)
	assert.Equal(t, []string{"Blocks", "Unassigned", "Apps", "Web", "Editor", "AFK"},
		[]string{lanes[0].Name, lanes[1].Name, lanes[2].Name, lanes[3].Name, lanes[4].Name, lanes[5].Name})
	un := lanes[1]
	require.Len(t, un.Segments, 1, "active 09:00–10:10 and 11:00–12:00; blocks cover 09:00–10:10")
	assert.Equal(t, at(11, 0), un.Segments[0].Start)
	assert.Equal(t, at(12, 0), un.Segments[0].End)
	assert.Contains(t, un.Segments[0].Detail, "active, in no block (60 min)")
	lanes = append(lanes[:1], lanes[2:]...)

	blocks := lanes[0]
	assert.True(t, blocks.Blocks)
	require.Len(t, blocks.Segments, 2, "coding and research; the private chat was dropped")
	assert.Equal(t, "main.go - awcal", blocks.Segments[0].Label)
	assert.Equal(t, parseHex("#1e8e3e"), blocks.Segments[0].Color, "blocks wear their profile's colour")
	assert.Contains(t, blocks.Segments[0].Detail, "Coding · ")

	apps := lanes[1]
	require.Len(t, apps.Segments, 2)
	assert.Equal(t, "Code", apps.Segments[0].Label)
	assert.NotEqual(t, apps.Segments[0].Color, apps.Segments[1].Color, "apps are colour-coded")
	assert.Equal(t, hashColor("Code", 0.62, 0.50), apps.Segments[0].Color, "the same app keeps its colour")

	web := lanes[2]
	require.Len(t, web.Segments, 1)
	assert.Equal(t, activity.RedactedValue, web.Segments[0].Label, "a redacted url shows as (private)")
	assert.NotContains(t, web.Segments[0].Detail, "pkg.go.dev")

	assert.Empty(t, lanes[3].Segments, "no editor bucket that day")
	afk := lanes[4]
	require.Len(t, afk.Segments, 3)
	assert.Equal(t, "afk", afk.Segments[1].Label)
	assert.Equal(t, color.NRGBA{0x9e, 0x9e, 0x9e, 0xff}, afk.Segments[1].Color)
}

func TestTimelineRendering(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline(at(8, 0), at(12, 30))
	tl.SetLanes(sampleLanes(t))
	w := test.NewTempWindow(t, tl)
	w.Resize(fyne.NewSize(720, tl.MinSize().Height+8))
	test.AssertObjectRendersToImage(t, "timeline.png", tl)
}

func TestTimelineHoverAndZoom(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline(day, day.AddDate(0, 0, 1))
	tl.SetLanes(sampleLanes(t))
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(tlLabelWidth+960, tl.MinSize().Height)) // 40 units per hour
	var hovered string
	tl.OnHover = func(s string) { hovered = s }

	appsY := float32(tlAxis + tlBlockLane + tlGap + tlLane + tlGap + tlLane/2) // below Unassigned
	tl.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(tlLabelWidth+40*9.5, appsY)}})
	assert.Contains(t, hovered, "Code — main.go - awcal", "hovering 09:30 in the apps lane")
	tl.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(tlLabelWidth+40*3, appsY)}})
	assert.Empty(t, hovered, "nothing at 03:00")
	blockY := float32(tlAxis + tlBlockLane/2)
	tl.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(tlLabelWidth+40*10, blockY)}})
	assert.Contains(t, hovered, "Research")

	var shown [2]time.Time
	tl.OnZoom = func(a, b time.Time) { shown = [2]time.Time{a, b} }
	tl.SetLimits(day, day.AddDate(0, 0, 1))
	tl.SetRange(at(8, 0), at(12, 0)) // 4 h over 960 units: 4 units a minute

	t.Run("drag pans", func(t *testing.T) {
		// A drag event carries where the pointer is now and how far it moved: 120 units left.
		test.Drag(w.Canvas(), fyne.NewPos(tlLabelWidth+600, blockY), -120, 0)
		from, to := tl.Range()
		assert.WithinDuration(t, at(8, 30), from, time.Minute, "dragging left shows later times")
		assert.Equal(t, 4*time.Hour, to.Sub(from), "panning keeps the zoom")
		assert.Equal(t, [2]time.Time{from, to}, shown)
	})
	t.Run("the wheel pans", func(t *testing.T) {
		tl.SetRange(at(8, 0), at(12, 0))
		tl.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: -240}})
		from, _ := tl.Range()
		assert.WithinDuration(t, at(9, 0), from, time.Minute)
		tl.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DX: 120}}) // shift-wheel / touchpad
		from, _ = tl.Range()
		assert.WithinDuration(t, at(8, 30), from, time.Minute)
	})
	t.Run("arrow keys pan a quarter, within the day", func(t *testing.T) {
		tl.SetRange(at(8, 0), at(12, 0))
		test.Tap(tl) // takes the focus
		require.True(t, tl.focused)
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
		from, _ := tl.Range()
		assert.Equal(t, at(9, 0), from)
		for range 30 {
			w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
		}
		from, to := tl.Range()
		assert.Equal(t, day.AddDate(0, 0, 1), to, "never past the day")
		assert.Equal(t, 4*time.Hour, to.Sub(from))
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
		from, _ = tl.Range()
		assert.Equal(t, at(19, 0), from)
	})
	t.Run("+ and - zoom", func(t *testing.T) {
		tl.SetRange(at(8, 0), at(12, 0))
		tl.TypedRune('+')
		from, to := tl.Range()
		assert.Equal(t, [2]time.Time{at(9, 0), at(11, 0)}, [2]time.Time{from, to})
		tl.TypedRune('-')
		tl.TypedRune('-')
		tl.TypedRune('-')
		tl.TypedRune('-')
		from, to = tl.Range()
		assert.Equal(t, [2]time.Time{day, day.AddDate(0, 0, 1)}, [2]time.Time{from, to}, "at most the day")
	})
	t.Run("page up and down change the day", func(t *testing.T) {
		var steps []int
		tl.OnDayStep = func(s int) { steps = append(steps, s) }
		tl.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageUp})
		tl.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
		assert.Equal(t, []int{-1, 1}, steps)
	})
	t.Run("a click selects a block or an activity", func(t *testing.T) {
		tl.SetRange(day, day.AddDate(0, 0, 1))
		var got Segment
		tl.OnSelect = func(s Segment) { got = s }
		test.TapAt(tl, fyne.NewPos(tlLabelWidth+40*9.5, blockY))
		require.NotNil(t, got.Block, "the coding block")
		assert.Equal(t, "p-code", got.Block.ProfileID)
		test.TapAt(tl, fyne.NewPos(tlLabelWidth+40*10, appsY))
		require.NotNil(t, got.Event, "Firefox in the apps lane")
		assert.Equal(t, "Firefox", got.Event.Data["app"])
		assert.Equal(t, activity.TypeWindow, got.Bucket.Type)
	})
}

func TestTickStep(t *testing.T) {
	assert.Equal(t, 2*time.Hour, tickStep(24*time.Hour, 1000))
	assert.Equal(t, 15*time.Minute, tickStep(2*time.Hour, 800))
}

func TestPreviewLoadsAndDerives(t *testing.T) {
	test.NewTempApp(t)
	deps := testDeps(nil)
	var gotStats PrivacyStats
	calls := 0
	cfg := config.Config{Profiles: testProfiles(), ActivityWatch: config.ActivityWatch{URL: "http://aw"}}
	p := NewPreview(deps, func() config.Config { return cfg }, func(_ []activity.BucketEvents, s PrivacyStats) {
		gotStats = s
		calls++
	})
	p.async, p.debounce = inline, 0
	test.NewTempWindow(t, p.Root())
	p.SetDay(day)
	require.Len(t, p.timeline.lanes, 6, p.status.Text)
	assert.Len(t, p.timeline.lanes[0].Segments, 2)
	assert.Equal(t, PrivacyStats{Dropped: 1, Redacted: 1}, gotStats)
	assert.Contains(t, p.status.Text, "2 blocks")
	assert.Equal(t, []string{"Coding 50m", "Research 20m", "Unassigned 1h 00m"}, legendLabels(p.legend),
		"the legend: each profile's colour and time, and the active time in no block")
	assert.Equal(t, "In blocks: 1h 10m — by category: Work 1h 10m", p.legend.totals.Text)

	t.Run("an edit re-derives without fetching again", func(t *testing.T) {
		cfg.Profiles = cfg.Profiles[:1]
		p.Schedule()
		assert.Len(t, p.timeline.lanes[0].Segments, 1)
		assert.Equal(t, 2, calls)
	})
	t.Run("a stale result is dropped", func(t *testing.T) {
		var pending []func()
		p.async = func(f func()) { pending = append(pending, f) }
		cfg.Profiles = testProfiles()
		p.Schedule() // older
		cfg.Profiles = nil
		p.Schedule() // newer
		require.Len(t, pending, 2)
		pending[1]()
		pending[0]() // finishes last but is older
		assert.Empty(t, p.timeline.lanes[0].Segments, "the newest edit wins")
	})
	t.Run("previous day", func(t *testing.T) {
		p.async = inline
		p.SetDay(day.AddDate(0, 0, -1))
		assert.Equal(t, day.AddDate(0, 0, -1), p.Day())
		for _, l := range p.timeline.lanes {
			assert.Empty(t, l.Segments, "nothing happened the day before")
		}
	})
}

// legendLabels are the texts of the legend's entries.
func legendLabels(l *legend) []string {
	var out []string
	for _, o := range l.items.Objects {
		if lb, ok := o.(*widget.Label); ok {
			out = append(out, lb.Text)
		}
	}
	return out
}

func TestPreviewDetailsPanel(t *testing.T) {
	test.NewTempApp(t)
	cfg := config.Config{Profiles: testProfiles(), ActivityWatch: config.ActivityWatch{URL: "http://aw"}}
	p := NewPreview(testDeps(nil), func() config.Config { return cfg }, nil)
	p.async, p.debounce = inline, 0
	w := test.NewTempWindow(t, p.Root())
	w.Resize(fyne.NewSize(tlLabelWidth+960+40, 900))
	p.SetDay(day)
	var made []Segment
	p.OnMakeRule = func(s Segment) { made = append(made, s) }
	tl := p.timeline
	tl.Resize(fyne.NewSize(tlLabelWidth+960, tl.MinSize().Height)) // 40 units an hour

	test.TapAt(tl, fyne.NewPos(tlLabelWidth+40*9.5, tlAxis+tlBlockLane/2))
	text := p.details.text.Text
	assert.Contains(t, text, "Coding · 09:00–09:50 (50 min)")
	assert.Contains(t, text, `primary rule 1 (window app "code"): 1 event, 50 min`, "the rules that matched, with minutes")
	assert.Contains(t, text, "Code: 50 min", "the top evidence")
	assert.False(t, p.details.makeRule.Visible(), "a block offers no rule")

	appsY := float32(tlAxis + tlBlockLane + tlGap + tlLane + tlGap + tlLane/2)
	test.TapAt(tl, fyne.NewPos(tlLabelWidth+40*9.5, appsY))
	assert.Contains(t, p.details.text.Text, "Code — main.go - awcal")
	require.True(t, p.details.makeRule.Visible(), "a raw activity offers Make a rule…")
	test.Tap(p.details.makeRule)
	require.Len(t, made, 1)
	assert.Equal(t, "Code", made[0].Event.Data["app"])
}
