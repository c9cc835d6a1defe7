package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// TestSweepBesideRunFindsWhatOneAfterTheOtherFinds: on a heavy week (events enough for Phase 1
// to run beside the sweep, slices enough for many chunks) the candidates, the quiescent point,
// the slices and their states are those of the sweep followed by Phase 1. (The race detector
// runs this test in make test.)
func TestSweepBesideRunFindsWhatOneAfterTheOtherFinds(t *testing.T) {
	opts := fakedata.Options{Days: 7, Seed: 3, Intensity: fakedata.Heavy}
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, opts.Days-1)
	in := Input{From: from, To: to, Buckets: fakedata.Generate(opts)}
	e := newEngine(t, profile.Starters(), DefaultOptions())

	after := derive(e, in)
	wantCands, wantQ, wantHasQ := after.runSwept(nil)
	require.GreaterOrEqual(t, len(after.events), parallelSliceEvents)
	require.Greater(t, len(after.slices), 4*sliceChunk, "the sweep hands over several chunks")

	beside := newDerivation(e, in)
	beside.load(in.Buckets)
	cands, q, hasQ := beside.sliceAndRun(nil)
	require.Equal(t, wantCands, cands)
	require.Equal(t, []any{wantQ, wantHasQ}, []any{q, hasQ})
	require.Equal(t, after.slices, beside.slices)
	require.Equal(t, after.states, beside.states)
}
