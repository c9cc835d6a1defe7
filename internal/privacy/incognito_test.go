package privacy

import (
	"testing"

	"github.com/stretchr/testify/assert"

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
