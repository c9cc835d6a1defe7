package engine

import (
	"cmp"
	"slices"
)

// booking is an allocated block: a fragment [start, end) of candidate cand.
type booking struct {
	start, end int64
	cand       int32
}

// allocate is Phase 2 (§5): candidates by fitness, descending (ties: profile list order, then
// time), each cut around the blocks booked before it; fragments at least as long as the
// profile's threshold are booked. Booked blocks never overlap, so they are kept sorted by start
// (and so by end) and a candidate finds the ones it meets by binary search. The result is
// chronological (D3).
func (d *derivation) allocate(cands []candidate) []booking {
	order := make([]int32, len(cands))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		ca, cb := &cands[a], &cands[b]
		if c := cmp.Compare(cb.fitness, ca.fitness); c != 0 {
			return c
		}
		if c := cmp.Compare(ca.profile, cb.profile); c != 0 {
			return c
		}
		return cmp.Compare(ca.start, cb.start)
	})
	var booked []booking
	var frags []booking
	for _, ci := range order {
		c := &cands[ci]
		minLen := d.e.threshold[c.profile]
		// The first booked block that ends after the candidate starts; touching is no overlap.
		at, _ := slices.BinarySearchFunc(booked, c.start, func(b booking, t int64) int {
			if b.end <= t {
				return -1
			}
			return 1
		})
		frags = frags[:0]
		s := c.start
		for j := at; j < len(booked) && booked[j].start < c.end; j++ {
			if booked[j].start > s {
				frags = append(frags, booking{start: s, end: booked[j].start, cand: ci})
			}
			s = max(s, booked[j].end)
		}
		if s < c.end {
			frags = append(frags, booking{start: s, end: c.end, cand: ci})
		}
		for _, f := range frags {
			if f.end-f.start < minLen {
				continue
			}
			pos, _ := slices.BinarySearchFunc(booked, f.start, func(b booking, t int64) int {
				return cmp.Compare(b.start, t)
			})
			booked = slices.Insert(booked, pos, f)
		}
	}
	return booked
}
