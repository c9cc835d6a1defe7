package activitywatch

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/activity"
)

// Events is what Client.Events read from one bucket.
type Events struct {
	// Events are newest first, trimmed to the range, exactly as one unpaged aw-server query
	// for the range would have returned them.
	Events []activity.Event
	// Malformed counts the events skipped because they could not be decoded.
	Malformed int
	// Owned reports that the Events array was made for this answer and nothing else holds it:
	// the caller may reuse it (the events' data maps and Private slices stay shared).
	Owned bool
}

// Events returns the events of bucketID that overlap [from, to], trimmed to it, newest first.
//
// The range is fetched in pieces, oldest piece first, with no limit (so nothing is silently
// cut off), and reassembled: aw-server trims events to each piece, so an event that crosses a
// piece boundary comes back once per piece; the parts are joined again (by id, or for servers
// without ids by equal data meeting at the boundary), and the result keeps the order of an
// unpaged answer: start descending, and for equal starts aw-server's own order, which the
// engine uses to break ties. The pieces are WithPieceSize long, or follow the density (see
// WithPiecesByDensity, the default): each boundary lies a whole number of first pieces after
// from. Each answer is decoded as it arrives, never held whole.
//
// Piece boundaries are invisible, on both servers: the Python aw-server leaves out events
// that began more than 24 h before a query's start (see lookBack), and rounds a query's end
// up to the next millisecond; the result is clamped to [from, to] whichever server answered.
func (c *Client) Events(ctx context.Context, bucketID string, from, to time.Time) (Events, error) {
	if to.Before(from) {
		return Events{}, fmt.Errorf("events of bucket %s: the range ends (%s) before it starts (%s)",
			bucketID, to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	if to.Equal(from) {
		return Events{}, nil
	}
	asm := assembler{from: from, to: to}
	malformed := 0
	// Two pieces are under way at a time, so that aw-server prepares one answer while the
	// client decodes the other: when piece i's answer is in, piece i+2 is asked for (once the
	// pieces before it are asked), sized by the density of that answer (the first two pieces
	// are pieceSize long); when the rest of the range fits in one more piece of that size, it
	// is asked for at once too (three are then under way). The answers are joined oldest
	// first. The first piece's look-back (see lookBack) runs once its answer is in, beside the
	// other requests: no request waits for it, nor for the joining.
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	returned := make(chan struct{}) // no report is read any more
	defer close(returned)
	var (
		asked   []*pieceAnswer
		next    = from
		size    = c.pieceSize
		reports = make(chan pieceReport)
		// Each piece is decoded by a decoder no other piece uses meanwhile, taken from idle
		// and put back once its answer is read (at most three are made): equal strings are
		// shared across a decoder's pieces, and data objects across all the bucket's pieces
		// (each distinct one is decoded once).
		idle   []*valueDecoder
		shared sharedDatas
	)
	decoder := func() *valueDecoder {
		if n := len(idle); n > 0 {
			d := idle[n-1]
			idle = idle[:n-1]
			return d
		}
		d := newValueDecoder()
		d.shared = &shared
		return d
	}
	report := func(r pieceReport) {
		select {
		case reports <- r:
		case <-returned: // with an earlier piece's error
		}
	}
	ask := func() {
		p := piece{next, to}
		if size > 0 && next.Add(size).Before(to) {
			p.end = next.Add(size)
		}
		next = p.end
		d := decoder()
		a := &pieceAnswer{p: p, d: d}
		first := len(asked) == 0
		asked = append(asked, a)
		wg.Add(1)
		go func() {
			defer wg.Done()
			evs, bad, err := c.fetchEvents(ctx, d, bucketID, pieceQuery(p.start, p.end))
			a.n = len(evs)
			if first && err == nil && !coversStart(evs, p.start) {
				report(pieceReport{a: a})
				evs, bad, err = c.lookBack(ctx, bucketID, p, evs, bad, true)
			}
			a.evs, a.bad, a.err = evs, bad, err
			report(pieceReport{a: a, done: true})
		}()
		runtime.Gosched() // the request goes out now, not when a core is next free
	}
	ask()
	if next.Before(to) {
		ask()
	}
	check := false // the first piece was checked as it came in
	failed := false
	for i := 0; i < len(asked); {
		r := <-reports
		if !r.a.answered {
			r.a.answered = true
			idle = append(idle, r.a.d) // read: the look-back has a decoder of its own
		}
		if r.done {
			r.a.done = true
			failed = failed || r.a.err != nil
		}
		for !failed && next.Before(to) && asked[len(asked)-2].answered {
			a := asked[len(asked)-2]
			size = c.nextPieceSize(a.p.end.Sub(a.p.start), a.n)
			ask()
			if next.Before(to) && !next.Add(size).Before(to) {
				// The rest fits in one more piece of this size: asked now, aw-server prepares
				// it beside the two under way instead of after them, and the reading ends
				// sooner; three are then under way at most.
				ask()
			}
		}
		for ; i < len(asked) && asked[i].done; i++ {
			a := asked[i]
			if a.err != nil {
				return Events{}, a.err
			}
			evs, bad, err := c.lookBack(ctx, bucketID, a.p, a.evs, a.bad, check)
			if err != nil {
				return Events{}, err
			}
			malformed += bad
			asm.add(a.p, evs)
			check = mayBeCutOff(evs, a.p)
		}
	}
	return Events{Events: asm.result(), Malformed: malformed, Owned: true}, nil
}

// pieceAnswer is the answer to one piece's request. Its goroutine sets n (how many events the
// answer held) before reporting it answered, and evs, bad and err (after the first piece's
// look-back) before reporting it done; answered and done are Events' own record of those
// reports.
type pieceAnswer struct {
	p              piece
	d              *valueDecoder // decodes the answer; free again once it is answered
	n              int
	evs            []activity.Event
	bad            int
	err            error
	answered, done bool
}

// pieceReport tells Events that a piece's answer is in (done: and ready to be joined).
type pieceReport struct {
	a    *pieceAnswer
	done bool
}

// pieceQuery is the events query for [start, end].
func pieceQuery(start, end time.Time) url.Values {
	return url.Values{"start": {formatQueryTime(start)}, "end": {formatQueryTime(end)}}
}

// nextPieceSize is the length of the piece after one of length last that held n events:
// the same when pieces do not follow the density, else a whole number of first pieces (at
// least one, at most maxPieceUnits) that holds about pieceEvents events at that density.
func (c *Client) nextPieceSize(last time.Duration, n int) time.Duration {
	if c.pieceEvents <= 0 || c.pieceSize <= 0 {
		return last
	}
	units := int64(maxPieceUnits)
	if n > 0 {
		units = min(int64(float64(last/c.pieceSize)*float64(c.pieceEvents)/float64(n)), maxPieceUnits)
	}
	return time.Duration(max(units, 1)) * c.pieceSize
}

// pythonCutOff is how long before a query's start the Python aw-server stops looking for
// events; cutOffMargin keeps clear of its rounding of the start to the millisecond.
const (
	pythonCutOff = 24 * time.Hour
	cutOffMargin = time.Hour
)

// mayBeCutOff reports whether the extra query of lookBack can find something for the piece
// after p: whether one of evs (p's events, trimmed to it) reaches p.end and
// began so long before it that the Python aw-server may leave it out of the next piece's
// answer: before p.end - 24 h (less a margin), or at p.start, where it may have been trimmed.
//
// Skipping the query otherwise changes nothing. The query finds an event e for the next
// piece only when e covers p.end, began beyond the cut-off, and no event began between e's
// start and p.end. If e began inside p, p's answer holds it, trimmed to p only at the end. If
// it began before p, it covers p.start: p's answer holds it (trimmed to p.start) unless it
// began beyond p's own cut-off; then nothing of p's answer covers p.start (such an event would
// have begun after e), so the same query for p found e — p was checked, because the same
// holds for the piece before it, down to the first piece, which is always checked — and p
// was read again from e's start. Either way e is in evs, and this reports it.
func mayBeCutOff(evs []activity.Event, p piece) bool {
	limit := p.end.Add(-pythonCutOff + cutOffMargin)
	if p.start.After(limit) {
		limit = p.start
	}
	limitNs, ok := unixNanos(limit)
	endNs, endOK := unixNanos(p.end)
	ok = ok && endOK
	for i := range evs {
		e := &evs[i]
		if start, end, spanOK := spanNanos(e); ok && spanOK {
			if start <= limitNs && end >= endNs {
				return true
			}
		} else if !e.Timestamp.After(limit) && !e.End().Before(p.end) {
			return true
		}
	}
	return false
}

// lookBack completes evs, the answer to piece p's request (with bad malformed events), with
// the event that covers its start, and returns the piece's events and malformed count.
//
// The Python aw-server only looks for events that began at most 24 h before a query's start:
// an older event that still covers the piece (a weekend's AFK period) is missing from the
// answer, and the still-focused window under it would look like work. So when check is set
// and no event of the answer covers the piece's start, it asks for the newest event that began
// at or before it (a query without start is not cut off). If that event covers the start, the
// server left it out: the piece is read again from that event's start, and what lies before
// the piece is trimmed off here. aw-server-rust has no cut-off; there the extra query finds
// nothing to add. check is set for the first piece, and for a later one when the piece before
// it says the extra query can find something (mayBeCutOff).
func (c *Client) lookBack(ctx context.Context, bucketID string, p piece, evs []activity.Event, bad int, check bool) ([]activity.Event, int, error) {
	if !check || coversStart(evs, p.start) {
		return evs, bad, nil
	}
	d := newValueDecoder()
	before, _, err := c.fetchEvents(ctx, d, bucketID, url.Values{"end": {formatQueryTime(p.start)}, "limit": {"1"}})
	if err != nil || !coversStart(before, p.start) {
		return evs, bad, err
	}
	evs, bad, err = c.fetchEvents(ctx, d, bucketID, pieceQuery(before[0].Timestamp, p.end))
	if err != nil {
		return nil, 0, err
	}
	return clamp(evs, p.start, p.end), bad, nil
}

// coversStart reports whether one of evs began at or before t and ends after it.
func coversStart(evs []activity.Event, t time.Time) bool {
	for _, e := range evs {
		if !e.Timestamp.After(t) && e.End().After(t) {
			return true
		}
	}
	return false
}

// clamp trims events to [from, to] in place, as aw-server trims them to a query's range: an
// event that only touches the range keeps a zero duration, one entirely outside is dropped.
// The order is kept (events trimmed to from were the oldest).
func clamp(evs []activity.Event, from, to time.Time) []activity.Event {
	out := evs[:0]
	for _, e := range evs {
		if clampEvent(&e, from, to) {
			out = append(out, e)
		}
	}
	return out
}

// clampEvent trims e to [from, to] as clamp does, and reports whether it is kept.
func clampEvent(e *activity.Event, from, to time.Time) bool {
	// Most events lie inside: that is settled in integer nanoseconds, without time.Time's
	// arithmetic.
	if start, end, ok := spanNanos(e); ok {
		if f, ok := unixNanos(from); ok && start >= f {
			if t, ok := unixNanos(to); ok && end <= t {
				return true
			}
		}
	}
	return trimEvent(e, from, to)
}

// trimEvent is clampEvent in time.Time's arithmetic.
func trimEvent(e *activity.Event, from, to time.Time) bool {
	end := e.End()
	if end.Before(from) || e.Timestamp.After(to) {
		return false
	}
	if e.Timestamp.Before(from) || end.After(to) {
		if e.Timestamp.Before(from) {
			e.Timestamp = from
		}
		if end.After(to) {
			end = to
		}
		e.Duration = toSeconds(end.Sub(e.Timestamp))
	}
	return true
}

// nanosLimit bounds the Unix seconds whose nanoseconds an int64 holds, with room to add a
// duration of at most maxEventSeconds.
const nanosLimit = math.MaxInt64/int64(time.Second) - maxEventSeconds - 1

// unixNanos is t in Unix nanoseconds; ok is false when an int64 cannot hold it (years before
// 1678 or after about 2261).
func unixNanos(t time.Time) (int64, bool) {
	sec := t.Unix()
	if sec <= -nanosLimit || sec >= nanosLimit {
		return 0, false
	}
	return sec*int64(time.Second) + int64(t.Nanosecond()), true
}

// spanNanos is e's start and end (as e.End computes it) in Unix nanoseconds; ok is false when
// they do not fit, or the duration is not one a decoded event can have.
func spanNanos(e *activity.Event) (start, end int64, ok bool) {
	start, ok = unixNanos(e.Timestamp)
	if !ok || !(e.Duration >= 0 && e.Duration <= maxEventSeconds) { // NaN fails both
		return 0, 0, false
	}
	return start, start + int64(math.Round(e.Duration*float64(time.Second))), true
}

// LastEvent returns the newest event of bucketID (found reports whether it has any).
func (c *Client) LastEvent(ctx context.Context, bucketID string) (ev activity.Event, found bool, err error) {
	path := "/api/0/buckets/" + url.PathEscape(bucketID) + "/events"
	body, err := c.get(ctx, path, url.Values{"limit": {"1"}})
	if err != nil {
		return activity.Event{}, false, fmt.Errorf("newest event of bucket %s: %w", bucketID, err)
	}
	evs, _, err := decodeEventList(body)
	if err != nil {
		return activity.Event{}, false, fmt.Errorf("newest event of bucket %s: aw-server at %s sent %w", bucketID, c.URL(), err)
	}
	if len(evs) == 0 {
		return activity.Event{}, false, nil
	}
	return evs[0], true, nil
}

// fetchEvents runs one events query (start, end and limit as aw-server takes them), decoding
// the answer with d as it arrives.
func (c *Client) fetchEvents(ctx context.Context, d *valueDecoder, bucketID string, q url.Values) ([]activity.Event, int, error) {
	path := "/api/0/buckets/" + url.PathEscape(bucketID) + "/events"
	var (
		evs       []activity.Event
		bad       int
		decodeErr error
	)
	err := c.read(ctx, path, q, func(r io.Reader) error {
		evs, bad, decodeErr = readEventList(r, d)
		return decodeErr
	})
	if decodeErr != nil && err == decodeErr {
		return nil, 0, fmt.Errorf("events of bucket %s: aw-server at %s sent an answer awcal cannot read (check that the URL is aw-server's, restart ActivityWatch and try again): %w", bucketID, c.URL(), err)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("events of bucket %s (%s): %w", bucketID, describeQuery(q), err)
	}
	return evs, bad, nil
}

// describeQuery names the range of an events query for errors: "from A to B", "up to B".
func describeQuery(q url.Values) string {
	var parts []string
	if v := q.Get("start"); v != "" {
		parts = append(parts, "from "+v)
	}
	if v := q.Get("end"); v != "" {
		parts = append(parts, "to "+v)
	}
	if v := q.Get("limit"); v != "" {
		parts = append(parts, "limit "+v)
	}
	return strings.Join(parts, " ")
}

// formatQueryTime writes t in RFC 3339 with its own offset (url.Values escapes the '+').
// An offset with seconds (local mean time before 1900) cannot be written in RFC 3339, so
// such a time is sent in UTC.
func formatQueryTime(t time.Time) string {
	if _, off := t.Zone(); off%60 != 0 {
		t = t.UTC()
	}
	return t.Format(time.RFC3339Nano)
}

type piece struct{ start, end time.Time }
