package engine

import "github.com/awcal/awcal/internal/profile"

// slicePlan is what Phase 1 needs of a slice's rule bits: the profiles whose primary rules
// they contain and every profile's token. When all rules fit in one word, real activity has a
// few dozen distinct unions over tens of thousands of slices (22 in a heavy month), so plans
// are remembered by union in a small table instead of classifying every slice again.
type slicePlan struct {
	union     uint64
	set       bool
	primaries []int32
	toks      []profile.Token // per profile
}

// planBits sizes the table: 64 slots. A union whose slot another took is planned again.
const planBits = 6

// plan returns the plan of the one-word rule bits u.
func (d *derivation) plan(u []uint64) *slicePlan {
	pl := &d.plans[(u[0]*0x9e3779b97f4a7c15)>>(64-planBits)]
	if pl.set && pl.union == u[0] {
		return pl
	}
	pl.set, pl.union = true, u[0]
	pl.primaries = append(pl.primaries[:0], d.primaryProfiles(u)...)
	pl.toks = pl.toks[:0]
	for p := range d.e.profiles {
		tok, _ := d.classify(u, p)
		pl.toks = append(pl.toks, tok)
	}
	return pl
}
