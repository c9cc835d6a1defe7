package engine

import "runtime"

// sweptSlices is the slices a sweep has emitted so far, with the states they refer to.
type sweptSlices struct {
	slices []sliceRec
	states []int32
}

// more waits on views for a view of more than n slices and makes it v; false when none comes.
func (v *sweptSlices) more(views <-chan sweptSlices, n int) bool {
	for next := range views {
		if *v = next; len(next.slices) > n {
			return true
		}
	}
	return false
}

// sliceChunk is how many slices the sweep emits before it hands them to Phase 1.
const sliceChunk = 1024

// parallelSliceEvents is the least number of events for which Phase 1 runs beside the sweep
// (Phase 0) instead of after it.
const parallelSliceEvents = 4000

// sliceAndRun is Phase 0 and Phase 1. With many events and a second core, the sweep runs on a
// worker and the machines step through its slices a chunk at a time as they come, so that the
// two phases take about as long as the longer one; the result is the same either way.
func (d *derivation) sliceAndRun(seeds []Seed) (cands []candidate, q int64, hasQ bool) {
	if len(d.events) < parallelSliceEvents || runtime.GOMAXPROCS(0) < 2 {
		d.slice(nil)
		return d.runSwept(seeds)
	}
	views := make(chan sweptSlices, 64)
	// d.slices and d.states are the sweep's own until it ends; Phase 1 reads the views.
	inParallel(func() { d.slice(views) }, func() { cands, q, hasQ = d.run(seeds, views) })
	return cands, q, hasQ
}

// runSwept is Phase 1 over the slices of a sweep that has ended.
func (d *derivation) runSwept(seeds []Seed) (cands []candidate, q int64, hasQ bool) {
	views := make(chan sweptSlices, 1)
	views <- sweptSlices{d.slices, d.states}
	close(views)
	return d.run(seeds, views)
}
