package engine

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

// base is minute 0 of every hand-written case.
var base = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// at returns minute m of a case.
func at(m float64) time.Time {
	return base.Add(time.Duration(m * float64(time.Minute)))
}

// Buckets the hand-written cases use, by short name.
var testBuckets = map[string]activity.Bucket{
	"window":  {ID: "aw-watcher-window_host", Type: activity.TypeWindow, Hostname: "host"},
	"window2": {ID: "aw-watcher-window_host2", Type: activity.TypeWindow, Hostname: "host2"},
	"afk":     {ID: "aw-watcher-afk_host", Type: activity.TypeAFK, Hostname: "host"},
	"afk2":    {ID: "aw-watcher-afk_host2", Type: activity.TypeAFK, Hostname: "host2"},
	"chrome":  {ID: "aw-watcher-web-chrome_host", Type: activity.TypeWeb, Hostname: "host"},
	"chrome2": {ID: "aw-watcher-web-chrome_host2", Type: activity.TypeWeb, Hostname: "host2"},
	"firefox": {ID: "aw-watcher-web-firefox_host", Type: activity.TypeWeb, Hostname: "host"},
	"vivaldi": {ID: "aw-watcher-web-vivaldi_host", Type: activity.TypeWeb, Hostname: "host"},
	"webany":  {ID: "aw-watcher-web-chrome", Type: activity.TypeWeb, Hostname: "unknown"},
	"editor":  {ID: "aw-watcher-vscode_host", Type: activity.TypeEditor, Hostname: "host"},
	"other":   {ID: "aw-stopwatch", Type: "general.stopwatch", Hostname: "host"},
}

// ev is one event of a hand-written case: bucket short name, minutes, data.
type ev struct {
	bucket   string
	from, to float64
	data     map[string]any
}

func win(from, to float64, app string, kv ...any) ev {
	return ev{"window", from, to, kvs(append([]any{"app", app}, kv...))}
}
func afk(from, to float64) ev { return ev{"afk", from, to, map[string]any{"status": "afk"}} }
func notAFK(from, to float64) ev {
	return ev{"afk", from, to, map[string]any{"status": "not-afk"}}
}
func web(bucket string, from, to float64, url string, kv ...any) ev {
	return ev{bucket, from, to, kvs(append([]any{"url", url}, kv...))}
}

func kvs(kv []any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// input builds an Input over [from, to) minutes. Events are listed to the engine newest first,
// as aw-server answers.
func input(from, to float64, evs ...ev) Input {
	byBucket := map[string]*activity.BucketEvents{}
	var names []string
	for _, e := range evs {
		be, ok := byBucket[e.bucket]
		if !ok {
			b, known := testBuckets[e.bucket]
			if !known {
				panic("unknown test bucket " + e.bucket)
			}
			be = &activity.BucketEvents{Bucket: b}
			byBucket[e.bucket] = be
			names = append(names, e.bucket)
		}
		be.Events = append(be.Events, activity.Event{
			Timestamp: at(e.from), Duration: (e.to - e.from) * 60, Data: e.data,
		})
	}
	in := Input{From: at(from), To: at(to)}
	for _, n := range names {
		be := byBucket[n]
		slices.Reverse(be.Events)
		in.Buckets = append(in.Buckets, *be)
	}
	return in
}

func rule(bucket, field, pattern string) profile.Rule {
	return profile.Rule{Bucket: bucket, Field: field, Pattern: pattern}
}

// profileP is the profile "P" of the FCR acceptance cases.
func profileP() profile.Profile {
	return profile.Profile{
		ID: "P", Name: "P", Threshold: 5, SoftBreak: 3, Enabled: true, TitleTemplate: "{app}",
		Primary:    []profile.Rule{rule("window", "app", "code")},
		Supporting: []profile.Rule{rule("afk", "status", "afk")},
		HardBreak:  []profile.Rule{rule("window", "app", "lock")},
	}
}

func simple(id string, threshold, softBreak float64, primary ...profile.Rule) profile.Profile {
	return profile.Profile{ID: id, Name: id, Threshold: threshold, SoftBreak: softBreak, Enabled: true,
		TitleTemplate: "{app}", Primary: primary}
}

func newEngine(t testing.TB, ps []profile.Profile, opts Options) *Engine {
	t.Helper()
	e, err := New(ps, opts)
	require.NoError(t, err)
	return e
}

// blk is an expected block in minutes.
type blk struct {
	profile  string
	from, to float64
}

func (b blk) String() string { return fmt.Sprintf("%s %g–%g", b.profile, b.from, b.to) }

func minutes(t time.Time) float64 { return t.Sub(base).Minutes() }

// got renders blocks as blk for comparison.
func got(bs []Block) []blk {
	out := make([]blk, len(bs))
	for i, b := range bs {
		out[i] = blk{b.ProfileID, minutes(b.Start), minutes(b.End)}
	}
	return out
}
