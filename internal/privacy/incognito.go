package privacy

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/awcal/awcal/internal/activity"
)

// A private browser window carries its tab's title in the window title, so the window watcher
// records what the web watcher's incognito flag hides: "<tab> — Mozilla Firefox Private
// Browsing", "<tab> - Google Chrome (Incognito)", "<tab> - Chromium (Incognito)",
// "InPrivate - Microsoft Edge". Such window events are dropped with the incognito tabs, whether
// or not a web watcher runs.
var privateWindowTitle = regexp.MustCompile(`(?i)private browsing|\(incognito\)|\bincognito\s*$|\binprivate\b`)

// tabSlack widens an incognito tab's time when looking for windows that show it: the window
// and web watchers poll at different moments, so the window that shows a tab may begin or end
// a few seconds apart from the tab event.
const tabSlack = 5 * time.Second

// privateTab is one incognito tab's time and title on a host ("" = any host: aw-watcher-web
// writes an empty or "unknown" hostname when it cannot tell).
type privateTab struct {
	host       string
	from, to   time.Time
	title, url string
}

// privateTabs are the incognito tabs of a set of buckets, sorted by start.
type privateTabs []privateTab

// incognitoTabs collects the incognito tabs of every web bucket.
func incognitoTabs(buckets []activity.BucketEvents) privateTabs {
	var tabs privateTabs
	for _, b := range buckets {
		if activity.KindOf(b.Bucket) != activity.KindWeb {
			continue
		}
		host := b.Bucket.Hostname
		if host == "unknown" {
			host = ""
		}
		for _, e := range b.Events {
			if !incognito(e.Data) {
				continue
			}
			t := privateTab{host: host, from: e.Timestamp.Add(-tabSlack), to: e.End().Add(tabSlack)}
			t.title, _ = e.Data["title"].(string)
			t.url, _ = e.Data["url"].(string)
			tabs = append(tabs, t)
		}
	}
	sort.Slice(tabs, func(i, j int) bool { return tabs[i].from.Before(tabs[j].from) })
	return tabs
}

// showsIn reports whether a window event of host shows a private browser window: its title has
// a private-window marker, or it overlaps an incognito tab of the same host and its title
// contains that tab's title or url.
func (tabs privateTabs) showsIn(host string, e activity.Event) bool {
	title, _ := e.Data["title"].(string)
	if title == "" {
		return false
	}
	if privateWindowTitle.MatchString(title) {
		return true
	}
	end := e.End()
	// Tabs are sorted by start; only those starting before the window event ends can overlap.
	n := sort.Search(len(tabs), func(i int) bool { return tabs[i].from.After(end) })
	for _, t := range tabs[:n] {
		if t.to.Before(e.Timestamp) || t.host != "" && t.host != host {
			continue
		}
		if t.title != "" && strings.Contains(title, t.title) || t.url != "" && strings.Contains(title, t.url) {
			return true
		}
	}
	return false
}
