package awfake

import (
	"math"
	"slices"
	"sort"
	"time"
)

// msNs is a millisecond in nanoseconds; pythonCutoff is how long before a query's start the
// Python aw-server stops looking for events.
const (
	msNs         = int64(time.Millisecond)
	pythonCutoff = 24 * time.Hour
)

// selection is what an events query answers, in order, before it is written: positions in
// the bucket's events (as they were when selected: they are only ever appended to), each
// event's end as the clock cuts it, and the range the events are trimmed to.
type selection struct {
	events   []stored
	hits     []hit
	from, to int64
}

// hit is a selected event: its position and its end, cut at the clock's time.
type hit struct {
	pos int32
	end int64
}

// event is the selected event i as it is answered (before trimming).
func (sel *selection) event(i int) stored {
	e := sel.events[sel.hits[i].pos]
	e.end = sel.hits[i].end
	return e
}

// selectEvents selects, orders and limits events as the server's flavour does (limit < 0:
// all). start and end are math.MinInt64 and math.MaxInt64 when the request has none. The
// caller holds s.mu; the selection stays valid after it lets go.
func (s *Handler) selectEvents(b *bucket, start, end int64, limit int) selection {
	if start > end {
		return selection{} // an inverted range matches nothing
	}
	python := s.flavour == Python
	cutoff := int64(math.MinInt64)
	if python {
		if start != math.MinInt64 {
			start = floorTo(start, msNs)
			cutoff = start - pythonCutoff.Nanoseconds()
		}
		if end != math.MaxInt64 {
			end = floorTo(end, msNs) + msNs
		}
	}
	// Nothing that starts before lo can reach start (or is past the Python cut-off).
	lo := cutoff
	if start > math.MinInt64+b.maxDur {
		lo = max(lo, start-b.maxDur)
	}
	clock, now := s.now != nil, int64(math.MaxInt64)
	if clock {
		now = s.now().UnixNano()
	}
	// Cutting ends at the clock's time can tie events the index orders by end (Rust), so
	// then the selection is checked and sorted again before the limit applies.
	reorder := clock && !python
	b.index(s.flavour)
	first := sort.Search(len(b.newest), func(i int) bool { return b.events[b.newest[i]].start <= end })
	hits := []hit{}
	for _, p := range b.newest[first:] {
		if !reorder && limit >= 0 && len(hits) >= limit {
			break
		}
		e := b.events[p]
		if e.start < lo {
			break
		}
		if clock {
			if e.start >= now {
				continue
			}
			e.end = min(e.end, now)
		}
		if e.end >= start {
			hits = append(hits, hit{pos: p, end: e.end})
		}
	}
	if reorder {
		before := func(x, y hit) int {
			ex, ey := b.events[x.pos], b.events[y.pos]
			ex.end, ey.end = x.end, y.end
			return s.flavour.compare(&ex, &ey, x.pos, y.pos)
		}
		if !slices.IsSortedFunc(hits, before) {
			slices.SortFunc(hits, before)
		}
		if limit >= 0 && len(hits) > limit {
			hits = hits[:limit]
		}
	}
	return selection{events: b.events, hits: hits, from: start, to: end}
}

// floorTo rounds ns down to a multiple of unit.
func floorTo(ns, unit int64) int64 {
	r := ns % unit
	if r < 0 {
		r += unit
	}
	return ns - r
}
