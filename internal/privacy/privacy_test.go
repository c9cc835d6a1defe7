package privacy

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/cputime"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// Marker strings: if one shows up where it should not, a test names it.
const (
	secretURL   = "https://SECRET-BANK.example/login"
	secretTitle = "SECRET-TITLE chat with doctor"
	plainTitle  = "PLAIN-TITLE main.go"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func ev(min int, data map[string]any) activity.Event {
	return activity.Event{Timestamp: t0.Add(time.Duration(min) * time.Minute), Duration: 60, Data: data}
}

func webBucket(events ...activity.Event) activity.BucketEvents {
	return activity.BucketEvents{Bucket: activity.Bucket{ID: "aw-watcher-web-firefox_host", Type: activity.TypeWeb, Hostname: "host"}, Events: events}
}

func windowBucket(events ...activity.Event) activity.BucketEvents {
	return activity.BucketEvents{Bucket: activity.Bucket{ID: "aw-watcher-window_host", Type: activity.TypeWindow, Hostname: "host"}, Events: events}
}

func mustNew(t *testing.T, p Settings) *Filter {
	t.Helper()
	f, err := New(p)
	require.NoError(t, err)
	return f
}

// values lists the displayed value of key for every event, in order.
func values(bs []activity.BucketEvents, key string) []string {
	var out []string
	for _, b := range bs {
		for _, e := range b.Events {
			out = append(out, fmt.Sprint(Redacted(e)[key]))
		}
	}
	return out
}

func TestDropIncognito(t *testing.T) {
	in := []activity.BucketEvents{
		webBucket(
			ev(0, map[string]any{"url": secretURL, "title": "a", "incognito": true}),
			ev(1, map[string]any{"url": "https://go.dev/", "title": "b", "incognito": false}),
			ev(2, map[string]any{"url": secretURL, "title": "c", "Incognito": "true"}),
			ev(3, map[string]any{"url": "https://go.dev/", "title": "d"}),
		),
		windowBucket(ev(0, map[string]any{"app": "Firefox", "title": "e", "incognito": true})),
	}
	tests := []struct {
		name      string
		drop      bool
		want      []string
		incognito int
	}{
		{"on", true, []string{"b", "d", "e"}, 2},
		{"off", false, []string{"a", "b", "c", "d", "e"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, st := mustNew(t, Settings{DropIncognito: tt.drop}).Apply(in)
			assert.Equal(t, tt.want, values(out, "title"), "only web events are incognito tabs")
			assert.Equal(t, tt.incognito, st.Incognito)
			assert.Equal(t, tt.incognito, st.Hidden())
		})
	}
}

func TestDropRules(t *testing.T) {
	in := []activity.BucketEvents{
		webBucket(
			ev(0, map[string]any{"url": secretURL, "title": "bank"}),
			ev(1, map[string]any{"url": "https://go.dev/", "title": "docs"}),
		),
		windowBucket(
			ev(0, map[string]any{"app": "Firefox", "title": "SECRET-BANK - Firefox"}),
			ev(1, map[string]any{"app": "Code", "title": plainTitle}),
		),
	}
	tests := []struct {
		name    string
		rule    Rule
		want    []string
		dropped int
	}{
		{"substring, case-insensitive, any bucket", Rule{Pattern: "secret-bank", Action: Drop},
			[]string{"docs", "SECRET-BANK - Firefox", plainTitle}, 1},
		{"named field in every bucket", Rule{Field: "title", Pattern: "secret-bank", Action: Drop},
			[]string{"bank", "docs", plainTitle}, 1},
		{"bucket word", Rule{Bucket: "web", Field: "url", Pattern: "bank", Action: Drop},
			[]string{"docs", "SECRET-BANK - Firefox", plainTitle}, 1},
		{"regex", Rule{Field: "title", Pattern: `^(bank|secret-bank\b)`, Regex: true, Action: Drop},
			[]string{"docs", plainTitle}, 2},
		{"absent field falls back to app, url, title…", Rule{Field: "nothing", Pattern: "SECRET-BANK.example", Action: Drop},
			[]string{"docs", "SECRET-BANK - Firefox", plainTitle}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, st := mustNew(t, Settings{Rules: []Rule{tt.rule}}).Apply(in)
			assert.Equal(t, tt.want, values(out, "title"))
			assert.Equal(t, tt.dropped, st.Dropped)
			assert.Equal(t, []int{tt.dropped}, st.PerRule)
			assert.Zero(t, st.Redacted)
		})
	}
}

func TestRedactRules(t *testing.T) {
	in := []activity.BucketEvents{
		windowBucket(
			ev(0, map[string]any{"app": "Signal", "Title": secretTitle}),
			ev(1, map[string]any{"app": "Code", "title": plainTitle}),
			ev(2, map[string]any{"title": secretTitle}),
		),
	}
	tests := []struct {
		name    string
		rule    Rule
		private [][]string // Private of each output event
	}{
		{"named field, key as the data spells it", Rule{Bucket: "window", Field: "title", Pattern: "SECRET-TITLE", Action: Redact},
			[][]string{{"Title"}, nil, {"title"}}},
		{"empty field redacts the fallback field that matched", Rule{Pattern: "signal", Action: Redact},
			[][]string{{"app"}, nil, nil}},
		{"fallback past an absent app", Rule{Pattern: "secret-title", Action: Redact},
			[][]string{nil, nil, {"title"}}},
		{"absent named field falls back", Rule{Field: "url", Pattern: "code", Action: Redact},
			[][]string{nil, {"app"}, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, st := mustNew(t, Settings{Rules: []Rule{tt.rule}}).Apply(in)
			require.Len(t, out[0].Events, 3, "redaction keeps every event")
			redacted := 0
			for i, e := range out[0].Events {
				assert.Equal(t, tt.private[i], e.Private, "event %d", i)
				assert.Equal(t, in[0].Events[i].Data, e.Data, "the data keeps the real value: later rules match it")
				if tt.private[i] != nil {
					redacted++
				}
			}
			assert.Equal(t, redacted, st.Redacted)
			assert.Zero(t, st.Hidden())
		})
	}
}

func TestRedactedOutputHidesMarkers(t *testing.T) {
	f := mustNew(t, Settings{Rules: []Rule{
		{Field: "title", Pattern: "SECRET-TITLE", Action: Redact},
		{Bucket: "web", Field: "url", Pattern: "secret-bank", Action: Redact},
	}})
	out, st := f.Apply([]activity.BucketEvents{
		windowBucket(ev(0, map[string]any{"app": "Signal", "title": secretTitle}), ev(1, map[string]any{"app": "Code", "title": plainTitle})),
		webBucket(ev(0, map[string]any{"url": secretURL, "title": "Login"})),
	})
	assert.Equal(t, 2, st.Redacted)
	assert.Equal(t, []int{1, 1}, st.PerRule)
	var shown strings.Builder
	for _, b := range out {
		for _, e := range b.Events {
			fmt.Fprintln(&shown, Redacted(e))
		}
	}
	assert.NotContains(t, shown.String(), "SECRET")
	assert.Contains(t, shown.String(), plainTitle)
	assert.Contains(t, shown.String(), "Signal")
	assert.Equal(t, 2, strings.Count(shown.String(), activity.RedactedValue))
}

func TestDropWinsOverRedact(t *testing.T) {
	f := mustNew(t, Settings{Rules: []Rule{
		{Field: "title", Pattern: "SECRET", Action: Redact},
		{Field: "app", Pattern: "signal", Action: Drop},
	}})
	out, st := f.Apply([]activity.BucketEvents{windowBucket(
		ev(0, map[string]any{"app": "Signal", "title": secretTitle}),
		ev(1, map[string]any{"app": "Notes", "title": secretTitle}),
	)})
	require.Len(t, out[0].Events, 1)
	assert.Equal(t, "Notes", out[0].Events[0].Data["app"])
	assert.Equal(t, []string{"title"}, out[0].Events[0].Private)
	assert.Equal(t, Stats{Dropped: 1, Redacted: 1, PerRule: []int{2, 1}}, st)
}

func TestRedactKeepsExistingPrivateKeys(t *testing.T) {
	f := mustNew(t, Settings{Rules: []Rule{
		{Field: "title", Pattern: "SECRET", Action: Redact},
		{Field: "title", Pattern: "chat", Action: Redact},
	}})
	e := ev(0, map[string]any{"app": "Signal", "title": secretTitle})
	e.Private = []string{"app"}
	out, st := f.Apply([]activity.BucketEvents{windowBucket(e)})
	assert.Equal(t, []string{"app", "title"}, out[0].Events[0].Private, "each key once")
	assert.Equal(t, 1, st.Redacted)

	e.Private = []string{"title"}
	out, st = f.Apply([]activity.BucketEvents{windowBucket(e)})
	assert.Equal(t, []string{"title"}, out[0].Events[0].Private)
	assert.Zero(t, st.Redacted, "already private: nothing new was hidden")
}

func TestApplyNeverMutatesInput(t *testing.T) {
	f := mustNew(t, Settings{DropIncognito: true, Rules: []Rule{
		{Field: "title", Pattern: "SECRET", Action: Redact},
		{Field: "url", Pattern: "bank", Action: Drop},
	}})
	// A Private slice with spare capacity: a careless append would write into the caller's array.
	private := make([]string, 1, 4)
	private[0] = "app"
	window := windowBucket(
		ev(0, map[string]any{"app": "Code", "title": plainTitle}),
		ev(1, map[string]any{"app": "Signal", "title": secretTitle}),
	)
	window.Events[1].Private = private
	web := webBucket(
		ev(0, map[string]any{"url": secretURL, "title": "x"}),
		ev(1, map[string]any{"url": "https://go.dev/", "title": "y", "incognito": true}),
		ev(2, map[string]any{"url": "https://go.dev/", "title": "z"}),
	)
	untouched := windowBucket(ev(5, map[string]any{"app": "Code", "title": plainTitle}))
	in := []activity.BucketEvents{window, web, untouched}
	snapshot := deepCopy(in)

	out, _ := f.Apply(in)
	assert.Equal(t, snapshot, in, "the caller's buckets, events and maps are unchanged")
	assert.Equal(t, []string{"app", "title"}, out[0].Events[1].Private)
	assert.Equal(t, "app", private[:2][0])
	assert.Empty(t, private[1:2][0], "nothing was written past the caller's length")
	assert.Len(t, out[1].Events, 1)
	assert.Same(t, &in[2].Events[0], &out[2].Events[0], "an unchanged bucket shares its events")
}

func deepCopy(bs []activity.BucketEvents) []activity.BucketEvents {
	out := make([]activity.BucketEvents, len(bs))
	for i, b := range bs {
		out[i] = b
		out[i].Events = make([]activity.Event, len(b.Events))
		for j, e := range b.Events {
			c := e
			c.Data = make(map[string]any, len(e.Data))
			for k, v := range e.Data {
				c.Data[k] = v
			}
			c.Private = append([]string(nil), e.Private...)
			if e.Private == nil {
				c.Private = nil
			}
			out[i].Events[j] = c
		}
	}
	return out
}

func TestNewErrorsNameTheRule(t *testing.T) {
	tests := []struct {
		name  string
		rules []Rule
		want  string
		is    error
	}{
		{"invalid regex", []Rule{{Pattern: "ok", Action: "drop"}, {Pattern: "a(b", Regex: true, Action: "redact"}},
			"privacy rule 2: invalid regex at position 2", profile.ErrInvalidRegex},
		{"empty pattern", []Rule{{Action: "drop"}}, "privacy rule 1: pattern is empty", profile.ErrEmptyPattern},
		{"unknown bucket", []Rule{{Bucket: "browser", Pattern: "x", Action: "drop"}}, `privacy rule 1: unknown bucket "browser"`, profile.ErrUnknownBucket},
		{"unknown action", []Rule{{Pattern: "x", Action: "hide"}}, `privacy rule 1: action is "hide"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := New(Settings{Rules: tt.rules})
			require.Error(t, err)
			assert.Nil(t, f)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "got %q", err)
			if tt.is != nil {
				assert.True(t, errors.Is(err, tt.is))
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	e := ev(0, map[string]any{"app": "Signal", "title": secretTitle})
	assert.Equal(t, e.Data, Redacted(e))
	e.Private = []string{"title", "missing"}
	got := Redacted(e)
	assert.Equal(t, map[string]any{"app": "Signal", "title": activity.RedactedValue}, got, "absent keys are not added")
	assert.Equal(t, secretTitle, e.Data["title"], "the event's data is unchanged")
}

// TestSubjectKeyAgreesWithMatcher checks that the key Apply redacts is the value the profile
// matcher tested: a rule whose pattern is that key's whole value must match, on random data.
func TestSubjectKeyAgreesWithMatcher(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []string{"app", "App", "url", "title", "TITLE", "project", "file", "status", "n"}
	vals := []any{"", "Code", "https://go.dev/", nil, 3.0, true, false, "x y"}
	fields := []string{"", "title", "Title", "status", "n", "absent"}
	for i := range 2000 {
		data := map[string]any{}
		for range rng.IntN(5) {
			k, v := keys[rng.IntN(len(keys))], vals[rng.IntN(len(vals))]
			if s, ok := v.(string); ok && s != "" {
				v = s + "-" + k // distinct texts, so matching the text pins the key
			}
			data[k] = v
		}
		field := fields[rng.IntN(len(fields))]
		key, ok := subjectKey(data, field)
		if !ok {
			m, err := profile.Rule{Field: field, Pattern: ".", Regex: true}.Compile()
			require.NoError(t, err)
			assert.False(t, m.Match("currentwindow", data), "case %d: no subject, so nothing matches: %v field %q", i, data, field)
			continue
		}
		text := profile.ValueText(data[key])
		m, err := profile.Rule{Field: field, Pattern: "^" + regexp.QuoteMeta(text) + "$", Regex: true}.Compile()
		require.NoError(t, err)
		assert.True(t, m.Match("currentwindow", data), "case %d: subject %q = %q in %v (field %q)", i, key, text, data, field)
	}
}

// BenchmarkApply filters a busy day (10 000 window and 10 000 web events) through three rules,
// as the settings preview does on every edit.
func BenchmarkApply(b *testing.B) {
	f, err := New(Settings{DropIncognito: true, Rules: []Rule{
		{Bucket: "web", Field: "url", Pattern: `(^|\.)bank\.example/`, Regex: true, Action: Drop},
		{Field: "title", Pattern: "signal", Action: Redact},
		{Bucket: "window", Field: "app", Pattern: "keepass", Action: Drop},
	}})
	require.NoError(b, err)
	win, web := windowBucket(), webBucket()
	for i := range 10000 {
		win.Events = append(win.Events, ev(i, map[string]any{"app": []string{"Code", "Signal", "Firefox", "KeePassXC"}[i%4], "title": fmt.Sprintf("title %d", i)}))
		web.Events = append(web.Events, ev(i, map[string]any{"url": []string{"https://go.dev/", "https://www.bank.example/x"}[i%2], "title": "t", "incognito": i%10 == 0}))
	}
	in := []activity.BucketEvents{win, web}
	b.ReportAllocs()
	for b.Loop() {
		f.Apply(in)
	}
}

// heavyMonth is 30 generated heavy days (the engine's BenchmarkDeriveRead workload), read from
// an export as awcal's readers hand them over, and the default privacy settings.
func heavyMonth(b testing.TB) ([]activity.BucketEvents, *Filter) {
	var export bytes.Buffer
	require.NoError(b, fakedata.WriteExport(&export, fakedata.Generate(fakedata.Options{Days: 30, Seed: 1, Intensity: fakedata.Heavy})))
	in, _, err := activitywatch.ReadExport(&export)
	require.NoError(b, err)
	f, err := New(Settings{DropIncognito: true}) // the default config's privacy
	require.NoError(b, err)
	return in, f
}

// BenchmarkApplyHeavyMonth is Apply on a heavy month, as the settings window's preview runs it
// (it keeps the fetched activity and filters it again after each edit): the checks and the
// copies of the buckets they change.
func BenchmarkApplyHeavyMonth(b *testing.B) {
	in, f := heavyMonth(b)
	b.ReportAllocs()
	b.ResetTimer()
	stop := cputime.Start(b)
	for b.Loop() {
		f.Apply(in)
	}
	stop()
}

// BenchmarkApplyOwnedHeavyMonth is the filter as syncs and previews run it: on event arrays the
// source handed over (ApplyOwned), filtered where they are. Each round first copies the month
// back into the arrays, which the figure includes: it is an upper bound.
func BenchmarkApplyOwnedHeavyMonth(b *testing.B) {
	in, f := heavyMonth(b)
	work := make([]activity.BucketEvents, len(in))
	owned := make([]bool, len(in))
	for i, be := range in {
		work[i] = activity.BucketEvents{Bucket: be.Bucket, Events: make([]activity.Event, len(be.Events))}
		owned[i] = true
	}
	b.ReportAllocs()
	b.ResetTimer()
	stop := cputime.Start(b)
	for b.Loop() {
		for i, be := range in {
			copy(work[i].Events, be.Events)
		}
		f.ApplyOwned(work, owned)
	}
	stop()
}

// BenchmarkCheckHeavyMonth is the checks alone (incognito tabs, private windows, rules) on the
// same month: Apply without building the filtered buckets.
func BenchmarkCheckHeavyMonth(b *testing.B) {
	in, f := heavyMonth(b)
	b.ReportAllocs()
	b.ResetTimer()
	stop := cputime.Start(b)
	for b.Loop() {
		if _, st := f.check(in); st.Incognito == 0 {
			b.Fatal("the month has no private activity to find")
		}
	}
	stop()
}

// ApplyOwned filters the buckets handed over in their own arrays and gives exactly what Apply
// gives; the others it copies, leaving them as they were.
func TestApplyOwnedFiltersInPlace(t *testing.T) {
	f := mustNew(t, Settings{DropIncognito: true, Rules: []Rule{
		{Bucket: "web", Field: "url", Pattern: "bank.example", Action: Drop},
		{Field: "title", Pattern: "signal", Action: Redact},
	}})
	build := func() []activity.BucketEvents {
		var win, web []activity.Event
		for i := range 40 {
			title := []string{"main.go - awcal", "Chat — Signal", "Bank — Mozilla Firefox Private Browsing", "Docs"}[i%4]
			win = append(win, ev(i, map[string]any{"app": "x", "title": title}))
			web = append(web, ev(i, map[string]any{"url": []string{"https://go.dev/", "https://bank.example/"}[i%2], "title": "t", "incognito": i%5 == 0}))
		}
		return []activity.BucketEvents{windowBucket(win...), webBucket(web...), windowBucket(ev(0, map[string]any{"app": "y", "title": "Plain"}))}
	}
	want, wantStats := f.Apply(build())
	for _, owned := range [][]bool{{true, true, true}, {true, false, true}, {false, true, false}, nil} {
		in := build()
		kept := make([]activity.BucketEvents, len(in))
		for i, b := range in {
			kept[i] = activity.BucketEvents{Bucket: b.Bucket, Events: slices.Clone(b.Events)}
		}
		got, st := f.ApplyOwned(in, owned)
		assert.Equal(t, want, got, "owned %v", owned)
		assert.Equal(t, wantStats, st)
		for i := range in {
			if i < len(owned) && owned[i] && len(got[i].Events) < len(in[i].Events) {
				assert.Same(t, &in[i].Events[0], &got[i].Events[0], "bucket %d is filtered in its own array", i)
				for _, e := range in[i].Events[len(got[i].Events):] {
					assert.Zero(t, e, "the freed tail holds nothing")
				}
			} else {
				assert.Equal(t, kept[i].Events, in[i].Events, "bucket %d is not handed over: left as it was", i)
			}
		}
	}
}
