package privacy

import (
	"math"
	"math/bits"
	"regexp"
	"slices"
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

// privateTabs are the incognito tabs of a set of buckets, sorted by start, and the titles
// already judged for a private-window marker.
type privateTabs struct {
	list []privateTab
	// spans is the union of the tabs' times (any host), sorted and disjoint: a window event
	// outside it shows no tab, which is most of them, and is then told in one step.
	spans []span
	hint  int // the span the previous window event was closest to
	// maxSpan is the longest tab's time: a tab starting longer than that before a window
	// event ended before it.
	maxSpan time.Duration
	marker  map[string]bool // window title → it has a private-window marker
	// texts are the tabs' distinct non-empty titles and urls: a window title that contains none
	// shows no tab, whatever the times (see windowTitle.mayShowTab).
	texts []string
	// windows is each window event's title and what it may show, by data object.
	windows dataCache[windowTitle]
	// private is, per bucket index, a bit per event: the web events that are incognito tabs and
	// the window events that show a private browser window (see markWindows).
	private [][]uint64
}

// windowTitle is what markWindows needs of a window event's data.
type windowTitle struct {
	title  string
	marked bool // it has a private-window marker
	// mayShowTab: the title contains a tab's title or url (or there are too many to tell), so
	// whether it shows a tab depends on the times and hosts.
	mayShowTab bool
}

// maxTabTexts bounds the tab titles and urls each distinct window title is searched for;
// beyond it, every window event's times are compared with the tabs' instead.
const maxTabTexts = 64

// span is a time range in nanoseconds since the Unix epoch (see nanos).
type span struct{ from, to int64 }

// nanos is t in nanoseconds since the Unix epoch, clamped to int64's range. Clamping keeps
// order (a ≤ b gives nanos(a) ≤ nanos(b)), so an overlap of real times is never missed; only
// times past 2262 or before 1678 can seem to overlap when they do not.
func nanos(t time.Time) int64 {
	const limit = math.MaxInt64 / int64(time.Second)
	switch s := t.Unix(); {
	case s >= limit:
		return math.MaxInt64
	case s <= -limit:
		return math.MinInt64
	default:
		return s*int64(time.Second) + int64(t.Nanosecond())
	}
}

// endNanos is an upper bound of nanos(e.End()) for an event that starts at from (nanoseconds):
// overlap only rules out tabs, and showsTab then compares exact times.
func endNanos(from int64, e *activity.Event) int64 {
	d := e.Duration * float64(time.Second)
	if !(d > 0) { // zero, negative or NaN: End is not after the start
		return from
	}
	if d >= math.MaxInt64 {
		return math.MaxInt64
	}
	if di := int64(d); from < math.MaxInt64-di-1 {
		return from + di + 1
	}
	return math.MaxInt64
}

// privateActivity finds the private activity of buckets: the incognito tabs of every web bucket,
// and the window events that show a private browser window (see markWindows).
func privateActivity(buckets []activity.BucketEvents) *privateTabs {
	tabs := incognitoTabs(buckets)
	for bi, b := range buckets {
		if activity.KindOf(b.Bucket) == activity.KindWindow {
			tabs.markWindows(bi, b.Bucket.Hostname, b.Events)
		}
	}
	return tabs
}

// incognitoTabs collects the incognito tabs of every web bucket.
func incognitoTabs(buckets []activity.BucketEvents) *privateTabs {
	tabs := &privateTabs{marker: map[string]bool{}, private: make([][]uint64, len(buckets))}
	var webs dataCache[bool]
	for bi, b := range buckets {
		if activity.KindOf(b.Bucket) != activity.KindWeb {
			continue
		}
		host := b.Bucket.Hostname
		if host == "unknown" {
			host = ""
		}
		set := make([]uint64, (len(b.Events)+63)/64)
		tabs.private[bi] = set
		for ei, e := range b.Events {
			if !webs.get(e.Data, incognito) {
				continue
			}
			set[ei/64] |= 1 << (ei % 64)
			t := privateTab{host: host, from: e.Timestamp.Add(-tabSlack), to: e.End().Add(tabSlack)}
			t.title, _ = e.Data["title"].(string)
			t.url, _ = e.Data["url"].(string)
			tabs.list = append(tabs.list, t)
			tabs.maxSpan = max(tabs.maxSpan, t.to.Sub(t.from))
		}
	}
	sort.Slice(tabs.list, func(i, j int) bool { return tabs.list[i].from.Before(tabs.list[j].from) })
	for i := 0; i < len(tabs.list) && len(tabs.texts) <= maxTabTexts; i++ {
		for _, text := range []string{tabs.list[i].title, tabs.list[i].url} {
			if text != "" && !slices.Contains(tabs.texts, text) {
				tabs.texts = append(tabs.texts, text)
			}
		}
	}
	for _, t := range tabs.list {
		if n := len(tabs.spans); n > 0 && nanos(t.from) <= tabs.spans[n-1].to {
			tabs.spans[n-1].to = max(tabs.spans[n-1].to, nanos(t.to))
			continue
		}
		tabs.spans = append(tabs.spans, span{nanos(t.from), nanos(t.to)})
	}
	return tabs
}

// isPrivate reports whether event ei of bucket bi is private: an incognito tab, or a window
// event that shows a private browser window.
func (tabs *privateTabs) isPrivate(bi, ei int) bool {
	set := tabs.private[bi]
	return set != nil && set[ei/64]&(1<<(ei%64)) != 0
}

// privateEdits lists the private events of bucket bi as edits that drop them, in order.
func (tabs *privateTabs) privateEdits(bi int) []edit {
	var out []edit
	for w, x := range tabs.private[bi] {
		for x != 0 {
			out = append(out, edit{index: w*64 + bits.TrailingZeros64(x)})
			x &= x - 1
		}
	}
	return out
}

// markWindows marks the events of window bucket bi, of host, that show a private browser
// window: the title has a private-window marker, or the event overlaps an incognito tab of the
// same host and its title contains that tab's title or url. It runs on every window event, so
// the common case (no marker, no tab at that time) is decided here without a call.
func (tabs *privateTabs) markWindows(bi int, host string, evs []activity.Event) {
	var set []uint64
	for ei := range evs {
		e := &evs[ei]
		w := tabs.window(e.Data)
		if !w.marked {
			if !w.mayShowTab {
				continue
			}
			if from := nanos(e.Timestamp); !tabs.overlap(from, endNanos(from, e)) || !tabs.showsTab(host, e, w.title) {
				continue
			}
		}
		if set == nil {
			set = make([]uint64, (len(evs)+63)/64)
		}
		set[ei/64] |= 1 << (ei % 64)
	}
	tabs.private[bi] = set
}

// showsTab reports whether window event e of host, titled title, overlaps an incognito tab of
// the same host whose title or url its title contains.
func (tabs *privateTabs) showsTab(host string, e *activity.Event, title string) bool {
	end := e.End()
	// Tabs are sorted by start; only those starting before the window event ends, and not
	// longer than the longest tab before it starts, can overlap it.
	earliest := e.Timestamp.Add(-tabs.maxSpan)
	lo := sort.Search(len(tabs.list), func(i int) bool { return !tabs.list[i].from.Before(earliest) })
	hi := sort.Search(len(tabs.list), func(i int) bool { return tabs.list[i].from.After(end) })
	for _, t := range tabs.list[lo:max(lo, hi)] {
		if t.to.Before(e.Timestamp) || t.host != "" && t.host != host {
			continue
		}
		if t.title != "" && strings.Contains(title, t.title) || t.url != "" && strings.Contains(title, t.url) {
			return true
		}
	}
	return false
}

// window returns a window event's title and whether it has a private-window marker.
func (tabs *privateTabs) window(data map[string]any) windowTitle {
	return tabs.windows.get(data, tabs.judgeWindow)
}

// judgeWindow reads a window event's title and judges it for a private-window marker, once per
// distinct title.
func (tabs *privateTabs) judgeWindow(data map[string]any) windowTitle {
	var w windowTitle
	w.title, _ = data["title"].(string)
	if w.title != "" {
		var seen bool
		if w.marked, seen = tabs.marker[w.title]; !seen {
			w.marked = hasPrivateMarker(w.title)
			tabs.marker[w.title] = w.marked
		}
		w.mayShowTab = len(tabs.texts) > maxTabTexts || slices.ContainsFunc(tabs.texts, func(t string) bool {
			return strings.Contains(w.title, t)
		})
	}
	return w
}

// overlap reports whether [from, to] meets a tab's time. Window events come in time order
// (newest first), so most fall before the same span as the previous one, which is tried first;
// stepping to a neighbouring span comes next, and a search in any other order.
func (tabs *privateTabs) overlap(from, to int64) bool {
	ss, i := tabs.spans, tabs.hint // i in [0, len(ss)]
	if i < len(ss) && ss[i].to >= from && (i == 0 || ss[i-1].to < from) {
		return ss[i].from <= to
	}
	return tabs.overlapMoved(from, to)
}

// overlapMoved is overlap when from is not before the hinted span: it finds the first span that
// does not end before from, stepping over a few spans or else searching, and moves the hint.
func (tabs *privateTabs) overlapMoved(from, to int64) bool {
	ss, i := tabs.spans, tabs.hint
	for steps := 0; ; steps++ {
		switch {
		case i < len(ss) && ss[i].to < from:
			i++
		case i > 0 && ss[i-1].to >= from:
			i--
		default:
			tabs.hint = i
			return i < len(ss) && ss[i].from <= to
		}
		if steps == maxOverlapSteps {
			i = sort.Search(len(ss), func(i int) bool { return ss[i].to >= from })
		}
	}
}

// maxOverlapSteps is how many spans overlapMoved steps over before it searches instead.
const maxOverlapSteps = 4

// markerWords are literals every alternative of privateWindowTitle contains, ignoring ASCII
// case. None of their letters has a non-ASCII case variant (unlike k and s), so a title with
// neither word cannot match the (?i) pattern, and the regular expression is skipped.
var markerWords = []string{"private", "incognito"}

// hasPrivateMarker reports whether a window title has a private-window marker.
func hasPrivateMarker(title string) bool {
	for _, w := range markerWords {
		if containsFoldASCII(title, w) {
			return privateWindowTitle.MatchString(title)
		}
	}
	return false
}

// containsFoldASCII reports whether s contains word (lower-case ASCII letters) ignoring ASCII
// case.
func containsFoldASCII(s, word string) bool {
	first := word[0]
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 != first {
			continue
		}
		j := 1
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}
