package activitywatch

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
)

// TestAssemblerResultIsTheStableSort: whatever order the pieces' answers come in (newest
// first as servers answer, or shuffled, with many equal starts), the joined events come out
// as a stable sort of all of them by start descending, the order result promises.
func TestAssemblerResultIsTheStableSort(t *testing.T) {
	base := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 500 {
		var a assembler
		var all []activity.Event
		id := int64(0)
		pieces := 1 + rng.IntN(5)
		for k := range pieces {
			p := piece{base.Add(time.Duration(k) * time.Hour), base.Add(time.Duration(k+1) * time.Hour)}
			evs := make([]activity.Event, rng.IntN(30))
			for i := range evs {
				id++
				// Starts on a coarse grid, so that many are equal; now and then one from an
				// earlier piece's hour, as a trimmed or late event can be.
				start := p.start.Add(time.Duration(rng.IntN(6)) * 10 * time.Minute)
				if rng.IntN(10) == 0 {
					start = base.Add(time.Duration(rng.IntN(6*pieces)) * 10 * time.Minute)
				}
				evs[i] = activity.Event{ID: id, Timestamp: start, Duration: 1}
			}
			if round%3 != 0 { // as servers answer: newest first
				slices.SortStableFunc(evs, func(x, y activity.Event) int { return y.Timestamp.Compare(x.Timestamp) })
			}
			all = append(all, evs...)
			a.add(k, p, evs)
		}
		want := slices.Clone(all)
		slices.SortStableFunc(want, func(x, y activity.Event) int { return y.Timestamp.Compare(x.Timestamp) })
		got := a.result()
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, want[i].ID, got[i].ID, "round %d, event %d", round, i)
		}
	}
}
