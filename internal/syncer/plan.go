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

// planner holds what makePlan needs besides the blocks and events.
type planner struct {
	scope    scope
	profiles map[string]profile.Profile // enabled profiles by id
	newUID   func() string
	// blockUID, when set, names new events by block identity (calendar.BlockUID), so that a
	// second sync racing to create the same block conflicts instead of duplicating it. A name
	// the events read already use, or one in avoid, falls back to newUID.
	blockUID func(profileID string, start time.Time) string
	// avoid are UIDs a create found taken (calendar.UIDTakenError): when a re-read does not show
	// them as awcal's, something the run cannot see holds them.
	avoid map[string]bool
	// taken are spans the person took away from awcal (tombstones of deleted events and
	// rejected proposals): nothing is written into them.
	taken []span
	// forget makes locked events in the scope the derivation's again (--forget-corrections).
	forget bool
	// frozen are UIDs the calendar holds twice (calendar.DuplicateUIDError): their events
	// stay as they are, whatever else the plan does.
	frozen map[string]bool
	// status is the STATUS of new and changed events ("" or calendar.StatusTentative).
	status string
}

// makePlan reconciles derived blocks with the owned events read around the scope, in steps:
//
//  1. desired: the blocks that overlap the scope, as events at second precision;
//  2. partition: the owned events that may change (in the scope, of a live profile, not locked
//     by the person) and the spans that stay as they are (everything else, and the taken
//     spans);
//  3. match: each block to at most one changeable event of its profile that it overlaps, largest
//     overlap first, whose UID it keeps (a block keeps its identity while it grows, SYNC.md §3);
//  4. unmatched events are deleted, unless they reach outside what the derivation saw
//     (scope.boundary), which keeps them;
//  5. candidates: what each block wants written, with what the derivation did not see of its
//     event kept;
//  6. place: each candidate cut around what stays and what is placed before it (boundary events
//     first, then matched ones, then new blocks), so that owned events never overlap and never
//     cover a locked event or a tombstone; a matched event is updated when it changed;
//  7. order: creates and updates in time order, then deletes.
//
// Owned events outside the scope are never changed, and neither are foreign ones (the store
// never shows them) nor locked ones (the person's).
func (pl planner) makePlan(blocks []engine.Block, owned []calendar.Event) plan {
	sc := pl.scope.rounded()
	wants := pl.desired(blocks, sc)
	scoped, fixed := pl.partition(owned, sc)
	match(wants, scoped)
	b := &builder{newUID: pl.newUID, blockUID: pl.blockUID, placed: append(fixed, pl.taken...),
		used: make(map[string]bool, len(owned))}
	for _, e := range owned {
		b.used[e.UID] = true
	}
	for uid := range pl.avoid {
		b.used[uid] = true
	}
	b.dropUnmatched(wants, scoped, sc)
	b.place(pl.candidates(wants, scoped, sc), pl.profiles)
	return b.finish()
}

// want is a desired event and the index (into the changeable events) of the event it keeps,
// -1 when none.
type want struct {
	ev    calendar.Event
	match int
}

// desired renders the blocks that overlap the scope as the events awcal wants.
func (pl planner) desired(blocks []engine.Block, sc scope) []want {
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
		ev.Status = pl.status
		wants = append(wants, want{ev: ev, match: -1})
	}
	return wants
}

// partition splits the owned events into those the plan may change and the spans that stay.
func (pl planner) partition(owned []calendar.Event, sc scope) (scoped []calendar.Event, fixed []span) {
	for _, e := range owned {
		_, live := pl.profiles[e.ProfileID]
		if live && calendar.Overlaps(e, sc.From, sc.To) && (!e.Locked || pl.forget) && !pl.frozen[e.UID] {
			scoped = append(scoped, e)
		} else {
			fixed = append(fixed, spanOf(e))
		}
	}
	return scoped, fixed
}

// match pairs blocks with events of the same profile, largest overlap first (ties: earlier
// block, then earlier event), setting each want's match.
func match(wants []want, scoped []calendar.Event) {
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
}

// candidate is what one block wants written: a new event (old nil) or its matched event's
// new content. boundary marks a matched event that reaches outside what the derivation saw.
type candidate struct {
	ev       calendar.Event
	old      *calendar.Event
	boundary bool
}

// candidates renders what each block wants written. A matched event keeps its identity, and
// keeps what the derivation did not see of it: its start, title and description when it began
// before the trusted range (and its end too on a warm start: it only grows), its end when it
// ends after the derivation. They are ordered for placing: boundary events, other matched
// events, new blocks, each by start.
func (pl planner) candidates(wants []want, scoped []calendar.Event, sc scope) []candidate {
	var cands []candidate
	for _, w := range wants {
		if w.match < 0 {
			cands = append(cands, candidate{ev: w.ev})
			continue
		}
		old := scoped[w.match]
		c := candidate{ev: w.ev, old: &old, boundary: sc.boundary(old)}
		c.ev.UID, c.ev.Version = old.UID, old.Version
		if c.boundary {
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
	rank := func(c candidate) int {
		switch {
		case c.old != nil && c.boundary:
			return 0
		case c.old != nil:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), a.ev.Start.Compare(b.ev.Start))
	})
	return cands
}

// builder collects a plan's changes and the spans already placed.
type builder struct {
	newUID   func() string
	blockUID func(profileID string, start time.Time) string
	used     map[string]bool // UIDs read or created: a block UID among them is not reused
	placed   []span
	writes   []calendar.Change
	deletes  []calendar.Change
	counts   Counts
}

func (b *builder) del(e calendar.Event) {
	b.deletes = append(b.deletes, calendar.Change{Op: calendar.Delete, Event: e})
	b.counts.Deleted++
}

func (b *builder) create(ev calendar.Event) {
	ev.UID, ev.Version = b.newUID(), ""
	if b.blockUID != nil {
		if uid := b.blockUID(ev.ProfileID, ev.Start); !b.used[uid] {
			ev.UID = uid
		}
	}
	if b.used != nil {
		b.used[ev.UID] = true
	}
	b.writes = append(b.writes, calendar.Change{Op: calendar.Create, Event: ev})
	b.placed = append(b.placed, spanOf(ev))
	b.counts.Created++
}

// dropUnmatched deletes the changeable events no block matched, except those reaching outside
// what the derivation saw: nothing justifies them, but nothing disproves them, so they stay.
func (b *builder) dropUnmatched(wants []want, scoped []calendar.Event, sc scope) {
	matched := make([]bool, len(scoped))
	for _, w := range wants {
		if w.match >= 0 {
			matched[w.match] = true
		}
	}
	for i, e := range scoped {
		switch {
		case matched[i]:
		case sc.boundary(e):
			b.placed = append(b.placed, spanOf(e))
		default:
			b.del(e)
		}
	}
}

// place writes each candidate cut around what is placed. A fragment that was cut is booked
// only when it is long enough to be a block of its profile (ENGINE.md §5). Of a matched event's
// fragments, the one overlapping the old event most keeps its identity; the others are created
// (not for a boundary event, whose unseen part is kept as it was).
func (b *builder) place(cands []candidate, profiles map[string]profile.Profile) {
	for _, c := range cands {
		whole := spanOf(c.ev)
		frags := cut(whole, b.placed)
		minLen := time.Second
		if len(frags) != 1 || frags[0] != whole {
			minLen = max(minLen, minutes(profiles[c.ev.ProfileID].Threshold))
		}
		frags = slices.DeleteFunc(frags, func(f span) bool { return f.len() < minLen })
		if c.old == nil {
			for _, f := range frags {
				ev := c.ev
				ev.Start, ev.End = f.start, f.end
				b.create(ev)
			}
			continue
		}
		best := -1
		for i, f := range frags {
			if best < 0 || overlap(f, spanOf(*c.old)) > overlap(frags[best], spanOf(*c.old)) {
				best = i
			}
		}
		if best < 0 {
			if c.boundary {
				b.placed = append(b.placed, spanOf(*c.old))
				b.counts.Unchanged++
			} else {
				b.del(*c.old)
			}
			continue
		}
		ev := c.ev
		ev.Start, ev.End = frags[best].start, frags[best].end
		if sameContent(ev, *c.old) {
			b.counts.Unchanged++
		} else {
			b.writes = append(b.writes, calendar.Change{Op: calendar.Update, Event: ev})
			b.counts.Updated++
		}
		b.placed = append(b.placed, frags[best])
		if !c.boundary {
			for i, f := range frags {
				if i != best {
					extra := c.ev
					extra.Start, extra.End = f.start, f.end
					b.create(extra)
				}
			}
		}
	}
}

// finish orders the changes: creates and updates in time order, then deletes, so that an
// interrupted apply leaves at worst a leftover the next run removes, never a hole where a
// block was.
func (b *builder) finish() plan {
	slices.SortStableFunc(b.writes, func(x, y calendar.Change) int { return x.Event.Start.Compare(y.Event.Start) })
	slices.SortStableFunc(b.deletes, func(x, y calendar.Change) int { return x.Event.Start.Compare(y.Event.Start) })
	return plan{Changes: append(b.writes, b.deletes...), Counts: b.counts}
}

// minutes converts a profile's fractional minutes to a duration.
func minutes(m float64) time.Duration {
	if !(m > 0) {
		return 0
	}
	return time.Duration(m * float64(time.Minute))
}
