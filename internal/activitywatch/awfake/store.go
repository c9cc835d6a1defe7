package awfake

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"

	"github.com/awcal/awcal/internal/activity"
)

type bucket struct {
	meta   activity.Bucket
	events []stored // in insertion order (aw-server's row order)
	// newest indexes events in the order a query answers them (see Flavour.compare), as
	// aw-server's database indexes them by start, so a query walks the stretch that can
	// overlap it and sorts nothing; events added since are merged in before the next query.
	newest []int32
	maxDur int64 // the longest event: none starting longer before a query's start reaches it
}

// stored is an event as aw-server-rust keeps it: integer nanoseconds, and its data object
// encoded once, when it is added (json.Marshal writes a map's keys sorted, as encoding the
// map inside each answer did).
type stored struct {
	id         int64
	start, end int64 // Unix ns
	data       []byte
	dataErr    error // why data could not be encoded; a query that returns the event fails
}

// add appends an event; nil data is the empty object.
func (b *bucket) add(id, start, end int64, data map[string]any) {
	e := stored{id: id, start: start, end: end, data: []byte("{}")}
	if data != nil {
		e.data, e.dataErr = json.Marshal(data)
	}
	b.events = append(b.events, e)
	b.maxDur = max(b.maxDur, end-start)
}

// compare orders events as the flavour answers them, newest first: start descending, then
// end ascending and id ascending (Rust) or id descending (Python), and finally their row
// order (x and y are positions in the bucket), as the stable sort of the rows did.
func (f Flavour) compare(x, y *stored, px, py int32) int {
	if f == Python {
		return cmp.Or(cmp.Compare(y.start, x.start), cmp.Compare(y.id, x.id), cmp.Compare(px, py))
	}
	return cmp.Or(cmp.Compare(y.start, x.start), cmp.Compare(x.end, y.end), cmp.Compare(x.id, y.id), cmp.Compare(px, py))
}

// index brings b.newest up to date: the events added since the last query are sorted and
// merged in.
func (b *bucket) index(f Flavour) {
	n := len(b.newest)
	if n == len(b.events) {
		return
	}
	before := func(x, y int32) int { return f.compare(&b.events[x], &b.events[y], x, y) }
	added := make([]int32, 0, len(b.events)-n)
	for p := n; p < len(b.events); p++ {
		added = append(added, int32(p))
	}
	slices.SortFunc(added, before)
	merged := make([]int32, 0, len(b.events))
	i, j := 0, 0
	for i < n && j < len(added) {
		if before(b.newest[i], added[j]) < 0 {
			merged = append(merged, b.newest[i])
			i++
		} else {
			merged = append(merged, added[j])
			j++
		}
	}
	merged = append(merged, b.newest[i:]...)
	b.newest = append(merged, added[j:]...)
}

// lastEnd is when the latest event the clock shows ends (ok false when it shows none); the
// caller holds s.mu.
func (s *Handler) lastEnd(b *bucket) (last int64, ok bool) {
	last = math.MinInt64
	if s.now == nil {
		for _, e := range b.events {
			last = max(last, e.end)
		}
		return last, len(b.events) > 0
	}
	now := s.now().UnixNano()
	for _, e := range b.events {
		if e.start < now {
			last, ok = max(last, min(e.end, now)), true
		}
	}
	return last, ok
}
