package syncer

import (
	"slices"
	"time"

	"github.com/awcal/awcal/internal/calendar"
)

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
