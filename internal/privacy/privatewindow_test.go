package privacy

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
)

// The window events the filter drops as private are exactly those the definition names: a
// private-window marker in the title, or an overlap (within tabSlack) with an incognito tab of
// the same host, or of any host when the tab's is unknown, whose title or url the window title
// contains. Events come newest first, as aw-server sends them, or shuffled; with and without
// rules (the filter takes a shorter path without).
func TestPrivateWindowsAgreeWithTheDefinition(t *testing.T) {
	titles := []string{"Bank", "Mail", "https://bank.example/", "notes.txt", ""}
	windowTitles := []string{"Bank — Mozilla Firefox", "Mail - Google Chrome", "notes.txt - Editor",
		"https://bank.example/ - Chromium", "Docs — Mozilla Firefox Private Browsing", "Term", ""}
	for round := range 300 {
		rng := rand.New(rand.NewPCG(uint64(round), 3))
		var web, win []activity.Event
		webHost := []string{"host", "other", "unknown"}[rng.IntN(3)]
		for range rng.IntN(12) {
			at := t0.Add(time.Duration(rng.IntN(600)) * time.Second)
			web = append(web, activity.Event{Timestamp: at, Duration: float64(rng.IntN(120)), Data: map[string]any{
				"title": titles[rng.IntN(len(titles))], "url": []string{"https://bank.example/", "https://go.dev/"}[rng.IntN(2)],
				"incognito": rng.IntN(2) == 0}})
		}
		for range 1 + rng.IntN(40) {
			at := t0.Add(time.Duration(rng.IntN(700)-50) * time.Second)
			win = append(win, activity.Event{Timestamp: at, Duration: float64(rng.IntN(90)),
				Data: map[string]any{"app": "x", "title": windowTitles[rng.IntN(len(windowTitles))]}})
		}
		if round%5 == 0 { // more tab titles than each window title is searched for
			for k := range maxTabTexts + 2 {
				at := t0.Add(time.Duration(rng.IntN(600)) * time.Second)
				web = append(web, activity.Event{Timestamp: at, Duration: 30, Data: map[string]any{
					"title": fmt.Sprintf("tab %d", k), "incognito": true}})
			}
			for range 5 {
				at := t0.Add(time.Duration(rng.IntN(600)) * time.Second)
				win = append(win, activity.Event{Timestamp: at, Duration: 30, Data: map[string]any{
					"title": fmt.Sprintf("tab %d - Chromium", rng.IntN(maxTabTexts+2))}})
			}
		}
		if rng.IntN(3) > 0 { // newest first, as aw-server answers
			sortNewestFirst(win)
			sortNewestFirst(web)
		}
		want := map[int]bool{}
		for i, w := range win {
			title, _ := w.Data["title"].(string)
			want[i] = title != "" && hasPrivateMarker(title)
			for _, tab := range web {
				if incognito, _ := tab.Data["incognito"].(bool); !incognito || webHost != "host" && webHost != "unknown" {
					continue
				}
				from, to := tab.Timestamp.Add(-tabSlack), tab.End().Add(tabSlack)
				tt, _ := tab.Data["title"].(string)
				tu, _ := tab.Data["url"].(string)
				if title != "" && !w.End().Before(from) && !w.Timestamp.After(to) &&
					(tt != "" && strings.Contains(title, tt) || tu != "" && strings.Contains(title, tu)) {
					want[i] = true
				}
			}
		}
		webB := webBucket(web...)
		webB.Bucket.Hostname = webHost
		for _, rules := range [][]Rule{nil, {{Field: "title", Pattern: "Term", Action: Redact}}} {
			f := mustNew(t, Settings{DropIncognito: true, Rules: rules})
			edits, _ := f.check([]activity.BucketEvents{windowBucket(win...), webB})
			got := map[int]bool{}
			for i := range win {
				got[i] = false
			}
			for _, e := range edits[0] {
				if e.changed == nil {
					got[e.index] = true
				}
			}
			require.Equal(t, want, got, "round %d, %d rules", round, len(rules))
		}
	}
}

// sortNewestFirst orders events by start, newest first.
func sortNewestFirst(evs []activity.Event) {
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].Timestamp.After(evs[j-1].Timestamp); j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}
