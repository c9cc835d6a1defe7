package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// heavyWeek is a generated week of heavy activity, derived with the starter profiles: events
// and slices enough for every phase that can use a second core to use it.
func heavyWeek(t *testing.T) (*Engine, Input) {
	t.Helper()
	opts := fakedata.Options{Days: 7, Seed: 3, Intensity: fakedata.Heavy}
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, opts.Days-1)
	return newEngine(t, profile.Starters(), DefaultOptions()), Input{From: from, To: to, Buckets: fakedata.Generate(opts)}
}

// TestBlocksSplitBuildsWhatOneRunBuilds: a heavy week has slices enough for the block phase to
// be split between two workers, and the blocks are those one run through the same bookings
// builds, titles and evidence included. (The race detector runs this test in make test: a
// field the worker writes outside its own scratch is reported there.)
func TestBlocksSplitBuildsWhatOneRunBuilds(t *testing.T) {
	e, in := heavyWeek(t)
	d := derive(e, in)
	cands, _, _ := d.runSwept(nil)
	booked := d.allocate(cands)
	total := 0
	for _, b := range booked {
		total += int(cands[b.cand].slice - cands[b.cand].sliceLo)
	}
	require.GreaterOrEqual(t, total, parallelBlockSlices, "the week is split")

	one := make([]Block, len(booked))
	w := *d
	w.blockScratch = newBlockScratch(e.words)
	w.build(one, cands, booked)
	require.Equal(t, one, d.blocks(cands, booked))
	require.Equal(t, one, e.Derive(in).Blocks)
}
