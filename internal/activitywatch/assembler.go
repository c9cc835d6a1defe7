package activitywatch

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/awcal/awcal/internal/activity"
)

// assembler joins the answers of consecutive pieces of [from, to], fed oldest piece first.
//
// It keeps each piece's answer as it came and remembers only what joining changes: the
// events that continue one of an earlier piece (left out of the result) and the events that
// a later piece continued (their end moves). From the second piece on, each answer is copied
// as it is added, trimmed to the range and oldest first, into the array the result is made
// of, so that only the last answer is copied once every answer is in; the result then puts
// the array newest first in place.
type assembler struct {
	from, to time.Time
	pieces   []assembledPiece
	// byID holds the events with an id that reach the end of the piece they first appeared
	// in: only they can come back in the next piece (within the Python aw-server's rounding).
	byID map[int64]*boundaryEvent
	// open holds the events without id that reach the end of the last piece added, by their
	// data: a part at the start of the next piece with equal data continues one.
	open    map[string][]*boundaryEvent
	openEnd time.Time
	kept    int // events the result holds, before trimming

	// joined holds the copied pieces' events, oldest first, trimmed to the range except for
	// those a later piece may continue; copied counts the pieces copied.
	joined []activity.Event
	copied int
	// last is the event copied last (when any is); unordered records that an event came
	// out of order (the result is then sorted, from the answers).
	last      eventRef
	anyCopied bool
	unordered bool
}

// assembledPiece is one piece's answer and what joining changed in it.
type assembledPiece struct {
	evs []activity.Event
	// continued lists, ascending, the positions of the events that continue one of an earlier
	// piece; they are left out of the result.
	continued []int
	// boundary lists, by ascending position, the events first seen in this piece that reach
	// its end: a later piece may continue them.
	boundary []*boundaryEvent
}

// boundaryEvent is an event that reaches the end of the piece it first appeared in.
type boundaryEvent struct {
	pos int       // its position in that piece's answer
	at  int       // its position in joined, once copied
	end time.Time // its end, as far as the pieces read so far continued it
	// extended: a later piece continued it, so its duration is recomputed from end.
	extended bool
}

// joinMargin is how far before a piece's end an event with an id may end and still come
// back in the next piece's answer: the Python aw-server rounds a query's start down to the
// millisecond; a second leaves room to spare.
const joinMargin = time.Second

// add takes the answer for piece p, the next piece after those added; it keeps evs, which
// must not change after.
func (a *assembler) add(p piece, evs []activity.Event) {
	if a.byID == nil {
		a.byID = map[int64]*boundaryEvent{}
	}
	var nextOpen map[string][]*boundaryEvent
	ap := assembledPiece{evs: evs}
	for pos := range evs {
		ev := &evs[pos]
		end := ev.Timestamp.Add(seconds(ev.Duration))
		b := a.continued(ev, p.start)
		if b != nil {
			ap.continued = append(ap.continued, pos)
			if end.After(b.end) {
				b.end = end
				b.extended = true
			}
		} else if ev.ID != 0 && !end.Before(p.end.Add(-joinMargin)) || ev.ID == 0 && !end.Before(p.end) {
			b = &boundaryEvent{pos: pos, end: end}
			ap.boundary = append(ap.boundary, b)
			if ev.ID != 0 {
				a.byID[ev.ID] = b
			}
		}
		if ev.ID == 0 && !end.Before(p.end) {
			if nextOpen == nil {
				nextOpen = map[string][]*boundaryEvent{}
			}
			k := dataKey(ev.Data)
			nextOpen[k] = append(nextOpen[k], b)
		}
	}
	a.kept += len(evs) - len(ap.continued)
	a.pieces = append(a.pieces, ap)
	a.open, a.openEnd = nextOpen, p.end
	if len(a.pieces) > 1 { // one answer alone may be the result as it is
		a.copyPieces(p.end)
	}
}

// copyPieces copies the pieces not copied yet into joined, the pieces having covered the
// range up to reached.
func (a *assembler) copyPieces(reached time.Time) {
	if a.unordered { // the result is sorted from the answers: no more copies
		return
	}
	a.reserve(reached)
	for ; a.copied < len(a.pieces); a.copied++ {
		k := a.copied
		ap := &a.pieces[k]
		cont, bound := ap.continued, ap.boundary
		for pos := len(ap.evs) - 1; pos >= 0; pos-- {
			if len(cont) > 0 && cont[len(cont)-1] == pos {
				cont = cont[:len(cont)-1]
				continue
			}
			r := eventRef{k, pos}
			if a.anyCopied && a.compare(r, a.last) > 0 {
				a.unordered, a.joined = true, nil
				return
			}
			a.last, a.anyCopied = r, true
			ev := ap.evs[pos]
			if len(bound) > 0 && bound[len(bound)-1].pos == pos {
				// A later piece may still move its end: it is trimmed in result.
				bound[len(bound)-1].at = len(a.joined)
				bound = bound[:len(bound)-1]
				a.joined = append(a.joined, ev)
				continue
			}
			if clampEvent(&ev, a.from, a.to) {
				a.joined = append(a.joined, ev)
			}
		}
	}
}

// maxGrowth bounds how many times larger than the events so far joined is made at once:
// a dense start of a long range must not reserve memory the rest may never need.
const maxGrowth = 8

// reserve makes room in joined for every event added, the pieces having covered the range
// up to reached: room for the rest of the range too at the density so far, with a tenth to
// spare, but at most maxGrowth times the events so far. At a steady density the array made
// at the second piece is never made again.
func (a *assembler) reserve(reached time.Time) {
	need := a.kept
	if need <= cap(a.joined) && a.joined != nil {
		return
	}
	n := need
	if covered := reached.Sub(a.from); covered > 0 && a.to.After(reached) {
		rest := float64(need) * 1.1 * float64(a.to.Sub(reached)) / float64(covered)
		n = need + int(min(rest, float64((maxGrowth-1)*need)))
	}
	joined := make([]activity.Event, len(a.joined), n)
	copy(joined, a.joined)
	a.joined = joined
}

// continued returns the event that ev (a part at the start of its piece) continues, or nil.
func (a *assembler) continued(ev *activity.Event, pieceStart time.Time) *boundaryEvent {
	if ev.ID != 0 {
		return a.byID[ev.ID]
	}
	if !ev.Timestamp.Equal(pieceStart) || !a.openEnd.Equal(pieceStart) {
		return nil
	}
	k := dataKey(ev.Data)
	cands := a.open[k]
	if len(cands) == 0 {
		return nil
	}
	a.open[k] = cands[1:]
	return cands[0]
}

// eventRef names an event by the piece it first appeared in and its position there.
type eventRef struct{ piece, pos int }

// result returns the joined events newest first, trimmed to [from, to] as clamp trims them:
// by start descending; for equal starts, in the order of the oldest piece they all appeared
// in, which is aw-server's order for them (it sorts on the untrimmed times, which a piece
// cannot see).
//
// No two events share their piece and position, so the order is total and any sort gives
// the same result. Each answer is newest first and later pieces hold later events, so the
// events taken oldest piece first, each answer backwards, are usually in order already: they
// are copied in that order while it is checked, and sorted only when the check fails.
func (a *assembler) result() []activity.Event {
	if len(a.pieces) == 1 && len(a.pieces[0].continued) == 0 && slices.IsSortedFunc(a.pieces[0].evs, newerFirst) {
		return clamp(a.pieces[0].evs, a.from, a.to) // nothing joined: the answer is the result
	}
	if len(a.pieces) == 0 {
		return []activity.Event{}
	}
	a.copyPieces(a.to)
	if a.unordered {
		return a.sortedResult()
	}
	// The events a later piece may have continued: their end as joined, then trimmed.
	var dropped []int
	for k := range a.pieces {
		for _, b := range a.pieces[k].boundary {
			ev := &a.joined[b.at]
			if b.extended {
				ev.Duration = toSeconds(b.end.Sub(ev.Timestamp))
			}
			if !clampEvent(ev, a.from, a.to) {
				dropped = append(dropped, b.at)
			}
		}
	}
	out := a.joined
	if len(dropped) > 0 {
		slices.Sort(dropped)
		kept := out[:dropped[0]]
		for i, at := range dropped {
			next := len(out)
			if i+1 < len(dropped) {
				next = dropped[i+1]
			}
			kept = append(kept, out[at+1:next]...)
		}
		clear(out[len(kept):])
		out = kept
	}
	slices.Reverse(out)
	if cap(out) > 2*len(out) {
		// The range turned sparser than its start: the caller holds the result for a while,
		// and need not hold the room reserved for events that never came.
		out = slices.Clone(out)
	}
	return out
}

// sortedResult is result for answers that are not in order: the events are sorted first.
func (a *assembler) sortedResult() []activity.Event {
	from, to := a.from, a.to
	refs := make([]eventRef, 0, a.kept)
	for k := range a.pieces {
		ap := &a.pieces[k]
		cont := ap.continued
		for pos := range ap.evs {
			if len(cont) > 0 && cont[0] == pos {
				cont = cont[1:]
				continue
			}
			refs = append(refs, eventRef{k, pos})
		}
	}
	slices.SortFunc(refs, a.compare)
	ends := map[eventRef]time.Time{}
	for k := range a.pieces {
		for _, b := range a.pieces[k].boundary {
			if b.extended {
				ends[eventRef{k, b.pos}] = b.end
			}
		}
	}
	out := make([]activity.Event, 0, len(refs))
	for _, r := range refs {
		ev := a.pieces[r.piece].evs[r.pos]
		if end, ok := ends[r]; ok {
			ev.Duration = toSeconds(end.Sub(ev.Timestamp))
		}
		if clampEvent(&ev, from, to) {
			out = append(out, ev)
		}
	}
	return out
}

// compare orders events by start descending, then by where they first appeared.
func (a *assembler) compare(x, y eventRef) int {
	if c := a.pieces[y.piece].evs[y.pos].Timestamp.Compare(a.pieces[x.piece].evs[x.pos].Timestamp); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(x.piece, y.piece), cmp.Compare(x.pos, y.pos))
}

// newerFirst orders the events of one answer by start descending (their positions break ties).
func newerFirst(x, y activity.Event) int {
	return y.Timestamp.Compare(x.Timestamp)
}

// dataKey is a canonical text of an event's data (encoding/json sorts map keys).
func dataKey(data map[string]any) string {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Sprint(data)
	}
	return string(b)
}
