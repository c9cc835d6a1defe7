package reliability_test

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/fakedata"
)

// TestTwoProcessesNeverDuplicate is issue 13's defect 1 between real processes: two `awcal sync`
// processes (or a sync and a backfill) started together on one installation, each round on a
// fresh .ics calendar that holds a foreign event, at a random moment of a heavy day. Both must
// succeed (the second waits for the first's lock instead of failing), the calendar must hold
// each block once, and the foreign event must be untouched. The timing is the OS's: the
// deterministic interleavings are internal/syncer's TestTwoSyncsNeverDuplicate and
// TestConcurrencyLoop. go test runs 3 rounds, AWCAL_STRESS=1 runs 200 (AWCAL_PROCESS_ROUNDS
// overrides).
func TestTwoProcessesNeverDuplicate(t *testing.T) {
	data, day, _ := generate(1, fakedata.Heavy, 17)
	rounds := envInt("AWCAL_PROCESS_ROUNDS", 3)
	if stress() {
		rounds = envInt("AWCAL_PROCESS_ROUNDS", 200)
	}
	rng := rand.New(rand.NewPCG(17, 0))
	var backfills, owned int
	for round := range rounds {
		w := newWorld(t, data, func(h *home) target { return newICSTarget(h) }, nil)
		w.cal.addForeign(t, "lunch@other.example", foreignVEvent("lunch@other.example", day.Add(12*time.Hour), time.Hour, "Lunch"))
		before := w.cal.foreign(t)
		now := day.Add(11*time.Hour + time.Duration(rng.IntN(8*60))*time.Minute)
		w.rp.advance(now)
		args := [2][]string{nil, nil}
		if rng.IntN(3) == 0 {
			args[rng.IntN(2)] = []string{"--from", stamp(day), "--to", stamp(now)}
			backfills++
		}
		var results [2]result
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = w.sync(t, now, args[i]...)
			}()
		}
		wg.Wait()
		for _, r := range results {
			require.Equal(t, 0, r.code, "round %d: %s", round, r)
		}
		evs := w.cal.owned(t)
		require.NotEmpty(t, evs, "round %d wrote nothing", round)
		if !assertWellFormed(t, evs) {
			t.Fatalf("round %d (now %s, args %v): a block was written twice", round, stamp(now), args)
		}
		assert.Equal(t, before, w.cal.foreign(t), "round %d: the foreign event changed", round)
		owned += len(evs)
	}
	figure(t, "two_processes", map[string]any{"rounds": rounds, "with_backfill": backfills, "owned_events": owned, "duplicates": 0})
}
