package engine

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSweepBesideRunFindsWhatOneAfterTheOtherFinds: on a heavy week (events enough for Phase 1
// to run beside the sweep, slices enough for many chunks) the candidates, the quiescent point,
// the slices and their states are those of the sweep followed by Phase 1. (The race detector
// runs this test in make test.)
func TestSweepBesideRunFindsWhatOneAfterTheOtherFinds(t *testing.T) {
	e, in := heavyWeek(t)
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
