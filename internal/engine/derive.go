package engine

import (
	"hash/maphash"
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
	hosts    map[string]int32
	webHosts [][]int32 // per browser: hosts of its selected web buckets

	tkIDs     map[typeKind]int32
	tks       []tkRec
	seed      maphash.Seed
	byHash    map[uint64]int32 // data hash → the latest record with it
	datas     []dataRec
	ruleCache []map[string]bool // per rule: subject → match
	labels    map[int32]string  // evidence label by match id
	matchIDs  map[[2]int32]int32
	matches   []matchRec
	bits      []uint64 // rule bitsets, e.words per match

	slices []sliceRec
	states []int32

	hostBuf  []int32
	awayBuf  []int32
	unionBuf []uint64

	diag Diagnostics
}

// Derive turns the input's events into blocks (ENGINE.md §1–§6). It never fails: malformed
// events are skipped and counted in the diagnostics; an empty or inverted window gives nothing.
func (e *Engine) Derive(in Input) Result {
	d := newDerivation(e, in)
	if d.to <= d.from {
		return Result{Blocks: []Block{}}
	}
	d.load(in.Buckets)
	d.slice()
	cands, q, hasQ := d.run(in.Seeds)
	booked := d.allocate(cands)

	res := Result{Blocks: make([]Block, 0, len(booked)), Diagnostics: d.diag}
	for _, b := range booked {
		c := &cands[b.cand]
		p := &e.profiles[c.profile].Profile
		bs := d.blockSlices(b, c)
		res.Blocks = append(res.Blocks, Block{
			ProfileID: p.ID,
			Start:     time.UnixMicro(b.start).UTC(),
			End:       time.UnixMicro(b.end).UTC(),
			Title:     d.title(p, bs),
			Fitness:   time.Duration(c.fitness) * time.Microsecond,
			Evidence:  d.evidence(bs),
		})
	}
	if hasQ {
		res.Quiescent = time.UnixMicro(q).UTC()
	}
	res.Diagnostics.Events = len(d.events)
	res.Diagnostics.Slices = len(d.slices)
	res.Diagnostics.Candidates = len(cands)
	return res
}

func newDerivation(e *Engine, in Input) *derivation {
	return &derivation{
		e: e, from: in.From.UnixMicro(), to: in.To.UnixMicro(),
		hosts: map[string]int32{}, tkIDs: map[typeKind]int32{}, seed: maphash.MakeSeed(), byHash: map[uint64]int32{},
		matchIDs: map[[2]int32]int32{}, unionBuf: make([]uint64, e.words), ruleCache: make([]map[string]bool, len(e.rules)),
		labels: map[int32]string{},
	}
}

// run is Phase 1 (§4): every profile's machine over the slices, seeded first. It also finds the
// latest quiescent point: an instant no slice spans at which every machine is idle or certain
// to break. Within a gap the break condition only gets truer, so the candidates are the slice
// starts and the window's end.
func (d *derivation) run(seeds []Seed) (cands []candidate, q int64, hasQ bool) {
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
	for i, sl := range d.slices {
		if quiescent(fsms, sl.start) {
			q, hasQ = sl.start, true
		}
		u := d.union(d.sliceStates(sl))
		for p := range fsms {
			tok, _ := d.classify(u, p)
			cands = fsms[p].step(tok, sl.start, sl.end, int32(i), cands)
		}
	}
	if quiescent(fsms, d.to) {
		q, hasQ = d.to, true
	}
	for p := range fsms {
		cands = fsms[p].finish(cands)
	}
	return cands, q, hasQ
}

func quiescent(fsms []fsm, at int64) bool {
	for i := range fsms {
		if !fsms[i].brokenAt(at) {
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
