package engine

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

func TestMalformedInput(t *testing.T) {
	p := simple("P", 0, 3, rule("window", "app", "code"))
	e := newEngine(t, []profile.Profile{p}, DefaultOptions())
	code := map[string]any{"app": "code"}
	good := activity.Event{Timestamp: at(0), Duration: 600, Data: code}
	bad := []activity.Event{
		{Timestamp: at(1), Duration: math.NaN(), Data: code},
		{Timestamp: at(1), Duration: -1, Data: code},
		{Timestamp: at(1), Duration: math.Inf(1), Data: code},
		{Timestamp: at(1), Duration: 1e13, Data: code},
		{Duration: 5, Data: code}, // unparseable timestamp: the reader leaves it zero
	}
	in := Input{From: at(0), To: at(60), Buckets: []activity.BucketEvents{
		{Bucket: testBuckets["window"], Events: append([]activity.Event{good}, bad...)},
		{Bucket: testBuckets["afk"], Events: []activity.Event{
			{Timestamp: at(20), Duration: -3, Data: map[string]any{"status": "afk"}},
			{Timestamp: at(20), Data: map[string]any{"status": "afk"}}, // missing duration: empty, not malformed
		}},
		{Bucket: testBuckets["other"], Events: []activity.Event{{Timestamp: at(30), Duration: 60}}}, // nil data
	}}
	res := e.Derive(in)
	assert.Equal(t, map[string]int{testBuckets["window"].ID: 5, testBuckets["afk"].ID: 1}, res.Diagnostics.Malformed)
	assert.Equal(t, []blk{{"P", 0, 10}}, got(res.Blocks), "bad events shift nothing")
	assert.Equal(t, 2, res.Diagnostics.Events, "the good window event and the data-less stopwatch event")
	assert.Equal(t, 2, res.Diagnostics.Slices)
	assert.Equal(t, 1, res.Diagnostics.Candidates)
}

func TestWindowClipping(t *testing.T) {
	p := simple("P", 5, 3, rule("window", "app", "code"))
	e := newEngine(t, []profile.Profile{p}, DefaultOptions())
	in := input(10, 20, win(0, 15, "code"), win(15, 30, "code"))
	res := e.Derive(in)
	assert.Equal(t, []blk{{"P", 10, 20}}, got(res.Blocks), "events are clipped to [from, to)")
	for _, inverted := range []Input{input(20, 10, win(0, 30, "code")), input(10, 10, win(0, 30, "code")), {}} {
		res := e.Derive(inverted)
		assert.Empty(t, res.Blocks)
		assert.NotNil(t, res.Blocks)
		assert.True(t, res.Quiescent.IsZero())
	}
}

func TestNotAFKIsDropped(t *testing.T) {
	e := newEngine(t, nil, Options{})
	in := input(0, 60, notAFK(0, 10), afk(10, 20), ev{"window", 0, 5, map[string]any{"status": "not-afk"}})
	assert.Equal(t, []sliceView{{0, 5, ids("window")}, {10, 20, ids("afk")}}, views(derive(e, in)),
		"not-afk is dropped from afk buckets only")
}

func TestTitles(t *testing.T) {
	codeRule := rule("window", "app", "code")
	tests := []struct {
		name     string
		template string
		detail   profile.TitleDetail
		evs      []ev
		want     string
	}{
		{"the largest data group wins", "{title}", "",
			[]ev{win(0, 4, "code", "title", "a.go"), win(4, 11, "code", "title", "b.go"), win(11, 12, "code", "title", "a.go")}, "b.go"},
		{"ties go to the data seen first", "{title}", "",
			[]ev{win(0, 5, "code", "title", "a.go"), win(5, 10, "code", "title", "b.go")}, "a.go"},
		{"primary slices are the evidence when there are some", "{title}", "",
			[]ev{win(0, 5, "code", "title", "a.go"), afk(5, 12), win(12, 14, "code", "title", "b.go")}, "a.go"},
		{"white space collapses", "{app}  \t {title}", "",
			[]ev{win(0, 10, "code", "title", "a\n\u00a0b")}, "code a b"},
		{"dangling separators are stripped", "{app} - {title} |", "",
			[]ev{win(0, 10, "code")}, "code"},
		{"leading separators too", "— {title} : {app}", "",
			[]ev{win(0, 10, "code")}, "code"},
		{"an empty result is the profile name", "{title}", "",
			[]ev{win(0, 10, "code")}, "Coding"},
		{"an empty template is {app}", "", "",
			[]ev{win(0, 10, "code", "title", "x")}, "code"},
		{"a lone brace is text", "{app} {x", "",
			[]ev{win(0, 10, "code")}, "code {x"},
		{"braces around braces", "{{app}}", "",
			[]ev{win(0, 10, "code")}, "{code}"},
		{"an empty placeholder is text", "{} {app}", "",
			[]ev{win(0, 10, "code")}, "{} code"},
		{"title detail app", "{app} - {title}", profile.TitleApp,
			[]ev{win(0, 10, "code", "title", "secret.go")}, "code"},
		{"title detail name", "{app} - {title}", profile.TitleName,
			[]ev{win(0, 10, "code", "title", "secret.go")}, "Coding"},
		{"title detail full", "{app} - {title}", profile.TitleFull,
			[]ev{win(0, 10, "code", "title", "main.go")}, "code - main.go"},
		{"objects render as JSON", "{meta}", "",
			[]ev{win(0, 10, "code", "meta", map[string]any{"b": 1.5, "a": "<x>"})}, `{"a":"<x>","b":1.5}`},
		{"a missing key comes from another state of the winning slices", "{app} {project}", "",
			[]ev{win(0, 10, "code"), {"editor", 0, 10, map[string]any{"project": "awcal", "file": "x"}}}, "code awcal"},
		{"an empty string counts as found", "{title}|{project}", "",
			[]ev{win(0, 10, "code", "title", ""), {"editor", 0, 10, map[string]any{"title": "no", "project": "p"}}}, "p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := profile.Profile{ID: "c", Name: "Coding", Threshold: 0, SoftBreak: 10, Enabled: true,
				TitleTemplate: tt.template, TitleDetail: tt.detail, Primary: []profile.Rule{codeRule},
				Supporting: []profile.Rule{rule("afk", "status", "afk")}}
			res := newEngine(t, []profile.Profile{p}, fcrOptions).Derive(input(0, 60, tt.evs...))
			require.Len(t, res.Blocks, 1)
			assert.Equal(t, tt.want, res.Blocks[0].Title)
		})
	}
}

func TestPrivacy(t *testing.T) {
	p := profile.Profile{ID: "c", Name: "Coding", Threshold: 0, SoftBreak: 3, Enabled: true, TitleTemplate: "{app} - {title}",
		Primary: []profile.Rule{rule("window", "title", "secret")}}
	in := Input{From: at(0), To: at(60), Buckets: []activity.BucketEvents{{
		Bucket: testBuckets["window"],
		Events: []activity.Event{
			{Timestamp: at(10), Duration: 300, Data: map[string]any{"app": "code", "title": "other secret.go"}, Private: []string{"Title"}},
			{Timestamp: at(0), Duration: 600, Data: map[string]any{"app": "code", "title": "secret.go"}, Private: []string{"title"}},
		},
	}}}
	res := newEngine(t, []profile.Profile{p}, fcrOptions).Derive(in)
	require.Len(t, res.Blocks, 1, "rules match the real value")
	b := res.Blocks[0]
	assert.Equal(t, "code - (private)", b.Title)
	assert.Equal(t, []Evidence{{Kind: activity.KindWindow, Label: "code — (private)", Duration: 15 * time.Minute}}, b.Evidence)
	assert.NotContains(t, b.Title+b.Evidence[0].Label, "secret")
}

func TestEvidence(t *testing.T) {
	p := profile.Profile{ID: "c", Name: "Coding", Threshold: 0, SoftBreak: 3, Enabled: true,
		Primary:    []profile.Rule{rule("window", "app", "code"), rule("editor", "file", "go")},
		Supporting: []profile.Rule{rule("web", "url", "go.dev")}}
	var evs []ev
	for i := range 7 {
		f := float64(i * 2)
		evs = append(evs, win(f, f+2, "code", "title", string(rune('a'+i))+".go"))
	}
	evs = append(evs, win(14, 20, "Firefox", "title", "Go"), web("firefox", 14, 20, "https://go.dev/doc/x", "title", "Docs"),
		win(20, 21, "other"), ev{"editor", 21, 24, map[string]any{"project": "awcal", "file": "/src/awcal/main.go"}})
	res := newEngine(t, []profile.Profile{p}, fcrOptions).Derive(input(0, 60, evs...))
	require.Len(t, res.Blocks, 1)
	assert.Equal(t, []Evidence{
		{Kind: activity.KindWeb, Label: "go.dev — Docs", Duration: 6 * time.Minute}, // the site and the page
		{Kind: activity.KindEditor, Label: "awcal — main.go", Duration: 3 * time.Minute},
		{Kind: activity.KindWindow, Label: "code — a.go", Duration: 2 * time.Minute},
		{Kind: activity.KindWindow, Label: "code — b.go", Duration: 2 * time.Minute},
		{Kind: activity.KindWindow, Label: "code — c.go", Duration: 2 * time.Minute},
	}, res.Blocks[0].Evidence, "longest first, ties in time order, at most five, mismatches left out")
}

// The readers hand the engine one map for equal data (they intern data objects), and the
// engine remembers each map's match by the map itself: shared maps, a map shared by buckets of
// different kinds, more maps than that memory has slots, and redacted events must derive
// exactly what a map per event derives.
func TestSharedDataMapsDeriveAsCopies(t *testing.T) {
	opts := fakedata.Options{Days: 3, Seed: 7, Intensity: fakedata.Heavy}
	generated := fakedata.Generate(opts)
	var export bytes.Buffer
	require.NoError(t, fakedata.WriteExport(&export, generated))
	read, _, err := activitywatch.ReadExport(&export)
	require.NoError(t, err)
	distinct := map[string]bool{}
	for _, b := range read {
		for _, e := range b.Events {
			distinct[fmt.Sprintf("%p", e.Data)] = true
		}
	}
	require.Less(t, len(distinct), len(generated[0].Events)+len(generated[1].Events), "the reader shares maps")

	// A copy of every map, and every fifth window event redacted.
	copies := make([]activity.BucketEvents, len(read))
	for i, b := range read {
		copies[i] = activity.BucketEvents{Bucket: b.Bucket, Events: slices.Clone(b.Events)}
		for j := range copies[i].Events {
			copies[i].Events[j].Data = maps.Clone(b.Events[j].Data)
		}
	}
	for _, set := range [][]activity.BucketEvents{read, copies} {
		for _, b := range set {
			if activity.KindOf(b.Bucket) == activity.KindWindow {
				for j := 0; j < len(b.Events); j += 5 {
					b.Events[j].Private = []string{"title"}
				}
			}
		}
	}
	// One map in a window and an editor bucket: the same data, matched per bucket type (the
	// editor's fields make coding; a window without app or title makes nothing).
	shared := map[string]any{"file": "/src/awcal/main.go", "project": "/src/awcal", "language": "go"}
	first, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, opts.Days-1)
	from := first.Add(-6 * time.Hour) // the extra events come alone, before the generated days
	extra := func(data func() map[string]any) []activity.BucketEvents {
		return []activity.BucketEvents{
			{Bucket: activity.Bucket{ID: "aw-watcher-window_other", Type: activity.TypeWindow, Hostname: "other"},
				Events: []activity.Event{{Timestamp: from, Duration: 3600, Data: data()}}},
			{Bucket: activity.Bucket{ID: "aw-watcher-vscode_other", Type: "app.editor.activity", Hostname: "other"},
				Events: []activity.Event{{Timestamp: from, Duration: 3600, Data: data()}}},
		}
	}
	e := newEngine(t, profile.Starters(), DefaultOptions())
	want := e.Derive(Input{From: from, To: to, Buckets: append(copies, extra(func() map[string]any { return maps.Clone(shared) })...)})
	res := e.Derive(Input{From: from, To: to, Buckets: append(read, extra(func() map[string]any { return shared })...)})
	require.NotEmpty(t, want.Blocks)
	assert.Equal(t, "coding", want.Blocks[0].ProfileID, "the editor bucket's event is coding")
	assert.Equal(t, want.Blocks, res.Blocks)
	assert.Equal(t, want.Diagnostics, res.Diagnostics)
}
