package engine

import (
	"hash/maphash"
	"math/bits"
	"time"

	"github.com/awcal/awcal/internal/profile"
)

// derivation is the working state of one Derive call. Interning tables and scratch buffers
// live here so that per-event and per-slice work allocates nothing in the common case.
type derivation struct {
	e        *Engine
	from, to int64

	buckets  []bucketInfo
	events   []nevent
	runs     []int32 // where each bucket's events begin in events (each run sorted by start)
	hosts    map[string]int32
	webHosts [][]int32 // per browser: hosts of its selected web buckets

	tkIDs      map[typeKind]int32
	tks        []tkRec
	seed       maphash.Seed
	byHash     map[uint64]int32 // data hash → the latest record with it
	byMap      *[1 << byMapBits]mapMatch
	datas      []dataRec
	oddKeyBuf  []string             // the datas' odd keys
	groupCache []map[string][]int32 // per rule group: subject → the rules it matches
	matchIDs   map[[2]int32]int32
	matches    []matchRec
	bits       []uint64 // rule bitsets, e.words per match

	slices []sliceRec
	states []int32

	hostBuf []int32
	awayBuf []int32
	profBuf []int32
	plans   *[1 << planBits]slicePlan // Phase 1's plans by union, when the rules fit in a word

	diag Diagnostics

	blockScratch
}

// Derive turns the input's events into blocks (ENGINE.md §1–§6). It never fails: malformed
// events are skipped and counted in the diagnostics; an empty or inverted window gives nothing.
func (e *Engine) Derive(in Input) Result {
	d := newDerivation(e, in)
	if d.to <= d.from {
		return Result{Blocks: []Block{}}
	}
	d.load(in.Buckets)
	cands, q, hasQ := d.sliceAndRun(in.Seeds)
	booked := d.allocate(cands)

	res := Result{Blocks: d.blocks(cands, booked), Diagnostics: d.diag}
	if hasQ {
		res.Quiescent = time.UnixMicro(q).UTC()
	}
	res.Diagnostics.Events = len(d.events)
	res.Diagnostics.Slices = len(d.slices)
	res.Diagnostics.Candidates = len(cands)
	return res
}

func newDerivation(e *Engine, in Input) *derivation {
	d := &derivation{
		e: e, from: in.From.UnixMicro(), to: in.To.UnixMicro(),
		hosts: map[string]int32{}, tkIDs: map[typeKind]int32{}, seed: maphash.MakeSeed(), byHash: map[uint64]int32{},
		byMap:    new([1 << byMapBits]mapMatch),
		matchIDs: map[[2]int32]int32{}, groupCache: make([]map[string][]int32, e.ruleSet.Groups()),
		blockScratch: newBlockScratch(e.words),
	}
	if e.words == 1 {
		d.plans = new([1 << planBits]slicePlan)
	}
	return d
}

// run is Phase 1 (§4): every profile's machine over the slices, seeded first. It also finds the
// latest quiescent point: an instant no slice spans at which every machine is idle or certain
// to break. Within a gap the break condition only gets truer, so the candidates are the slice
// starts and the window's end. The slices come from views, in order, as slice sends them.
func (d *derivation) run(seeds []Seed, views <-chan sweptSlices) (cands []candidate, q int64, hasQ bool) {
	fsms := make([]fsm, len(d.e.profiles))
	for i := range fsms {
		fsms[i] = fsm{profile: int32(i), threshold: d.e.threshold[i], softBreak: d.e.softBreak[i]}
		fsms[i].reset()
	}
	seeded := make([]bool, len(fsms))
	for _, s := range seeds {
		// A seed for a deleted or disabled profile has nothing to warm up; the first seed of a
		// profile wins.
		if i, ok := d.e.byID[s.ProfileID]; ok && !seeded[i] {
			fsms[i].seed(s)
			seeded[i] = true
		}
	}
	// Only a machine that is not idle, or a profile whose primary rules the slice meets, can
	// change: an idle machine ignores every other token. They are stepped in profile order,
	// so candidates come out as if every machine were stepped.
	var busy, step []int32
	for p := range fsms {
		if fsms[p].state != idle {
			busy = append(busy, int32(p))
		}
	}
	var view sweptSlices
	for i := 0; i < len(view.slices) || view.more(views, i); i++ {
		sl := view.slices[i]
		if quiescent(fsms, busy, sl.start) {
			q, hasQ = sl.start, true
		}
		u := d.union(view.states[sl.off : sl.off+sl.n])
		var primaries []int32
		var toks []profile.Token // nil: classify each stepped profile
		if d.plans != nil {
			pl := d.plan(u)
			primaries, toks = pl.primaries, pl.toks
		} else {
			primaries = d.primaryProfiles(u)
		}
		step = mergeProfiles(step[:0], busy, primaries)
		busy = busy[:0]
		for _, p := range step {
			var tok profile.Token
			if toks != nil {
				tok = toks[p]
			} else {
				tok, _ = d.classify(u, int(p))
			}
			cands = fsms[p].step(tok, sl.start, sl.end, int32(i), cands)
			if fsms[p].state != idle {
				busy = append(busy, p)
			}
		}
	}
	if quiescent(fsms, busy, d.to) {
		q, hasQ = d.to, true
	}
	for _, p := range busy {
		cands = fsms[p].finish(cands)
	}
	return cands, q, hasQ
}

// primaryProfiles lists, in order, the profiles with a primary rule among the bits of u.
func (d *derivation) primaryProfiles(u []uint64) []int32 {
	out := d.profBuf[:0]
	for w, x := range u {
		x &= d.e.primaries[w]
		for x != 0 {
			p := d.e.owner[w*64+bits.TrailingZeros64(x)]
			if n := len(out); n == 0 || out[n-1] != p {
				out = append(out, p)
			}
			x &= x - 1
		}
	}
	d.profBuf = out
	return out
}

// mergeProfiles appends the union of two ascending lists to dst, ascending.
func mergeProfiles(dst, a, b []int32) []int32 {
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			dst, a = append(dst, a[0]), a[1:]
		case b[0] < a[0]:
			dst, b = append(dst, b[0]), b[1:]
		default:
			dst, a, b = append(dst, a[0]), a[1:], b[1:]
		}
	}
	return append(append(dst, a...), b...)
}

// quiescent reports whether every machine is broken at at; idle ones are, so only the busy
// ones are asked.
func quiescent(fsms []fsm, busy []int32, at int64) bool {
	for _, p := range busy {
		if !fsms[p].brokenAt(at) {
			return false
		}
	}
	return true
}

// Profiles returns the enabled profiles the engine derives blocks for, in list order.
func (e *Engine) Profiles() []profile.Profile {
	ps := make([]profile.Profile, len(e.profiles))
	for i, c := range e.profiles {
		ps[i] = c.Profile
	}
	return ps
}
