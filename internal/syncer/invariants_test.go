package syncer_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// dayWorld is a world replaying a generated day with the starter profiles and a foreign event.
func dayWorld(t *testing.T, intensity fakedata.Intensity, seed int64) (*world, *replay, time.Time) {
	t.Helper()
	data, from, _ := dayOf(intensity, seed)
	w := newWorld(t, profile.Starters()...)
	w.mem.AddForeign("dentist-1@example.com", foreignVEvent)
	return w, newReplay(w.aw, data), from
}

// TestCrashSafety: a failure at every write step of every run (and a crash after the writes
// but before the state was saved), then a clean run, converges to the calendar an
// uninterrupted sequence of runs gives; nothing is duplicated or lost (SYNC.md §5).
func TestCrashSafety(t *testing.T) {
	var times []time.Time
	_, _, day := dayWorld(t, fakedata.Normal, 5)
	for at := day.Add(8 * time.Hour); !at.After(day.Add(20 * time.Hour)); at = at.Add(90 * time.Minute) {
		times = append(times, at)
	}
	// The uninterrupted sequence, and how many changes each run wrote.
	ref, rp, _ := dayWorld(t, fakedata.Normal, 5)
	var writes []int
	for _, at := range times {
		rp.advance(at)
		rep := ref.mustSync(at)
		writes = append(writes, rep.Created+rep.Updated+rep.Deleted)
	}
	want := briefs(ref.owned())
	require.NotEmpty(t, want)

	crashes := 0
	for i, at := range times {
		for step := 0; step <= writes[i]; step++ {
			w, rp, _ := dayWorld(t, fakedata.Normal, 5)
			for _, before := range times[:i] {
				rp.advance(before)
				w.mustSync(before)
			}
			rp.advance(at)
			if step < writes[i] {
				// The step-th change fails, as if the process died there.
				n := 0
				w.mem.FailOn(func(calendar.Change) error {
					if n++; n > step {
						return errors.New("killed")
					}
					return nil
				})
				_, err := w.sync(at)
				require.Error(t, err, "run %d, step %d", i, step)
				w.mem.FailOn(nil)
			} else {
				// Every change applied, then the process died before saving the state.
				saved, err := os.ReadFile(w.statePath)
				if errors.Is(err, os.ErrNotExist) {
					w.mustSync(at)
					require.NoError(t, os.Remove(w.statePath))
				} else {
					require.NoError(t, err)
					w.mustSync(at)
					require.NoError(t, os.WriteFile(w.statePath, saved, 0o600))
				}
			}
			crashes++
			for _, after := range times[i:] {
				rp.advance(after)
				w.mustSync(after)
			}
			got := w.owned()
			requireNoOverlap(t, got)
			require.Equal(t, want, briefs(got), "crash in run %d at step %d did not converge", i, step)
			foreign, ok := w.mem.Foreign("dentist-1@example.com")
			require.True(t, ok)
			require.Equal(t, foreignVEvent, foreign)
		}
	}
	t.Logf("%d crash points checked", crashes)
	assert.Greater(t, crashes, len(times), "the day must have runs with several changes")
}

// TestForeignSafetyAndNoOverlap drives random sequences of runs — incremental syncs at random
// times, custom ranges, profile edits, a lost state file — over a heavy day. After every run
// the foreign event is byte-identical and no two owned events overlap (SYNC.md §5).
func TestForeignSafetyAndNoOverlap(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(seed, 99))
			w, rp, day := dayWorld(t, fakedata.Heavy, int64(seed))
			at := day.Add(7 * time.Hour)
			for range 40 {
				at = at.Add(time.Duration(1+rnd.IntN(45)) * time.Minute)
				rp.advance(at)
				var err error
				switch r := rnd.IntN(10); {
				case r < 6:
					_, err = w.sync(at)
				case r < 8:
					from := day.Add(time.Duration(rnd.IntN(int(at.Sub(day)/time.Minute))) * time.Minute)
					to := from.Add(time.Duration(1+rnd.IntN(300)) * time.Minute)
					_, err = w.backfill(at, from, to)
				case r == 8:
					// The person edits a profile: thresholds and soft breaks change.
					i := rnd.IntN(len(w.cfg.Profiles))
					ps := append([]profile.Profile(nil), w.cfg.Profiles...)
					ps[i].Threshold = float64(1 + rnd.IntN(15))
					ps[i].SoftBreak = float64(rnd.IntN(6))
					w.cfg.Profiles = ps
					_, err = w.sync(at)
				default:
					// The state file is lost: the next run starts over from the lookback.
					if err := os.Remove(w.statePath); !errors.Is(err, os.ErrNotExist) {
						require.NoError(t, err)
					}
					_, err = w.sync(at)
				}
				require.NoError(t, err)
				requireNoOverlap(t, w.owned())
				foreign, ok := w.mem.Foreign("dentist-1@example.com")
				require.True(t, ok)
				require.Equal(t, foreignVEvent, foreign)
			}
		})
	}
}

// TestStrategyContract checks SYNC.md §1.
func TestStrategyContract(t *testing.T) {
	setup := func(t *testing.T) *world {
		w := newWorld(t, coding, meetings)
		w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
		w.window(hm(10, 0), hm(10, 30), "zoom", "Standup")
		w.window(hm(11, 30), hm(13, 0), "Code", "sync.go")
		w.window(hm(14, 0), hm(15, 0), "zoom", "Review")
		return w
	}
	t.Run("manual and automatic runs advance lastSyncTime", func(t *testing.T) {
		w := setup(t)
		w.mustSync(hm(10, 0))
		require.NotNil(t, w.state().LastSyncTime)
		assert.True(t, w.state().LastSyncTime.Equal(hm(10, 0)))
		_, err := w.run(hm(11, 0), syncer.Request{Trigger: syncer.Automatic})
		require.NoError(t, err)
		assert.True(t, w.state().LastSyncTime.Equal(hm(11, 0)))
	})
	t.Run("a custom range never advances lastSyncTime and never duplicates", func(t *testing.T) {
		w := setup(t)
		w.mustSync(hm(10, 0))
		before := w.state()
		for range 2 {
			rep, err := w.backfill(hm(16, 0), hm(8, 0), hm(12, 0))
			require.NoError(t, err)
			assert.Equal(t, config.StrategyCustom, rep.Strategy)
			st := w.state()
			assert.Equal(t, before.LastSyncTime, st.LastSyncTime)
			assert.Equal(t, before.Quiescent, st.Quiescent)
			assert.Equal(t, config.StrategyCustom, st.LastRun.Strategy)
		}
		assert.Equal(t, []brief{
			{"coding", "Code - main.go", hm(9, 0), hm(10, 0)},
			{"meetings", "Standup", hm(10, 0), hm(10, 30)},
			{"coding", "Code - sync.go", hm(11, 30), hm(13, 0)}, // crosses the end: derived whole
		}, briefs(w.owned()))
	})
	t.Run("the custom strategy selected in the settings", func(t *testing.T) {
		w := setup(t)
		from, to := hm(13, 30), hm(16, 0)
		w.cfg.SetStrategy(config.StrategyCustom)
		w.cfg.Sync.CustomStart, w.cfg.Sync.CustomEnd = &from, &to
		rep, err := w.sync(hm(17, 0))
		require.NoError(t, err)
		assert.Equal(t, syncer.ModeCustom, rep.Mode)
		assert.Nil(t, w.state().LastSyncTime)
		assert.Equal(t, []brief{{"meetings", "Review", hm(14, 0), hm(15, 0)}}, briefs(w.owned()))
		// Automatic runs are refused while it is selected, and write nothing.
		w.cfg.Sync.AutoSync = true // even if a hand-edited file turned it on
		_, err = w.run(hm(17, 10), syncer.Request{Trigger: syncer.Automatic})
		assert.ErrorIs(t, err, syncer.ErrNotAllowed)
		assert.Len(t, w.owned(), 1)
	})
	t.Run("automatic runs need auto sync on", func(t *testing.T) {
		w := setup(t)
		w.cfg.Sync.AutoSync = false
		_, err := w.run(hm(12, 0), syncer.Request{Trigger: syncer.Automatic})
		assert.ErrorIs(t, err, syncer.ErrNotAllowed)
		assert.Empty(t, w.owned())
		_, statErr := os.Stat(w.statePath)
		assert.ErrorIs(t, statErr, os.ErrNotExist, "a refused run does not touch the state")
	})
	t.Run("backfilling the morning leaves the afternoon's block as it was", func(t *testing.T) {
		w := setup(t)
		w.mustSync(hm(16, 0))
		afternoon := w.owned()[3]
		require.Equal(t, brief{"meetings", "Review", hm(14, 0), hm(15, 0)}, briefs([]calendar.Event{afternoon})[0])
		_, err := w.backfill(hm(16, 0), hm(8, 0), hm(12, 0))
		require.NoError(t, err)
		assert.Equal(t, afternoon, w.owned()[3])
	})
	t.Run("a dry run writes nothing", func(t *testing.T) {
		w := setup(t)
		rep, err := w.run(hm(16, 0), syncer.Request{Trigger: syncer.Manual, DryRun: true})
		require.NoError(t, err)
		assert.Equal(t, syncer.Counts{Created: 4}, rep.Counts)
		require.Len(t, rep.Changes, 4)
		assert.Equal(t, calendar.Create, rep.Changes[0].Op)
		assert.Empty(t, w.owned())
		_, statErr := os.Stat(w.statePath)
		assert.ErrorIs(t, statErr, os.ErrNotExist)
	})
}
