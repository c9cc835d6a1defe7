package privacy

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
)

// A private window shows its tab's title in the window title, so dropping the incognito tab
// alone would still let the window watcher carry the tab's title into a calendar.
func TestDropIncognitoWindows(t *testing.T) {
	const tab = "SECRET-TAB clinic appointment"
	otherHost := func(b activity.BucketEvents) activity.BucketEvents {
		b.Bucket.ID, b.Bucket.Hostname = "aw-watcher-window_laptop", "laptop"
		return b
	}
	web := webBucket(ev(10, map[string]any{"url": "https://clinic.example/", "title": tab, "incognito": true}))
	tests := []struct {
		name    string
		buckets []activity.BucketEvents
		drop    bool
		want    []string // window titles that remain
	}{
		{"firefox private window marker, no web watcher", []activity.BucketEvents{windowBucket(
			ev(0, map[string]any{"app": "Firefox", "title": "Anything — Mozilla Firefox Private Browsing"}),
			ev(1, map[string]any{"app": "Firefox", "title": "Go — Mozilla Firefox"}),
		)}, true, []string{"Go — Mozilla Firefox"}},
		{"chrome incognito marker", []activity.BucketEvents{windowBucket(
			ev(0, map[string]any{"app": "Google-chrome", "title": "Anything - Google Chrome (Incognito)"}),
		)}, true, nil},
		{"window showing the incognito tab's title while it is open", []activity.BucketEvents{web, windowBucket(
			ev(10, map[string]any{"app": "Firefox", "title": tab + " — Mozilla Firefox"}),
			ev(11, map[string]any{"app": "Code", "title": "main.go - awcal"}),
		)}, true, []string{"main.go - awcal"}},
		{"same title outside the tab's time stays", []activity.BucketEvents{web, windowBucket(
			ev(30, map[string]any{"app": "Firefox", "title": tab + " — Mozilla Firefox"}),
		)}, true, []string{tab + " — Mozilla Firefox"}},
		{"another host's window stays", []activity.BucketEvents{web, otherHost(windowBucket(
			ev(10, map[string]any{"app": "Firefox", "title": tab + " — Mozilla Firefox"}),
		))}, true, []string{tab + " — Mozilla Firefox"}},
		{"kept when incognito tabs are allowed", []activity.BucketEvents{web, windowBucket(
			ev(10, map[string]any{"app": "Firefox", "title": tab + " — Mozilla Firefox Private Browsing"}),
		)}, false, []string{tab + " — Mozilla Firefox Private Browsing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, st := mustNew(t, Settings{DropIncognito: tt.drop}).Apply(tt.buckets)
			var got []string
			for _, b := range out {
				if activity.KindOf(b.Bucket) == activity.KindWindow {
					for _, e := range b.Events {
						got = append(got, e.Data["title"].(string))
					}
				}
			}
			assert.Equal(t, tt.want, got)
			if tt.drop {
				assert.Positive(t, st.Incognito, "dropped private windows count as incognito")
			}
		})
	}
}

// Window events are told apart by their data object: the reader interns equal data, so many
// events share one map, and maps with other titles must not share its verdict.
func TestPrivateWindowsBySharedAndDistinctData(t *testing.T) {
	marked := map[string]any{"app": "Firefox", "title": "Bank — Mozilla Firefox Private Browsing"}
	plain := map[string]any{"app": "Firefox", "title": "Go — Mozilla Firefox"}
	var events []activity.Event
	for i := range 3000 { // more distinct maps than the cache has slots
		data := plain
		switch {
		case i%3 == 0:
			data = marked
		case i%3 == 1:
			data = map[string]any{"app": "Code", "title": fmt.Sprintf("file%d.go", i)}
		}
		events = append(events, ev(i, data))
	}
	out, st := mustNew(t, Settings{DropIncognito: true}).Apply([]activity.BucketEvents{windowBucket(events...)})
	assert.Equal(t, 1000, st.Incognito)
	require.Len(t, out[0].Events, 2000)
	for _, e := range out[0].Events {
		assert.NotContains(t, e.Data["title"], "Private Browsing")
	}
}

// Times are compared in nanoseconds, clamped outside int64's range (before 1678, after 2262):
// the clamping keeps order, so a private window far in the future is still dropped.
func TestNanosKeepOrderAndBoundEnds(t *testing.T) {
	times := []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1677, 9, 21, 0, 12, 43, 145224191, time.UTC),
		time.Date(1677, 9, 21, 0, 12, 43, 145224193, time.UTC),
		time.Unix(0, 0),
		t0,
		time.Date(2262, 4, 11, 23, 47, 16, 854775806, time.UTC),
		time.Date(2262, 4, 11, 23, 47, 16, 854775808, time.UTC),
		time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for i := 1; i < len(times); i++ {
		assert.LessOrEqual(t, nanos(times[i-1]), nanos(times[i]), "%v then %v", times[i-1], times[i])
	}
	assert.Equal(t, t0.UnixNano(), nanos(t0))
	for _, d := range []float64{0, -5, math.NaN(), math.Inf(1), 1e-10, 7.363, 0.0000015, 86400, 1e12, 1e300} {
		for _, at := range times {
			e := activity.Event{Timestamp: at, Duration: d}
			from := nanos(at)
			end := endNanos(from, &e)
			assert.GreaterOrEqual(t, end, from, "duration %v at %v", d, at)
			if !math.IsNaN(d) && d >= 0 && d < 1e9 {
				assert.GreaterOrEqual(t, end, nanos(e.End()), "duration %v at %v", d, at)
			}
		}
	}

	far := time.Date(2300, 5, 1, 10, 0, 0, 0, time.UTC)
	const tab = "SECRET-TAB far away"
	web := webBucket(activity.Event{Timestamp: far, Duration: 60, Data: map[string]any{"url": "https://x.example/", "title": tab, "incognito": true}})
	win := windowBucket(activity.Event{Timestamp: far.Add(10 * time.Second), Duration: 30, Data: map[string]any{"app": "Firefox", "title": tab + " — Mozilla Firefox"}})
	out, _ := mustNew(t, Settings{DropIncognito: true}).Apply([]activity.BucketEvents{web, win})
	assert.Empty(t, out[1].Events, "the window showing the incognito tab is dropped")
}
