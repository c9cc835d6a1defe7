package syncer

import (
	"cmp"
	"slices"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// Counts says what a run did (or, in a dry run, would do) to the calendar.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Deleted   int `json:"deleted"`
	Unchanged int `json:"unchanged"`
}

func (c *Counts) add(o Counts) {
	c.Created += o.Created
	c.Updated += o.Updated
	c.Deleted += o.Deleted
	c.Unchanged += o.Unchanged
}

// scope is what one reconciliation may change.
type scope struct {
	// From and To bound the reconciled range: owned events overlapping [From, To) may change,
	// derived blocks overlapping it are written. Nothing else is touched.
	From, To time.Time
	// TrustFrom is where the derivation becomes exact. An owned event that starts earlier
	// keeps its start, title and description: the derivation saw only its tail, and rewriting
	// them from that tail is FCR's title drift (SYNC.md §5, defect 7). Such an event is never
	// deleted either: nothing justifies it, but nothing disproves it.
	TrustFrom time.Time
	// DerivedTo is the end of what the derivation saw. An owned event that ends later keeps its
	// end and is never deleted, for the same reason.
	DerivedTo time.Time
	// ExtendOnly marks a warm start (a seed or a bounded lookback rather than a quiescent
	// point): an event that starts before TrustFrom may grow, never shrink (FCR's extension).
	ExtendOnly bool
}

// rounded is the scope at the events' precision. Blocks are compared with it only after
// rounding to whole seconds, which is monotonic: a block starting at or after TrustFrom gives an
// event starting at or after rounded TrustFrom (but maybe before TrustFrom itself, when the
// quiescent point has a fraction of a second).
func (s scope) rounded() scope {
	s.From, s.To = roundSecond(s.From), roundSecond(s.To)
	s.TrustFrom, s.DerivedTo = roundSecond(s.TrustFrom), roundSecond(s.DerivedTo)
	return s
}

// boundary reports whether e reaches outside what the derivation saw exactly.
func (s scope) boundary(e calendar.Event) bool {
	return e.Start.Before(s.TrustFrom) || e.End.After(s.DerivedTo)
}

// plan is a reconciliation plan: the changes that make the calendar hold the derived blocks
// in the scope, and what they amount to.
type plan struct {
	Changes []calendar.Change
	Counts  Counts
}

// span is a half-open interval [start, end).
type span struct{ start, end time.Time }

func spanOf(e calendar.Event) span { return span{e.Start, e.End} }

func (s span) len() time.Duration { return s.end.Sub(s.start) }

func overlap(a, b span) time.Duration {
	lo, hi := a.start, a.end
	if b.start.After(lo) {
		lo = b.start
	}
	if b.end.Before(hi) {
		hi = b.end
	}
	if !hi.After(lo) {
		return 0
	}
	return hi.Sub(lo)
}

// cut removes every placed interval from s (touching ends are not an overlap) and returns what
// is left, in time order.
func cut(s span, placed []span) []span {
	frags := []span{s}
	for _, p := range placed {
		var next []span
		for _, f := range frags {
			if overlap(f, p) == 0 {
				next = append(next, f)
				continue
			}
			if f.start.Before(p.start) {
				next = append(next, span{f.start, p.start})
			}
			if p.end.Before(f.end) {
				next = append(next, span{p.end, f.end})
			}
		}
		frags = next
	}
	slices.SortFunc(frags, func(a, b span) int { return a.start.Compare(b.start) })
	return frags
}

// planner holds what makePlan needs besides the blocks and events.
type planner struct {
	scope    scope
	profiles map[string]profile.Profile // enabled profiles by id
	newUID   func() string
	// blockUID, when set, names new events by block identity (calendar.BlockUID), so that a
	// second sync racing to create the same block conflicts instead of duplicating it. A name
	// the events read already use falls back to newUID.
	blockUID func(profileID string, start time.Time) string
}

// makePlan reconciles derived blocks with the owned events read around the scope.
//
// The desired calendar is the blocks that overlap the scope. Each block is matched to at most
// one owned event of the same profile that it overlaps (largest overlap first), whose UID it
// keeps: a block keeps its identity while it grows (SYNC.md §3). A matched event whose content
// differs is updated in place; an unmatched block is created; an unmatched owned event in the
// scope is deleted, unless it reaches outside what the derivation saw (scope.boundary) or
// belongs to a profile that is gone or disabled (its past stays, SYNC.md §3). Owned events
// outside the scope are never changed, and neither are foreign ones (the store never shows
// them). Finally every new or moved event is cut around the events that stay where they are,
// so that owned events never overlap, whatever the calendar held before.
func (pl planner) makePlan(blocks []engine.Block, owned []calendar.Event) plan {
	sc := pl.scope.rounded()

	// The desired events: blocks in the scope, at second precision.
	type want struct {
		ev    calendar.Event
		match int // index into scoped, -1 when none
	}
	var wants []want
	for _, b := range blocks {
		p, ok := pl.profiles[b.ProfileID]
		if !ok {
			continue
		}
		ev, ok := toEvent(b, p)
		if !ok || !calendar.Overlaps(ev, sc.From, sc.To) {
			continue
		}
		wants = append(wants, want{ev: ev, match: -1})
	}

	// Owned events: in scope (may change) or fixed (stay as they are).
	var scoped []calendar.Event
	var fixed []span
	for _, e := range owned {
		_, live := pl.profiles[e.ProfileID]
		if live && calendar.Overlaps(e, sc.From, sc.To) {
			scoped = append(scoped, e)
		} else {
			fixed = append(fixed, spanOf(e))
		}
	}

	// Match blocks to events of the same profile, largest overlap first.
	type pair struct {
		w, e int
		ov   time.Duration
	}
	var pairs []pair
	for wi, w := range wants {
		for ei, e := range scoped {
			if e.ProfileID != w.ev.ProfileID {
				continue
			}
			if ov := overlap(spanOf(w.ev), spanOf(e)); ov > 0 {
				pairs = append(pairs, pair{wi, ei, ov})
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(b.ov, a.ov), cmp.Compare(a.w, b.w), cmp.Compare(a.e, b.e))
	})
	eventTaken := make([]bool, len(scoped))
	for _, p := range pairs {
		if wants[p.w].match >= 0 || eventTaken[p.e] {
			continue
		}
		wants[p.w].match = p.e
		eventTaken[p.e] = true
	}

	var out plan
	var deletes []calendar.Change
	del := func(e calendar.Event) {
		deletes = append(deletes, calendar.Change{Op: calendar.Delete, Event: e})
		out.Counts.Deleted++
	}
	for ei, e := range scoped {
		if eventTaken[ei] {
			continue
		}
		if sc.boundary(e) {
			fixed = append(fixed, spanOf(e))
			continue
		}
		del(e)
	}

	// Matched events that reach outside the derivation keep that part; they are placed first,
	// then the other matched events, then the new blocks, each cut around what is placed.
	type cand struct {
		ev       calendar.Event
		old      *calendar.Event
		boundary bool
	}
	var cands []cand
	for _, w := range wants {
		if w.match < 0 {
			cands = append(cands, cand{ev: w.ev})
			continue
		}
		old := scoped[w.match]
		ev := w.ev
		ev.UID, ev.Version = old.UID, old.Version
		c := cand{ev: ev, old: &old, boundary: sc.boundary(old)}
		if c.boundary {
			// The derivation saw only part of this event: its title and description stay.
			c.ev.Title, c.ev.Description = old.Title, old.Description
		}
		if old.Start.Before(sc.TrustFrom) {
			c.ev.Start = old.Start
			if sc.ExtendOnly && old.End.After(c.ev.End) {
				c.ev.End = old.End
			}
		}
		if old.End.After(sc.DerivedTo) && old.End.After(c.ev.End) {
			c.ev.End = old.End
		}
		cands = append(cands, c)
	}
	rank := func(c cand) int {
		switch {
		case c.old != nil && c.boundary:
			return 0
		case c.old != nil:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), a.ev.Start.Compare(b.ev.Start))
	})

	placed := fixed
	var writes []calendar.Change
	used := make(map[string]bool, len(owned))
	for _, e := range owned {
		used[e.UID] = true
	}
	create := func(ev calendar.Event) {
		ev.UID, ev.Version = pl.newUID(), ""
		if pl.blockUID != nil {
			if uid := pl.blockUID(ev.ProfileID, ev.Start); !used[uid] {
				ev.UID = uid
			}
		}
		used[ev.UID] = true
		writes = append(writes, calendar.Change{Op: calendar.Create, Event: ev})
		placed = append(placed, spanOf(ev))
		out.Counts.Created++
	}
	for _, c := range cands {
		whole := spanOf(c.ev)
		frags := cut(whole, placed)
		minLen := time.Second
		if len(frags) != 1 || frags[0] != whole {
			// A cut fragment is booked only when it is long enough to be a block (ENGINE.md §5).
			minLen = max(minLen, minutes(pl.profiles[c.ev.ProfileID].Threshold))
		}
		frags = slices.DeleteFunc(frags, func(f span) bool { return f.len() < minLen })
		if c.old == nil {
			for _, f := range frags {
				ev := c.ev
				ev.Start, ev.End = f.start, f.end
				create(ev)
			}
			continue
		}
		// The fragment that overlaps the old event most keeps its identity.
		best := -1
		for i, f := range frags {
			if best < 0 || overlap(f, spanOf(*c.old)) > overlap(frags[best], spanOf(*c.old)) {
				best = i
			}
		}
		if best < 0 {
			if c.boundary {
				placed = append(placed, spanOf(*c.old))
				out.Counts.Unchanged++
			} else {
				del(*c.old)
			}
			continue
		}
		ev := c.ev
		ev.Start, ev.End = frags[best].start, frags[best].end
		if sameContent(ev, *c.old) {
			out.Counts.Unchanged++
		} else {
			writes = append(writes, calendar.Change{Op: calendar.Update, Event: ev})
			out.Counts.Updated++
		}
		placed = append(placed, frags[best])
		if !c.boundary {
			for i, f := range frags {
				if i != best {
					extra := c.ev
					extra.Start, extra.End = f.start, f.end
					create(extra)
				}
			}
		}
	}

	// Creates and updates in time order, then deletes: an interrupted apply leaves at worst a
	// leftover the next run removes, never a hole where a block was.
	slices.SortStableFunc(writes, func(a, b calendar.Change) int {
		return a.Event.Start.Compare(b.Event.Start)
	})
	slices.SortStableFunc(deletes, func(a, b calendar.Change) int {
		return a.Event.Start.Compare(b.Event.Start)
	})
	out.Changes = append(writes, deletes...)
	return out
}

// minutes converts a profile's fractional minutes to a duration.
func minutes(m float64) time.Duration {
	if !(m > 0) {
		return 0
	}
	return time.Duration(m * float64(time.Minute))
}
