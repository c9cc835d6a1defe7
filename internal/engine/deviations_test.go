package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

// sliceView is a slice as tests compare it: minutes and the bucket ids of its states.
type sliceView struct {
	from, to float64
	buckets  []string
}

func views(d *derivation) []sliceView {
	var out []sliceView
	for _, s := range d.slices {
		v := sliceView{from: minutes(time.UnixMicro(s.start)), to: minutes(time.UnixMicro(s.end))}
		for _, st := range d.sliceStates(s) {
			v.buckets = append(v.buckets, d.buckets[d.events[st].bucket].id)
		}
		out = append(out, v)
	}
	return out
}

func ids(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = testBuckets[n].ID
	}
	return out
}

func TestD1BrowserDetection(t *testing.T) {
	e := newEngine(t, nil, Options{})
	for _, app := range []string{"Editor", "Search", "Calculator", "Knowledge", "Tor", "Code"} {
		assert.False(t, e.IsBrowser(app), "%s is not a browser (FCR's unanchored pattern says it is)", app)
	}
	for _, app := range []string{"Firefox", "firefox.exe", "FIREFOX.EXE", "Google-chrome", "msedge.exe", "Microsoft Edge", "LibreWolf", "Zen"} {
		assert.True(t, e.IsBrowser(app), "%s is a browser", app)
	}

	t.Run("a tab is no state while Editor has focus", func(t *testing.T) {
		in := input(0, 60, win(0, 10, "Editor"), web("chrome", 0, 10, "https://example.com"))
		assert.Equal(t, []sliceView{{0, 10, ids("window")}}, views(derive(e, in)))
	})
	t.Run("the table is configurable", func(t *testing.T) {
		custom := newEngine(t, nil, Options{Browsers: map[string][]string{"Chrome": {"Foo.exe"}}})
		assert.True(t, custom.IsBrowser("foo"))
		assert.False(t, custom.IsBrowser("Firefox"))
		in := input(0, 60, win(0, 10, "foo"), web("chrome", 0, 10, "https://example.com"))
		assert.Equal(t, []sliceView{{0, 10, ids("window", "chrome")}}, views(derive(custom, in)))
	})
}

func TestD2TitlesAcrossStates(t *testing.T) {
	p := profile.Profile{ID: "w", Name: "Web", Threshold: 0, SoftBreak: 3, Enabled: true, TitleTemplate: "{APP} - {Title}",
		Primary: []profile.Rule{rule("web", "url", "github")}}
	in := input(0, 60, win(0, 10, "Google-chrome", "title", "GH - Google Chrome"),
		web("chrome", 0, 10, "https://github.com", "title", "GH"))
	res := newEngine(t, []profile.Profile{p}, fcrOptions).Derive(in)
	require.Len(t, res.Blocks, 1)
	// The web data has no app: it comes from the window state of the same slices, and the
	// placeholder keys match case-insensitively. FCR renders "- GH" (and "{APP}" not at all).
	assert.Equal(t, "Google-chrome - GH", res.Blocks[0].Title)
}

func TestD3ChronologicalOutput(t *testing.T) {
	// E9: FCR returns 8–20 (fitness 12) before 0–6 (fitness 6).
	in := input(0, 60, win(0, 6, "code"), win(6, 7, "other"), win(7, 8, "lock"), win(8, 20, "code"))
	res := newEngine(t, []profile.Profile{profileP()}, fcrOptions).Derive(in)
	assert.Equal(t, []blk{{"P", 0, 6}, {"P", 8, 20}}, got(res.Blocks))
	assert.Greater(t, res.Blocks[1].Fitness, res.Blocks[0].Fitness)
}

func TestD4PrecisionAndMidnight(t *testing.T) {
	p := profileP()
	p.Threshold = 0
	e := newEngine(t, []profile.Profile{p}, fcrOptions)
	t.Run("a block crossing midnight is one block", func(t *testing.T) {
		evening := time.Date(2026, 5, 4, 23, 50, 0, 0, time.UTC)
		in := Input{From: evening.Add(-time.Hour), To: evening.Add(2 * time.Hour), Buckets: []activity.BucketEvents{{
			Bucket: testBuckets["window"],
			Events: []activity.Event{{Timestamp: evening, Duration: 30 * 60, Data: map[string]any{"app": "code"}}},
		}}}
		res := e.Derive(in)
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, evening, res.Blocks[0].Start)
		assert.Equal(t, time.Date(2026, 5, 5, 0, 20, 0, 0, time.UTC), res.Blocks[0].End)
	})
	t.Run("sub-minute blocks keep their length to the microsecond", func(t *testing.T) {
		start := base.Add(123456789 * time.Nanosecond) // truncated to 123456 µs
		in := Input{From: base, To: at(60), Buckets: []activity.BucketEvents{{
			Bucket: testBuckets["window"],
			Events: []activity.Event{{Timestamp: start, Duration: 30.0000015, Data: map[string]any{"app": "code"}}},
		}}}
		res := e.Derive(in)
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, base.Add(123456*time.Microsecond), res.Blocks[0].Start)
		// 30.0000015 s × 10⁶ = 30000001.5 µs, rounded half away from zero.
		assert.Equal(t, 30000002*time.Microsecond, res.Blocks[0].End.Sub(res.Blocks[0].Start))
		assert.Equal(t, time.UTC, res.Blocks[0].Start.Location())
	})
}

func TestD6QuiescentPoints(t *testing.T) {
	e := newEngine(t, []profile.Profile{profileP()}, fcrOptions)
	tests := []struct {
		name string
		in   Input
		want float64 // minutes; NaN-free: -1 = none
	}{
		{"the end, when every profile has broken by then", input(0, 40, win(0, 10, "code"), win(20, 30, "code")), 40},
		{"the last gap long enough to break", input(0, 32, win(0, 10, "code"), win(20, 30, "code")), 20},
		{"a gap equal to the soft break does not break", input(0, 32, win(0, 10, "code"), win(13, 30, "code")), 0},
		{"no slice spans it", input(0, 30, win(0, 10, "code"), win(10, 30, "code")), 0},
		{"an idle profile is quiescent at a slice boundary", input(0, 30, win(0, 10, "other"), win(10, 30, "code")), 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Derive(tt.in)
			require.False(t, res.Quiescent.IsZero())
			assert.Equal(t, at(tt.want), res.Quiescent)
			// Starting at the quiescent point gives the same blocks after it.
			again := tt.in
			again.From = res.Quiescent
			assert.Equal(t, after(res.Blocks, res.Quiescent), e.Derive(again).Blocks)
		})
	}
	t.Run("none when a seeded session cannot have broken by the end", func(t *testing.T) {
		in := input(20, 22)
		in.Seeds = []Seed{{ProfileID: "P", Active: true, SessionStart: at(0), LastEvidenceEnd: at(20)}}
		assert.True(t, e.Derive(in).Quiescent.IsZero())
	})
}

// after returns the blocks that start at or after q.
func after(bs []Block, q time.Time) []Block {
	out := []Block{}
	for _, b := range bs {
		if !b.Start.Before(q) {
			out = append(out, b)
		}
	}
	return out
}

func TestD7NegatedRulesAndInvalidRegex(t *testing.T) {
	t.Run("window that is not the browser", func(t *testing.T) {
		p := simple("n", 5, 3, profile.Rule{Bucket: "window", Field: "app", Pattern: "firefox", Negate: true})
		res := newEngine(t, []profile.Profile{p}, fcrOptions).Derive(input(0, 60, win(0, 10, "code"), win(10, 20, "Firefox")))
		assert.Equal(t, []blk{{"n", 0, 10}}, got(res.Blocks))
	})
	t.Run("an invalid regex is an error, not a silent no-match", func(t *testing.T) {
		p := simple("bad", 5, 3, profile.Rule{Bucket: "window", Field: "title", Pattern: "a(?!b)", Regex: true})
		_, err := New([]profile.Profile{p}, Options{})
		require.Error(t, err)
		assert.ErrorIs(t, err, profile.ErrInvalidRegex)
		assert.Contains(t, err.Error(), `profile "bad" (bad): primary rule 1: invalid regex at position 2`)
	})
	t.Run("a disabled profile takes no part and is not checked", func(t *testing.T) {
		bad := simple("bad", 5, 3, profile.Rule{Pattern: "(", Regex: true})
		bad.Enabled = false
		e := newEngine(t, []profile.Profile{bad, simple("ok", 5, 3, rule("window", "app", "code"))}, Options{})
		assert.Equal(t, []blk{{"ok", 0, 10}}, got(e.Derive(input(0, 60, win(0, 10, "code"))).Blocks))
		assert.Len(t, e.Profiles(), 1)
	})
}

func TestD8AFKMasking(t *testing.T) {
	noSupport := profileP()
	noSupport.Supporting = nil
	P := []profile.Profile{noSupport}
	zoom := simple("call", 5, 3, rule("window", "app", "zoom"))
	tube := simple("tube", 5, 3, rule("web", "url", "youtube"))
	tests := []struct {
		name     string
		profiles []profile.Profile
		opts     Options
		in       Input
		want     []blk
	}{
		{"a focused editor during lunch is not coding", P, DefaultOptions(),
			input(0, 60, win(0, 30, "code"), afk(10, 25)), []blk{{"P", 0, 10}, {"P", 25, 30}}},
		{"masking off: FCR's result", P, fcrOptions,
			input(0, 60, win(0, 30, "code"), afk(10, 25)), []blk{{"P", 0, 30}}},
		{"sitting still in a call is not being away", []profile.Profile{zoom}, DefaultOptions(),
			input(0, 60, win(0, 30, "zoom", "title", "Zoom Meeting"), afk(10, 25)), []blk{{"call", 0, 30}}},
		{"an audible tab stays", []profile.Profile{tube}, DefaultOptions(),
			input(0, 60, win(0, 30, "Google-chrome"), web("chrome", 0, 30, "https://youtube.com/watch", "audible", true), afk(10, 25)),
			[]blk{{"tube", 0, 30}}},
		{"a silent tab is masked", []profile.Profile{tube}, DefaultOptions(),
			input(0, 60, win(0, 30, "Google-chrome"), web("chrome", 0, 30, "https://youtube.com/watch", "audible", false), afk(10, 25)),
			[]blk{{"tube", 0, 10}, {"tube", 25, 30}}},
		{"Meeting notes - Thunderbird is no call", []profile.Profile{simple("mail", 5, 3, rule("window", "app", "thunderbird"))}, DefaultOptions(),
			input(0, 60, win(0, 30, "thunderbird", "title", "Meeting notes - Thunderbird"), afk(10, 25)),
			[]blk{{"mail", 0, 10}, {"mail", 25, 30}}},
		{"a custom always-active pattern", P, Options{AFKMasking: true, AlwaysActive: "^code$"},
			input(0, 60, win(0, 30, "code"), afk(10, 25)), []blk{{"P", 0, 30}}},
		{"an imported pattern keeps its case-sensitive meaning", P, Options{AFKMasking: true, AlwaysActive: "^Code$"},
			input(0, 60, win(0, 30, "code"), afk(10, 25)), []blk{{"P", 0, 10}, {"P", 25, 30}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := newEngine(t, tt.profiles, tt.opts).Derive(tt.in)
			assert.Equal(t, tt.want, got(res.Blocks))
		})
	}
	t.Run("only the exempt state stays; the afk state stays for rules", func(t *testing.T) {
		in := input(0, 60, win(0, 30, "zoom"), ev{"editor", 0, 30, map[string]any{"file": "a.go"}}, afk(10, 25))
		assert.Equal(t, []sliceView{
			{0, 10, ids("window", "editor")}, {10, 25, ids("window", "afk")}, {25, 30, ids("window", "editor")},
		}, views(derive(newEngine(t, nil, DefaultOptions()), in)))
	})
	t.Run("an invalid always-active pattern is reported", func(t *testing.T) {
		_, err := New(nil, Options{AFKMasking: true, AlwaysActive: "(?=x)"})
		assert.ErrorIs(t, err, profile.ErrInvalidRegex)
		assert.Contains(t, err.Error(), "always-active pattern")
	})
}

func TestD9SameBrowserEnforcement(t *testing.T) {
	e := newEngine(t, nil, Options{})
	t.Run("a background Chrome tab is noise while Firefox has focus", func(t *testing.T) {
		in := input(0, 60, win(0, 10, "Firefox"), web("firefox", 0, 10, "https://github.com"),
			web("chrome", 0, 10, "https://youtube.com"))
		assert.Equal(t, []sliceView{{0, 10, ids("window", "firefox")}}, views(derive(e, in)))
	})
	t.Run("a browser without a web bucket of its own admits the chrome tab", func(t *testing.T) {
		in := input(0, 60, win(0, 10, "brave-browser"), web("chrome", 0, 10, "https://github.com"))
		assert.Equal(t, []sliceView{{0, 10, ids("window", "chrome")}}, views(derive(e, in)))
	})
	t.Run("a browser with a selected web bucket, even without events, does not", func(t *testing.T) {
		in := input(0, 60, win(0, 10, "Vivaldi"), web("chrome", 0, 10, "https://github.com"))
		in.Buckets = append(in.Buckets, activity.BucketEvents{Bucket: testBuckets["vivaldi"]})
		assert.Equal(t, []sliceView{{0, 10, ids("window")}}, views(derive(e, in)))
	})
	t.Run("a web bucket of unknown browser needs only a browser", func(t *testing.T) {
		in := input(0, 60, win(0, 10, "Safari"))
		in.Buckets = append(in.Buckets, activity.BucketEvents{
			Bucket: activity.Bucket{ID: "my-tabs", Type: activity.TypeWeb, Hostname: "host"},
			Events: []activity.Event{{Timestamp: at(0), Duration: 600, Data: map[string]any{"url": "u"}}},
		})
		d := derive(e, in)
		assert.Equal(t, []sliceView{{0, 10, []string{testBuckets["window"].ID, "my-tabs"}}}, views(d))
	})
}

func TestD10PerHost(t *testing.T) {
	e := newEngine(t, []profile.Profile{simple("P", 5, 3, rule("window", "app", "code"))}, DefaultOptions())
	t.Run("one machine's AFK never masks another's windows", func(t *testing.T) {
		in := input(0, 60, win(0, 30, "code"), ev{"window2", 0, 30, map[string]any{"app": "code"}}, afk(10, 25))
		assert.Equal(t, []sliceView{
			{0, 10, ids("window", "window2")}, {10, 25, ids("window2", "afk")}, {25, 30, ids("window", "window2")},
		}, views(derive(e, in)))
		assert.Equal(t, []blk{{"P", 0, 30}}, got(e.Derive(in).Blocks))
	})
	t.Run("a browser focused on one host never admits another host's tabs", func(t *testing.T) {
		in := input(0, 60, win(0, 10, "Google-chrome"), web("chrome2", 0, 10, "https://github.com"))
		assert.Equal(t, []sliceView{{0, 10, ids("window")}}, views(derive(e, in)))
	})
	t.Run("a tab of unknown host takes the admitting window's host for masking", func(t *testing.T) {
		in := input(0, 60, win(0, 30, "Google-chrome"), web("webany", 0, 30, "https://github.com"), afk(10, 25),
			ev{"afk2", 0, 30, map[string]any{"status": "afk"}})
		assert.Equal(t, []sliceView{
			{0, 10, ids("window", "webany", "afk2")}, {10, 25, ids("afk", "afk2")}, {25, 30, ids("window", "webany", "afk2")},
		}, views(derive(e, in)))
	})
}

func TestD11Details(t *testing.T) {
	t.Run("any in any case", func(t *testing.T) {
		p := simple("a", 0, 0, rule("ANY", "app", "code"))
		assert.Len(t, newEngine(t, []profile.Profile{p}, fcrOptions).Derive(input(0, 60, win(0, 10, "code"))).Blocks, 1)
	})
	t.Run("null data values are absent", func(t *testing.T) {
		p := simple("a", 0, 3, rule("window", "app", "code"))
		p.TitleTemplate = "{app} {title}"
		// 0–4 and 6–10 carry the same data once the null is removed: 8 minutes beat 5.
		in := input(0, 60, win(0, 4, "code", "title", nil), win(4, 9, "code", "title", "x"), win(9, 13, "code"))
		res := newEngine(t, []profile.Profile{p}, fcrOptions).Derive(in)
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, "code", res.Blocks[0].Title)
	})
	t.Run("one-pass substitution", func(t *testing.T) {
		p := simple("a", 0, 3, rule("window", "app", "code"))
		p.TitleTemplate = "{title} {app}"
		res := newEngine(t, []profile.Profile{p}, fcrOptions).Derive(input(0, 60, win(0, 10, "code", "title", "{app}")))
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, "{app} code", res.Blocks[0].Title)
	})
	t.Run("false and null render empty, true and numbers as JSON", func(t *testing.T) {
		p := simple("a", 0, 3, rule("window", "app", "code"))
		p.TitleTemplate = "{app}|{off}|{on}|{n}|{missing}|"
		res := newEngine(t, []profile.Profile{p}, fcrOptions).Derive(input(0, 60, win(0, 10, "code", "off", false, "on", true, "n", 3.0)))
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, "code||true|3", res.Blocks[0].Title, "the dangling separator is stripped too")
	})
	t.Run("states ordered by start, not newest first", func(t *testing.T) {
		p := simple("a", 0, 3, profile.Rule{Bucket: "window", Field: "app", Pattern: ".", Regex: true})
		// Both cover 2–10; FCR's newest-first order would make "second" the evidence there.
		res := newEngine(t, []profile.Profile{p}, fcrOptions).Derive(input(0, 60, win(0, 10, "first"), win(2, 10, "second")))
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, "first", res.Blocks[0].Title)
	})
	t.Run("equal starts: oldest in the server's answer first", func(t *testing.T) {
		in := input(0, 60, win(0, 10, "older"), win(0, 10, "newer"))
		d := derive(newEngine(t, nil, Options{}), in)
		require.Len(t, d.slices, 1)
		states := d.sliceStates(d.slices[0])
		assert.Equal(t, "older", d.datas[d.dataOf(states[0])].data["app"])
	})
}

// TestD12SliverCannotStartASession: the Python aw-server stores timestamps at millisecond
// precision but durations at microseconds, so the same activity can hold a sub-second sliver
// of evidence that an export does not. Here a code window starts 0.4 ms before the AFK period
// (as the server holds it) or together with it (as the export does); the AFK period, supporting
// evidence for P, would keep a session opened by the sliver alive until the person is back.
// A session opens only on a second of uninterrupted primary evidence, so both give one block,
// from the return.
func TestD12SliverCannotStartASession(t *testing.T) {
	P := []profile.Profile{profileP()}
	sliver := 0.0004 / 60 // 0.4 ms in minutes
	tests := []struct {
		name string
		in   Input
	}{
		{"served: a sliver before the AFK period", input(-10, 60, win(-10, -sliver, "other"), win(-sliver, 20, "code"), afk(0, 10))},
		{"exported: no sliver", input(-10, 60, win(-10, 0, "other"), win(0, 20, "code"), afk(0, 10))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := newEngine(t, P, DefaultOptions()).Derive(tt.in)
			assert.Equal(t, []blk{{"P", 10, 20}}, got(res.Blocks))
		})
	}
	t.Run("a second of evidence does open a session", func(t *testing.T) {
		second := 1.0 / 60
		res := newEngine(t, P, DefaultOptions()).Derive(input(-10, 60, win(-10, -second, "other"), win(-second, 20, "code"), afk(0, 10)))
		assert.Equal(t, []blk{{"P", -second, 20}}, got(res.Blocks))
	})
}
