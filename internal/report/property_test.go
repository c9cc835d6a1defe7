package report

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// TestPropertyTotalsEqualBlockDurations derives generated weeks with the starter profiles and
// requires the day report's time per profile and day to equal the durations of the blocks
// summed by a separate route (each block split at local midnights, keyed by date), the week
// report to sum the days, and the category report to sum the profiles.
func TestPropertyTotalsEqualBlockDurations(t *testing.T) {
	starters := profile.Starters()
	eng, err := engine.New(starters, engine.DefaultOptions())
	require.NoError(t, err)
	category := map[string]string{}
	for _, p := range starters {
		category[p.Name] = p.Category
	}
	for _, tc := range []struct {
		seed      int64
		loc       string
		intensity fakedata.Intensity
	}{
		{1, "UTC", fakedata.Normal},
		{7, "Europe/Berlin", fakedata.Heavy},
		{42, "America/New_York", fakedata.Normal},
		{99, "Asia/Kolkata", fakedata.Heavy},
	} {
		t.Run(fmt.Sprintf("seed %d %s", tc.seed, tc.loc), func(t *testing.T) {
			loc := mustLoad(tc.loc)
			opts := fakedata.Options{Days: 9, Seed: tc.seed, Intensity: tc.intensity, Location: loc}
			buckets := fakedata.Generate(opts)
			from, _ := fakedata.Day(opts, 0)
			_, to := fakedata.Day(opts, opts.Days-1)
			// Cut the range inside the first and last day, so blocks cross its edges too.
			from, to = from.Add(10*time.Hour), to.Add(-3*time.Hour)
			blocks := eng.Derive(engine.Input{From: from.Add(-6 * time.Hour), To: to, Buckets: buckets}).Blocks
			require.NotEmpty(t, blocks)

			want := map[string]map[string]time.Duration{} // date → profile name → time
			var all time.Duration
			name := map[string]string{}
			for _, p := range starters {
				name[p.ID] = p.Name
			}
			for _, b := range blocks {
				s, e := maxTime(b.Start, from).In(loc), minTime(b.End, to).In(loc)
				for s.Before(e) {
					y, m, d := s.Date()
					cut := minTime(time.Date(y, m, d+1, 0, 0, 0, 0, loc), e)
					date := s.Format(time.DateOnly)
					if want[date] == nil {
						want[date] = map[string]time.Duration{}
					}
					want[date][name[b.ProfileID]] += cut.Sub(s)
					all += cut.Sub(s)
					s = cut
				}
			}

			active := ActiveSpans(buckets)
			o := Options{From: from, To: to, Location: loc, Period: ByDay, Group: ByProfile, Profiles: starters}
			days := Build(blocks, active, o)
			require.Len(t, days.Rows, opts.Days)
			for _, row := range days.Rows {
				date := row.Start.In(loc).Format(time.DateOnly)
				got := map[string]time.Duration{}
				for _, tot := range row.Totals {
					assert.Positive(t, tot.Duration)
					got[tot.Name] = tot.Duration
				}
				if len(want[date]) == 0 {
					assert.Empty(t, got, date)
				} else {
					assert.Equal(t, want[date], got, date)
				}
				assert.LessOrEqual(t, row.Active, row.End.Sub(row.Start), date)
				if row.Active > 0 {
					assert.False(t, row.First.Before(row.Start) || row.Last.After(row.End) || row.Last.Before(row.First), date)
				}
			}
			assert.Equal(t, all, days.Total)

			o.Period = ByWeek
			weeks := Build(blocks, active, o)
			var weekSum, weekActive time.Duration
			for _, row := range weeks.Rows {
				weekSum += row.Total
				weekActive += row.Active
			}
			assert.Equal(t, days.Total, weekSum)
			assert.Equal(t, days.Active, weekActive)
			assert.Equal(t, days.Totals, weeks.Totals)

			o.Period, o.Group = ByDay, ByCategory
			cats := Build(blocks, active, o)
			for i, row := range cats.Rows {
				byCat := map[string]time.Duration{}
				for _, tot := range days.Rows[i].Totals {
					byCat[category[tot.Name]] += tot.Duration
				}
				for _, tot := range row.Totals {
					assert.Equal(t, byCat[tot.Name], tot.Duration)
				}
				assert.Len(t, row.Totals, len(byCat))
			}
		})
	}
}
