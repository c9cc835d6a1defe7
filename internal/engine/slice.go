package engine

import (
	"cmp"
	"math"
	"slices"

	"github.com/awcal/awcal/internal/activity"
)

// sliceRec is one emitted slice [start, end): its states are d.states[off : off+n], event
// indices in state order. Slices live in one arena so that slicing allocates per derivation,
// not per slice.
type sliceRec struct {
	start, end int64
	off, n     int32
}

// states returns a slice's states.
func (d *derivation) sliceStates(s sliceRec) []int32 {
	return d.states[s.off : s.off+s.n]
}

// maxMergedRuns is the most runs byStartOrder merges; with more (many hosts' buckets) it sorts.
const maxMergedRuns = 16

// byStartOrder returns the indices of evs ordered by start, then index. evs is made of runs
// (one per bucket, beginning at the offsets in runs) each already in that order, so a few
// runs are merged, taking the least head each time, instead of sorted.
func byStartOrder(evs []nevent, runs []int32) []int32 {
	n := len(evs)
	out := make([]int32, 0, n)
	if len(runs) > maxMergedRuns {
		for i := range n {
			out = append(out, int32(i))
		}
		slices.SortFunc(out, func(a, b int32) int {
			if c := cmp.Compare(evs[a].start, evs[b].start); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		return out
	}
	var heads, ends [maxMergedRuns]int32
	k := len(runs)
	for r, at := range runs {
		heads[r] = at
		ends[r] = int32(n)
		if r+1 < k {
			ends[r] = runs[r+1]
		}
	}
	for len(out) < n {
		best := -1
		for r := range k {
			// Heads of earlier runs have lower indices, so only a strictly earlier start wins.
			if h := heads[r]; h < ends[r] && (best < 0 || evs[h].start < evs[heads[best]].start) {
				best = r
			}
		}
		out = append(out, heads[best])
		heads[best]++
	}
	return out
}

// slice is Phase 0 (§2) as a sweep line: walk the event starts in time order keeping the set of
// open events (sorted by event order, so it is already in state order); every boundary pair
// yields a slice whose states are the open events. O(N log N) for the sort plus the output.
// When out is not nil, the slices so far are sent on it every sliceChunk slices and at the
// end, and it is closed: slices are only ever appended, so what was sent stays as it was.
func (d *derivation) slice(out chan<- sweptSlices) {
	evs := d.events
	n := len(evs)
	byStart := byStartOrder(evs, d.runs)
	// Real activity has fewer slices than events, with one or two states each; more grow.
	d.slices = make([]sliceRec, 0, n+16)
	d.states = make([]int32, 0, 2*n+16)

	active := make([]int32, 0, 16)
	var t int64
	sent := 0
	for i := 0; i < n || len(active) > 0; {
		if len(active) == 0 {
			t = evs[byStart[i]].start // skip the gap
		}
		for ; i < n && evs[byStart[i]].start == t; i++ {
			e := byStart[i]
			at, _ := slices.BinarySearch(active, e)
			active = slices.Insert(active, at, e)
		}
		next := int64(math.MaxInt64)
		if i < n {
			next = evs[byStart[i]].start
		}
		for _, a := range active {
			next = min(next, evs[a].end)
		}
		d.emit(t, next, active)
		if out != nil && len(d.slices)-sent >= sliceChunk {
			out <- sweptSlices{d.slices, d.states}
			sent = len(d.slices)
		}
		open := active[:0]
		for _, a := range active {
			if evs[a].end > next {
				open = append(open, a)
			}
		}
		active = open
		t = next
	}
	if out != nil {
		out <- sweptSlices{d.slices, d.states}
		close(out)
	}
}

// emit applies browser enforcement and AFK masking to the events covering [start, end) and
// appends the slice unless no state survives (a gap).
func (d *derivation) emit(start, end int64, covering []int32) {
	off := len(d.states)
	d.states = d.filter(covering, d.states)
	if n := len(d.states) - off; n > 0 {
		d.slices = append(d.slices, sliceRec{start: start, end: end, off: int32(off), n: int32(n)})
	}
}

// dropped marks a web state that no window admits.
const dropped = math.MinInt32

// filter appends to out the states of covering that survive browser enforcement (D1, D9, D10)
// and then AFK masking (D8).
func (d *derivation) filter(covering []int32, out []int32) []int32 {
	evs := d.events
	hasWeb, hasAway := false, false
	for _, s := range covering {
		hasWeb = hasWeb || evs[s].kind() == activity.KindWeb
		hasAway = hasAway || evs[s].flags&fAway != 0
	}
	mask := d.e.masking && hasAway
	if !hasWeb && !mask {
		return append(out, covering...)
	}
	// Enforcement is decided on the whole slice before masking; a web state of unknown host
	// takes the host of the first window that admits it.
	hosts := d.hostBuf[:0]
	for _, s := range covering {
		h := evs[s].host
		if evs[s].kind() == activity.KindWeb {
			w := d.admitter(covering, s)
			switch {
			case w < 0:
				h = dropped
			case h == wildcardHost:
				h = evs[w].host
			}
		}
		hosts = append(hosts, h)
	}
	if cap(hosts) > cap(d.hostBuf) { // kept only when it grew: a store per slice costs
		d.hostBuf = hosts
	}
	away := d.awayBuf[:0]
	if mask {
		for _, s := range covering {
			if evs[s].flags&fAway != 0 {
				away = append(away, evs[s].host)
			}
		}
	}
	if cap(away) > cap(d.awayBuf) {
		d.awayBuf = away
	}
	for i, s := range covering {
		h := hosts[i]
		if h == dropped {
			continue
		}
		if mask && contains32(away, h) {
			switch evs[s].kind() {
			case activity.KindWindow:
				if evs[s].flags&fAlways == 0 {
					continue
				}
			case activity.KindWeb:
				if evs[s].flags&fAudible == 0 {
					continue
				}
			case activity.KindEditor:
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// admitter returns the first window state of the slice that admits web state w, or -1: a
// browser window (D1) of the same host (D10) that is the web bucket's own browser, or any
// browser when the web bucket's browser is unknown, or a browser that has no selected web
// bucket of its own on that host (D9's escape clause).
func (d *derivation) admitter(covering []int32, w int32) int32 {
	evs := d.events
	web := &evs[w]
	for _, s := range covering {
		win := &evs[s]
		if win.kind() != activity.KindWindow || win.flags&fBrowser == 0 {
			continue
		}
		if web.host != wildcardHost && web.host != win.host {
			continue
		}
		if browser := d.buckets[web.bucket].browser; browser < 0 || win.flags&fEscape != 0 || contains32(d.matches[win.match].browsers, browser) {
			return s
		}
	}
	return -1
}
