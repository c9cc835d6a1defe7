package engine

import (
	"runtime"
	"time"
)

// blockScratch is what the block phase (titles and evidence, after allocation) writes: its
// buffers and its memos, which only save work. Everything else of a derivation is read-only
// by then, so workers that each have their own blockScratch can build blocks side by side.
type blockScratch struct {
	unionBuf       []uint64      // a slice's rule bits (Phase 1 uses it too)
	labelOf        []int32       // per match id: its evidence label's id in labels, -1 before
	labels         []evidenceKey // distinct evidence labels
	labelIDs       map[evidenceKey]int32
	slotOf         []int32 // per label id: 1 + its line in the block's evidence, 0 when not in it
	lineIDs        []int32 // the label ids of a block's evidence lines
	groupOf        []int32 // per data id: 1 + its evidence group in the block's title, 0 when none
	blockBuf       []blockSlice
	memberBuf      []blockSlice // evidence groups' members
	tallies        [3]tally     // a block's projects and sites
	titles         memo         // cleaned window title by data id
	projects       memo         // project read from a window title, by data id
	editorProjects memo         // the base name of an editor state's project, by data id
	urlHosts       memo         // the host of a url (with its port), by data id
}

func newBlockScratch(words int) blockScratch {
	return blockScratch{unionBuf: make([]uint64, words), labelIDs: map[evidenceKey]int32{}}
}

// parallelBlockSlices is the least number of slices under the booked blocks for which the
// block phase is split between two workers: below it, starting one costs more than it saves.
const parallelBlockSlices = 2000

// blocks builds the booked blocks: their titles and evidence (§6). Each block depends only on
// its candidate and the read-only tables, so when there are many slices to go through and a
// second core to do it on, the blocks are split in two runs of about as many slices, and the
// later run is built by a worker with its own scratch. The result is the same either way.
func (d *derivation) blocks(cands []candidate, booked []booking) []Block {
	out := make([]Block, len(booked))
	total := 0
	for _, b := range booked {
		c := &cands[b.cand]
		total += int(c.slice - c.sliceLo)
	}
	split := len(booked)
	if total >= parallelBlockSlices && runtime.GOMAXPROCS(0) > 1 {
		for half, i := 0, 0; i < len(booked); i++ {
			c := &cands[booked[i].cand]
			if half += int(c.slice - c.sliceLo); 2*half >= total {
				split = i + 1
				break
			}
		}
	}
	if split == len(booked) {
		d.build(out, cands, booked)
		return out
	}
	w := *d
	w.blockScratch = newBlockScratch(d.e.words)
	inParallel(func() { w.build(out[split:], cands, booked[split:]) }, func() { d.build(out[:split], cands, booked[:split]) })
	return out
}

// build fills out with the blocks of booked.
func (d *derivation) build(out []Block, cands []candidate, booked []booking) {
	for i, b := range booked {
		c := &cands[b.cand]
		p := &d.e.profiles[c.profile].Profile
		bs := d.blockSlices(b, c)
		out[i] = Block{
			ProfileID: p.ID,
			Start:     time.UnixMicro(b.start).UTC(),
			End:       time.UnixMicro(b.end).UTC(),
			Title:     d.title(p, bs),
			Fitness:   time.Duration(c.fitness) * time.Microsecond,
			Evidence:  d.evidence(bs),
		}
	}
}
