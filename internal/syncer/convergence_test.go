package syncer_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// TestConvergence: syncing a recorded day incrementally, every 1, 5, 10 and 60 minutes of
// simulated time with aw-server showing only what had happened by then, leaves the same owned
// events as one backfill of the whole day into an empty calendar: the same number, equal
// profiles and titles, boundaries within 60 s (SYNC.md §5). The quiescent points the runs
// saved are ones of the whole day (savedPoints.check; TestSavedQuiescentPointsAreQuiescent
// checks every one, here it is a sample).
func TestConvergence(t *testing.T) {
	if testing.Short() {
		t.Skip("replays whole days minute by minute")
	}
	type day struct {
		intensity fakedata.Intensity
		seed      int64
		steps     []time.Duration
	}
	days := []day{
		{fakedata.Heavy, 11, []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute, time.Hour}},
		{fakedata.Normal, 11, []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute, time.Hour}},
	}
	// More days, at a coarser step, for the rarer shapes of a day.
	for seed := range int64(6) {
		days = append(days, day{fakedata.Heavy, 100 + seed, []time.Duration{15 * time.Minute}},
			day{fakedata.Normal, 200 + seed, []time.Duration{7 * time.Minute}})
	}
	for _, d := range days {
		data, from, to := dayOf(d.intensity, d.seed)
		ref := newWorld(t, profile.Starters()...)
		newReplay(ref.aw, data).advance(to.Add(24 * time.Hour))
		_, err := ref.backfill(to.Add(2*time.Hour), from, to)
		require.NoError(t, err)
		want := ref.owned()
		require.NotEmpty(t, want)
		requireNoOverlap(t, want)

		for _, step := range d.steps {
			t.Run(fmt.Sprintf("%s day %d every %v", d.intensity, d.seed, step), func(t *testing.T) {
				w := newWorld(t, profile.Starters()...)
				rp := newReplay(w.aw, data)
				var sp savedPoints
				for at := from; !at.After(to.Add(time.Hour)); at = at.Add(step) {
					rp.advance(at)
					sp.note(w, at, w.mustSync(at))
				}
				got := w.owned()
				requireNoOverlap(t, got)
				assertConverged(t, want, got)
				sp.spread(20).check(t, w, from.Add(-time.Hour), to.Add(time.Hour))
			})
		}
	}
}

// assertConverged compares two calendars: same count, and pairwise (in time order) the same
// profile and title with both ends within 60 s.
func assertConverged(t *testing.T, want, got []calendar.Event) {
	t.Helper()
	if !assert.Equal(t, len(want), len(got), "number of owned events") {
		t.Logf("want:\n%v\ngot:\n%v", briefs(want), briefs(got))
		return
	}
	for i := range want {
		w, g := want[i], got[i]
		ok := w.ProfileID == g.ProfileID && w.Title == g.Title &&
			w.Start.Sub(g.Start).Abs() <= time.Minute && w.End.Sub(g.End).Abs() <= time.Minute
		assert.True(t, ok, "event %d: want %v, got %v", i, briefs(want[i : i+1])[0], briefs(got[i : i+1])[0])
	}
}
