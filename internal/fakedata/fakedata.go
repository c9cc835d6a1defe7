// Package fakedata generates realistic ActivityWatch activity, deterministically, for the demo
// mode, tests and benchmarks. It emulates the watchers a Linux developer runs —
// aw-watcher-window, aw-watcher-afk, aw-watcher-web in Firefox and Chrome, aw-watcher-vscode —
// with their real recording semantics (poll gaps, heartbeat merging, the 180 s AFK timeout
// back-dated to the last input, web watchers reporting while the browser is not focused) over
// workdays with meetings, lunch and breaks, and light weekends. docs/FAKEDATA.md describes the
// model and its numbers.
//
// Output depends only on Options: the same Options give byte-identical output on every
// platform (the generator uses integer arithmetic only). The content of a day depends only on
// the seed, its date, the intensity, the host name and the location, so a day is the same
// whatever range it is generated in; only event ids and the AFK events that cross the ends of
// the range differ.
package fakedata

import (
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/activity"
)

// Intensity is how busy the generated workdays are.
type Intensity string

// Intensities. Heavy gives about 1,500–2,500 window events per workday, Normal 500–900.
const (
	Heavy  Intensity = "heavy"
	Normal Intensity = "normal"
)

// ParseIntensity checks a user-given intensity name ("heavy" or "normal").
func ParseIntensity(s string) (Intensity, error) {
	switch in := Intensity(s); in {
	case Heavy, Normal:
		return in, nil
	}
	return "", fmt.Errorf("unknown intensity %q: use %q or %q", s, Heavy, Normal)
}

// DefaultHostname is the host name used when Options.Hostname is empty.
const DefaultHostname = "workstation"

// DefaultStartDate (a Monday) is the first day used when Options.Start is zero, so that a
// run without a start date is still reproducible.
const DefaultStartDate = "2026-01-05"

// Options says what to generate.
type Options struct {
	// Start is the first day; only its date in Location is used. Zero means DefaultStartDate.
	Start time.Time
	// Days is the number of days generated; less than 1 gives buckets without events.
	Days int
	Seed int64
	// Intensity of the workdays; empty or unknown means Normal.
	Intensity Intensity
	// Hostname names the buckets (aw-watcher-window_<host>) and appears in terminal titles.
	// Empty means DefaultHostname.
	Hostname string
	// Location is the time zone the person lives in (workdays start around 09:00 there).
	// Nil means UTC.
	Location *time.Location
}

func (o Options) normalized() Options {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Hostname == "" {
		o.Hostname = DefaultHostname
	}
	if o.Intensity != Heavy {
		o.Intensity = Normal
	}
	if o.Start.IsZero() {
		d, _ := time.Parse(time.DateOnly, DefaultStartDate)
		o.Start = time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, o.Location)
	}
	return o
}

// Day returns the bounds [from, to) of generated day number day (0 is the first), midnight to
// midnight in opts.Location. A day is 23 or 25 hours long when the clocks change.
func Day(opts Options, day int) (from, to time.Time) {
	o := opts.normalized()
	y, m, d := o.Start.In(o.Location).Date()
	return time.Date(y, m, d+day, 0, 0, 0, 0, o.Location), time.Date(y, m, d+day+1, 0, 0, 0, 0, o.Location)
}

// Bucket ids, types and clients as the real watchers create them.
const (
	bucketWindow = iota
	bucketAFK
	bucketFirefox
	bucketChrome
	bucketEditor
	numBuckets
)

var bucketDefs = [numBuckets]struct{ prefix, typ, client string }{
	bucketWindow:  {"aw-watcher-window_", activity.TypeWindow, "aw-watcher-window"},
	bucketAFK:     {"aw-watcher-afk_", activity.TypeAFK, "aw-watcher-afk"},
	bucketFirefox: {"aw-watcher-web-firefox_", activity.TypeWeb, "aw-client-web"},
	bucketChrome:  {"aw-watcher-web-chrome_", activity.TypeWeb, "aw-client-web"},
	bucketEditor:  {"aw-watcher-vscode_", activity.TypeEditor, "aw-watcher-vscode"},
}

// Generate returns the buckets aw-server would hold after opts.Days days of activity: window,
// afk, Firefox and Chrome web, and VS Code editor buckets, in that order, each with its events
// newest first as aw-server serves them. Event data holds the JSON types encoding/json decodes
// (string, bool, float64), so a round trip through WriteExport gives equal data.
func Generate(opts Options) []activity.BucketEvents {
	o := opts.normalized()
	rangeFrom, _ := Day(o, 0)
	_, rangeTo := Day(o, max(o.Days, 1)-1)
	g := &generator{opts: o, from: rangeFrom.UnixMilli(), to: rangeTo.UnixMilli()}
	for i := 0; i < o.Days; i++ {
		from, to := Day(o, i)
		g.day(from, to)
	}
	g.afk()
	return g.buckets()
}

// rawEvent is an event under construction: Unix milliseconds (aw-server's heartbeats carry
// millisecond timestamps) and a key that equals for equal data, for heartbeat merging.
type rawEvent struct {
	start, end int64
	key        string
	data       map[string]any
}

type span struct{ start, end int64 }

type generator struct {
	opts     Options
	from, to int64 // the generated range, Unix ms
	events   [numBuckets][]rawEvent
	inputs   []span // when the person touched keyboard or mouse, for the afk watcher
}

// afk writes what aw-watcher-afk records: alternating not-afk and afk events covering the whole
// range. A stretch without input becomes afk once it reaches the 180 s timeout, and the watcher
// back-dates it to the last input: the afk event starts 1 ms after it and the next not-afk event
// 1 ms after the input that ends it (ActivityWatch's td1ms).
func (g *generator) afk() {
	if g.opts.Days < 1 {
		return
	}
	const ms = 1
	t := g.from
	for _, in := range g.inputs {
		if in.start > t {
			g.add(bucketAFK, t, in.start, "afk", map[string]any{"status": "afk"})
			t = in.start + ms
		}
		g.add(bucketAFK, t, in.end, "not-afk", map[string]any{"status": "not-afk"})
		t = in.end + ms
	}
	if t < g.to {
		g.add(bucketAFK, t, g.to, "afk", map[string]any{"status": "afk"})
	}
}

func (g *generator) add(b int, start, end int64, key string, data map[string]any) {
	g.events[b] = append(g.events[b], rawEvent{start: start, end: end, key: key, data: data})
}

// buckets numbers the events in the order they were created (aw-server's ids grow across
// buckets) and returns them newest first.
func (g *generator) buckets() []activity.BucketEvents {
	out := make([]activity.BucketEvents, numBuckets)
	created := time.UnixMilli(g.from).UTC()
	for b := range numBuckets {
		def := bucketDefs[b]
		out[b] = activity.BucketEvents{
			Bucket: activity.Bucket{
				ID:       def.prefix + g.opts.Hostname,
				Type:     def.typ,
				Client:   def.client,
				Hostname: g.opts.Hostname,
				Created:  created,
			},
			Events: make([]activity.Event, len(g.events[b])),
		}
	}
	var next [numBuckets]int
	for id := int64(1); ; id++ {
		b := -1
		for c := range numBuckets {
			if next[c] < len(g.events[c]) && (b < 0 || g.events[c][next[c]].start < g.events[b][next[b]].start) {
				b = c
			}
		}
		if b < 0 {
			break
		}
		e := g.events[b][next[b]]
		n := len(g.events[b])
		out[b].Events[n-1-next[b]] = activity.Event{
			ID:        id,
			Timestamp: time.UnixMilli(e.start).UTC(),
			Duration:  float64(e.end-e.start) / 1000,
			Data:      e.data,
		}
		next[b]++
	}
	return out
}
