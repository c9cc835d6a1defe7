package engine

import (
	"cmp"
	"hash/maphash"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

// Event flags, computed once per normalised event so that slicing tests bits only.
const (
	fBrowser uint8 = 1 << iota // window state whose app is a browser (D1)
	fEscape                    // …of a browser with no selected web bucket on its host (D9)
	fAlways                    // window state exempt from masking: always-active pattern
	fAudible                   // web state exempt from masking: audible is JSON true
	fAway                      // afk state with status "afk"
)

// wildcardHost is the host of a web bucket whose hostname is empty or "unknown": it belongs to
// any host (§2).
const wildcardHost = -1

// bucketInfo is one input bucket as slicing sees it.
type bucketInfo struct {
	id      string
	typ     string
	kind    activity.Kind
	host    int32 // interned hostname; wildcardHost for web buckets of unknown host
	browser int32 // web buckets: index in the browser table, -1 when unknown
	tk      int32 // interned (type, kind)
}

// nevent is a normalised event (§1.3). Its index in derivation.events is its position in the
// event order, so a slice's states sorted by index are in state order.
// It is kept to 32 bytes: the sweep and the filters walk events by index.
type nevent struct {
	start, end int64
	match      int32 // interned (type, kind, data)
	host       int32
	bucket     int32 // its bucket's browser is in derivation.buckets
	kind8      uint8 // the bucket's activity.Kind (kind)
	flags      uint8
}

// kind is the event's bucket kind.
func (ev *nevent) kind() activity.Kind { return activity.Kind(ev.kind8) }

// dataRec is one distinct data map (null values removed) with its private keys.
type dataRec struct {
	data    map[string]any
	private []string
	next    int32 // the next record with the same hash, or -1
	// The keys that are not lower-case ASCII (profile.OddKey), few or none, are
	// derivation.oddKeys[oddAt:oddAt+oddN].
	oddAt, oddN int32
}

// oddKeys returns the odd keys of a data record.
func (d *derivation) oddKeys(rec *dataRec) []string {
	return d.oddKeyBuf[rec.oddAt : rec.oddAt+rec.oddN]
}

// typeKind identifies what a rule's bucket word and the slicing flags depend on.
type typeKind struct {
	typ  string
	kind activity.Kind
}

// matchRec is what depends only on a state's bucket type, kind and data: which rules it
// matches (a bitset in derivation.bits) and its slicing flags. Real activity repeats the same
// data over and over, so each distinct state is matched once.
type matchRec struct {
	data     int32
	tk       int32
	flags    uint8
	browsers []int32 // window states: the browsers whose table entry lists the app
}

// load normalises every bucket's events into d.events in event order, interning data.
func (d *derivation) load(buckets []activity.BucketEvents) {
	order := make([]int, len(buckets))
	for i := range order {
		order[i] = i
	}
	kinds := make([]activity.Kind, len(buckets))
	for i, b := range buckets {
		kinds[i] = activity.KindOf(b.Bucket)
	}
	// Bucket order (§1.2): kind, then id; input order for equal ids keeps it deterministic.
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(kinds[a], kinds[b]); c != 0 {
			return c
		}
		return strings.Compare(buckets[a].Bucket.ID, buckets[b].Bucket.ID)
	})

	total := 0
	for _, b := range buckets {
		total += len(b.Events)
	}
	d.events = make([]nevent, 0, total)
	d.buckets = make([]bucketInfo, len(buckets))
	for bi, oi := range order {
		b := buckets[oi].Bucket
		info := bucketInfo{id: b.ID, typ: b.Type, kind: kinds[oi], host: d.host(b.Hostname), browser: -1}
		if info.kind == activity.KindWeb {
			if isUnknownHost(b.Hostname) {
				info.host = wildcardHost
			}
			if i, ok := d.e.browsers.index[activity.BrowserOf(b.ID)]; ok {
				info.browser = i
				d.addWebBucket(i, info.host)
			}
		}
		info.tk = d.typeKind(typeKind{b.Type, info.kind})
		d.buckets[bi] = info
	}
	for bi, oi := range order {
		d.loadBucket(int32(bi), buckets[oi].Events)
	}
}

func isUnknownHost(h string) bool {
	return h == "" || strings.EqualFold(h, "unknown")
}

// loadBucket appends one bucket's events, sorted by start with ties in reverse server order.
func (d *derivation) loadBucket(bi int32, evs []activity.Event) {
	info := &d.buckets[bi]
	first := len(d.events)
	d.runs = append(d.runs, int32(first))
	// Walking the server's list backwards makes "reverse server order" the stable order, and
	// aw-server's newest-first answers then arrive already sorted: they are not sorted again.
	sorted := true
	for j := len(evs) - 1; j >= 0; j-- {
		ev := &evs[j]
		dur := ev.Duration
		if ev.Timestamp.IsZero() || math.IsNaN(dur) || dur < 0 || dur > maxDurationSeconds {
			d.malformed(info.id)
			continue
		}
		start := ev.Timestamp.UnixMicro()
		end := start + int64(math.Round(dur*1e6))
		start, end = max(start, d.from), min(end, d.to)
		if end <= start {
			continue
		}
		if info.kind == activity.KindAFK {
			if s, ok := ev.Data["status"].(string); ok && s == "not-afk" {
				continue
			}
		}
		m := d.matchData(info.tk, ev.Data, ev.Private)
		ne := nevent{start: start, end: end, match: m, host: info.host, bucket: bi, kind8: uint8(info.kind),
			flags: d.matches[m].flags}
		if ne.flags&fBrowser != 0 && !d.hasWebBucket(d.matches[m].browsers, info.host) {
			ne.flags |= fEscape
		}
		if n := len(d.events); n > first && d.events[n-1].start > start {
			sorted = false
		}
		d.events = append(d.events, ne)
	}
	if !sorted {
		slices.SortStableFunc(d.events[first:], func(a, b nevent) int { return cmp.Compare(a.start, b.start) })
	}
}

// maxDurationSeconds bounds durations so that µs arithmetic cannot overflow; a longer duration
// (over 31,000 years) can only be corrupt.
const maxDurationSeconds = 1e12

func (d *derivation) malformed(bucket string) {
	if d.diag.Malformed == nil {
		d.diag.Malformed = map[string]int{}
	}
	d.diag.Malformed[bucket]++
}

func (d *derivation) host(name string) int32 {
	if i, ok := d.hosts[name]; ok {
		return i
	}
	i := int32(len(d.hosts))
	d.hosts[name] = i
	return i
}

// addWebBucket records that a selected web bucket of this browser exists on host (D9's escape
// clause looks at selected buckets, with or without events).
func (d *derivation) addWebBucket(browser, host int32) {
	for len(d.webHosts) <= int(browser) {
		d.webHosts = append(d.webHosts, nil)
	}
	d.webHosts[browser] = append(d.webHosts[browser], host)
}

// hasWebBucket reports whether any of these browsers has a selected web bucket on host; a web
// bucket of unknown host counts for every host.
func (d *derivation) hasWebBucket(browsers []int32, host int32) bool {
	for _, b := range browsers {
		if int(b) >= len(d.webHosts) {
			continue
		}
		for _, h := range d.webHosts[b] {
			if h == host || h == wildcardHost {
				return true
			}
		}
	}
	return false
}

func (d *derivation) typeKind(tk typeKind) int32 {
	if i, ok := d.tkIDs[tk]; ok {
		return i
	}
	i := int32(len(d.tks))
	d.tkIDs[tk] = i
	// Which rules' bucket words select this type: tested once per type, not per state.
	pass := make([]uint64, d.e.words)
	for r, m := range d.e.rules {
		if m.MatchesBucket(tk.typ) {
			pass[r/64] |= 1 << (r % 64)
		}
	}
	d.tks = append(d.tks, tkRec{typeKind: tk, pass: pass})
	return i
}

type tkRec struct {
	typeKind
	pass []uint64 // rules whose bucket word selects this type
}

var emptyData = map[string]any{}

// matchData is d.match(tk, d.intern(data, private)), remembered for the data map itself: the
// activity readers intern data objects (equal data is one map), so a month of heavy activity
// has 55,000 events but under 2,000 distinct maps, and most events are answered by one look
// at a small table instead of hashing every pair of their data. A map's identity is only
// compared during one derivation, while the input holds every map, so it is never reused.
func (d *derivation) matchData(tk int32, data map[string]any, private []string) int32 {
	if data == nil || len(private) > 0 {
		return d.match(tk, d.intern(data, private))
	}
	id := reflect.ValueOf(data).Pointer()
	slot := &d.byMap[(uint64(id)*0x9e3779b97f4a7c15)>>(64-byMapBits)]
	if slot.id != id || slot.tk != tk {
		*slot = mapMatch{id: id, tk: tk, match: d.match(tk, d.intern(data, nil))}
	}
	return slot.match
}

// byMapBits sizes derivation.byMap: 4,096 slots. A map whose slot another map took is
// interned again, which costs time, never correctness.
const byMapBits = 12

// mapMatch is a slot of derivation.byMap: the match of a data map (id is its address; 0 in an
// empty slot) in buckets of type-kind tk. Go's collector does not move objects, and every map
// is held by the input during the derivation, so an address names one map.
type mapMatch struct {
	id        uintptr
	tk, match int32
}

// intern returns the id of the data map (null values removed) with these private keys. Equal
// maps get equal ids whatever their key order, which is what title grouping compares. Maps are
// found by an order-independent hash of their pairs, then compared, so nothing is sorted or
// serialised per event.
func (d *derivation) intern(data map[string]any, private []string) int32 {
	var h uint64
	n, hasNull := 0, false
	oddAt := len(d.oddKeyBuf) // a new record's odd keys, noted on the way
	for k, v := range data {
		if v == nil {
			hasNull = true
			continue
		}
		n++
		h += mix(maphash.String(d.seed, k) ^ mix(d.hashValue(v)))
		if profile.OddKey(k) {
			d.oddKeyBuf = append(d.oddKeyBuf, k)
		}
	}
	for _, p := range private {
		h += mix(maphash.String(d.seed, p) + 0x632be59bd9b4e019)
	}
	head, found := d.byHash[h]
	if found {
		for id := head; id >= 0; id = d.datas[id].next {
			if rec := &d.datas[id]; len(rec.data) == n && sameData(rec.data, data) && samePrivate(rec.private, private) {
				d.oddKeyBuf = d.oddKeyBuf[:oddAt]
				return id
			}
		}
	} else {
		head = -1
	}
	m := data
	switch {
	case m == nil:
		m = emptyData
	case hasNull:
		m = make(map[string]any, n)
		for k, v := range data {
			if v != nil {
				m[k] = v
			}
		}
	}
	id := int32(len(d.datas))
	d.byHash[h] = id
	d.datas = append(d.datas, dataRec{data: m, private: private, next: head, oddAt: int32(oddAt), oddN: int32(len(d.oddKeyBuf) - oddAt)})
	return id
}

// mix is SplitMix64's finaliser: it spreads the bits so that sums of mixed values collide
// only by chance.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func (d *derivation) hashValue(v any) uint64 {
	switch x := v.(type) {
	case string:
		return maphash.String(d.seed, x)
	case float64:
		return mix(math.Float64bits(x) + 0x9e3779b97f4a7c15)
	case bool:
		if x {
			return 0x2545f4914f6cdd1d
		}
		return 0x5851f42d4c957f2d
	}
	return maphash.String(d.seed, "\x00json"+profile.ValueText(v))
}

// sameData reports whether every non-null pair of data is in stored (whose size the caller has
// compared with data's non-null count).
func sameData(stored, data map[string]any) bool {
	for k, v := range data {
		if v == nil {
			continue
		}
		sv, ok := stored[k]
		if !ok || !sameValue(sv, v) {
			return false
		}
	}
	return true
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	switch b.(type) {
	case string, float64, bool:
		return false
	}
	return profile.ValueText(a) == profile.ValueText(b)
}

// samePrivate compares two lists of private keys as sets.
func samePrivate(a, b []string) bool {
	for _, k := range a {
		if !slices.Contains(b, k) {
			return false
		}
	}
	for _, k := range b {
		if !slices.Contains(a, k) {
			return false
		}
	}
	return true
}

// match returns the id of (type and kind, data), matching the rules and computing the slicing
// flags the first time.
func (d *derivation) match(tk, data int32) int32 {
	key := [2]int32{tk, data}
	if i, ok := d.matchIDs[key]; ok {
		return i
	}
	i := int32(len(d.matches))
	d.matchIDs[key] = i
	rec := matchRec{data: data, tk: tk}
	t := &d.tks[tk]
	m := d.datas[data].data
	w := d.e.words
	d.bits = append(d.bits, make([]uint64, w)...)
	bitset := d.bits[len(d.bits)-w:]
	for g := range d.e.ruleSet.Groups() {
		for _, r := range d.groupHits(g, &d.datas[data]) {
			if t.pass[r/64]&(1<<(r%64)) != 0 {
				bitset[r/64] |= 1 << (r % 64)
			}
		}
	}
	switch t.kind {
	case activity.KindWindow:
		app, _ := m["app"].(string)
		rec.browsers = d.e.browsers.apps[normApp(app)]
		if len(rec.browsers) > 0 {
			rec.flags |= fBrowser
		}
		title, _ := m["title"].(string)
		if d.e.always.MatchString(app) || d.e.always.MatchString(title) {
			rec.flags |= fAlways
		}
	case activity.KindWeb:
		if a, ok := m["audible"].(bool); ok && a {
			rec.flags |= fAudible
		}
	case activity.KindAFK:
		if s, ok := m["status"].(string); ok && s == "afk" {
			rec.flags |= fAway
		}
	}
	d.matches = append(d.matches, rec)
	return i
}

// groupHits returns the rules of group g that match data, cached by subject: distinct data
// maps mostly repeat the same app, url or title, and each group's matcher then runs once per
// distinct value.
func (d *derivation) groupHits(g int, data *dataRec) []int32 {
	s := d.e.ruleSet.SubjectWithOddKeys(g, data.data, d.oddKeys(data))
	if s == "" {
		return nil
	}
	c := d.groupCache[g]
	if c == nil {
		c = map[string][]int32{}
		d.groupCache[g] = c
	}
	hits, ok := c[s]
	if !ok {
		hits = d.e.ruleSet.MatchSubject(g, s, nil)
		c[s] = hits
	}
	return hits
}

// ruleBits returns the rule bitset of a match id.
func (d *derivation) ruleBits(match int32) []uint64 {
	w := d.e.words
	return d.bits[int(match)*w : int(match)*w+w]
}
