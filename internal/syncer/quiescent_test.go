package syncer_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// savedPoints collects the quiescent points the runs of a replay saved, each with the run that
// saved it, to check them against the whole activity afterwards (check).
type savedPoints struct {
	points []savedPoint
}

type savedPoint struct {
	q, at time.Time
	mode  syncer.Mode
}

// note records the quiescent point in w's state after a run at at, if it is a new one.
func (s *savedPoints) note(w *world, at time.Time, rep *syncer.Report) {
	w.t.Helper()
	q := w.state().Quiescent
	if q == nil {
		return
	}
	if n := len(s.points); n > 0 && s.points[n-1].q.Equal(*q) {
		return
	}
	s.points = append(s.points, savedPoint{q: *q, at: at, mode: rep.Mode})
}

// spread keeps every point a run saved that did not start from a saved point, and of the
// others (a run from a true quiescent point saves true ones, ENGINE.md §4) at most n, spread
// evenly: checking each of a day synced every minute would double TestConvergence's time.
func (s *savedPoints) spread(n int) *savedPoints {
	var fromQ int
	for _, p := range s.points {
		if p.mode == syncer.ModeQuiescent {
			fromQ++
		}
	}
	every := max(1, (fromQ+n-1)/n)
	out := &savedPoints{}
	i := 0
	for _, p := range s.points {
		if p.mode == syncer.ModeQuiescent {
			if i++; (i-1)%every != 0 {
				continue
			}
		}
		out.points = append(out.points, p)
	}
	return out
}

// check derives all the activity aw-server holds now over [from, to] once, and from each
// saved point Q to to: a saved point must be quiescent in the activity as it was finally
// recorded (SYNC.md §2.3), so that the run starting from it (ModeQuiescent) gets exactly the
// blocks a derivation from further back gets after Q — no block spans Q, and the blocks from
// Q on are the same. from must lie at or before the first activity (every machine idle).
func (s *savedPoints) check(t *testing.T, w *world, from, to time.Time) {
	t.Helper()
	for _, bad := range s.violations(t, w, from, to) {
		t.Error(bad)
	}
}

// violations is check's list of failures, one line each.
func (s *savedPoints) violations(t testing.TB, w *world, from, to time.Time) []string {
	t.Helper()
	if len(s.points) == 0 {
		return nil
	}
	act, err := syncer.ReadActivity(context.Background(), w.client, w.cfg, from, to)
	require.NoError(t, err)
	eng, err := pipeline.Engine(w.cfg)
	require.NoError(t, err)
	whole := eng.Derive(engine.Input{From: from, To: to, Buckets: act.Buckets}).Blocks
	var out []string
	for _, p := range s.points {
		var want []engine.Block
		for _, b := range whole {
			if b.Start.Before(p.q) && b.End.After(p.q) {
				out = append(out, fmt.Sprintf("saved Q %s (run at %s, %s) is inside block %s",
					p.q.Format(time.TimeOnly), p.at.Format(time.TimeOnly), p.mode, blockString(b)))
			}
			if !b.Start.Before(p.q) {
				want = append(want, b)
			}
		}
		got := eng.Derive(engine.Input{From: p.q, To: to, Buckets: act.Buckets}).Blocks
		if !slices.EqualFunc(want, got, sameBlock) {
			out = append(out, fmt.Sprintf("saved Q %s (run at %s, %s): deriving from it differs from deriving from %s:\n%s",
				p.q.Format(time.TimeOnly), p.at.Format(time.TimeOnly), p.mode, from.Format(time.TimeOnly), blockDiff(want, got)))
		}
	}
	return out
}

func sameBlock(a, b engine.Block) bool {
	return a.ProfileID == b.ProfileID && a.Title == b.Title && a.Start.Equal(b.Start) && a.End.Equal(b.End)
}

func blockString(b engine.Block) string {
	return fmt.Sprintf("%s %q %s–%s", b.ProfileID, b.Title, b.Start.Format(time.TimeOnly), b.End.Format(time.TimeOnly))
}

// blockDiff lists the blocks only one of want and got has.
func blockDiff(want, got []engine.Block) string {
	s := ""
	for _, b := range want {
		if !slices.ContainsFunc(got, func(g engine.Block) bool { return sameBlock(b, g) }) {
			s += "  only from further back: " + blockString(b) + "\n"
		}
	}
	for _, b := range got {
		if !slices.ContainsFunc(want, func(g engine.Block) bool { return sameBlock(b, g) }) {
			s += "  only from Q:            " + blockString(b) + "\n"
		}
	}
	return s
}

// TestContinuitySavesOnlyATrueQuiescentPoint: a continuity run derives from a minute before the
// event it continues, where another profile's session may still be open. Here writing warmed
// up for four minutes before the meeting, and a minute of Slack and the two-minute meeting
// (three minutes: exactly the soft break) do not end it: one derivation of the morning gives
// a single writing block from 08:55 that swallows the meeting. The run anchored at 08:59 sees
// writing only from 09:02, and every machine idle at 09:00; that point is no quiescent point
// of the activity, and the run must not save it for the next run to start from.
func TestContinuitySavesOnlyATrueQuiescentPoint(t *testing.T) {
	w := newWorld(t, coding, meetings, writing)
	w.window(hm(8, 55), hm(8, 59), "LibreOffice Writer", "plan.odt")
	w.window(hm(8, 59), hm(9, 0), "Slack", "general")
	w.window(hm(9, 0), hm(9, 2), "zoom", "Sync")
	w.window(hm(9, 2), hm(10, 30), "LibreOffice Writer", "plan.odt")

	last := hm(9, 2).Add(30 * time.Second)
	w.mustSync(last)
	require.Equal(t, []brief{{"meetings", "Sync", hm(9, 0), hm(9, 2)}}, briefs(w.owned()),
		"at 09:02:30 writing has 4.5 minutes: still warming up")
	w.setState(config.State{LastSyncTime: &last}) // the quiescent point is unknown

	var sp savedPoints
	for _, at := range []time.Time{hm(10, 20), hm(10, 40), hm(11, 0)} {
		rep := w.mustSync(at)
		sp.note(w, at, rep)
	}
	sp.check(t, w, hm(6, 0), hm(11, 0))
}

// TestFirstSyncSavesOnlyATrueQuiescentPoint: the first run derives from the latest quiescent
// point in the cap before its cut-off, and that derivation starts at the cap's start, where a
// session may be open: the same writing session as in
// TestContinuitySavesOnlyATrueQuiescentPoint, open at 08:59. Every machine idle at 09:00 in a
// derivation from 08:59 does not make 09:00 a quiescent point to derive from, nor to save.
func TestFirstSyncSavesOnlyATrueQuiescentPoint(t *testing.T) {
	w := newWorld(t, coding, meetings, writing)
	w.cfg.Sync.FirstSyncLookbackHours = 1
	w.cfg.Sync.ContinuityCapHours = 1
	w.window(hm(8, 55), hm(8, 59), "LibreOffice Writer", "plan.odt")
	w.window(hm(8, 59), hm(9, 0), "Slack", "general")
	w.window(hm(9, 0), hm(9, 2), "zoom", "Sync")
	w.window(hm(9, 2), hm(11, 30), "LibreOffice Writer", "plan.odt")

	var sp savedPoints
	for i, at := range []time.Time{hm(10, 59), hm(11, 20), hm(11, 40), hm(12, 0)} {
		rep := w.mustSync(at)
		if i == 0 {
			require.Equal(t, syncer.ModeFirst, rep.Mode)
			assert.Equal(t, hm(8, 59), rep.DerivedFrom, "the cap before the cut-off at 09:59 holds no quiescent point")
		}
		sp.note(w, at, rep)
	}
	sp.check(t, w, hm(6, 0), hm(12, 0))
}

// quiescentDays is how many generated days TestSavedQuiescentPointsAreQuiescent replays: 400
// under AWCAL_STRESS=1 (make stress; AWCAL_QUIESCENT_DAYS overrides), 6 otherwise.
func quiescentDays(t *testing.T) int {
	return stressCount(t, "AWCAL_QUIESCENT_DAYS", 400, 6)
}

// TestSavedQuiescentPointsAreQuiescent replays generated days (heavy and normal, AFK periods
// written late as aw-watcher-afk writes them) with syncs at random times — every few minutes,
// or hours apart — a continuity cap from 15 minutes to 6 hours (the smaller the cap, the more
// runs start from a continuity anchor, a seed or a lookback instead of Q), now and then a lost
// state file, and in a third of the days review on hold. Every quiescent point a run saved must
// be one in the day as it was finally recorded (savedPoints.check).
func TestSavedQuiescentPointsAreQuiescent(t *testing.T) {
	days := quiescentDays(t)
	modes := map[syncer.Mode]int{}
	saved := map[syncer.Mode]int{}
	runs := 0
	for day := range days {
		rnd := rand.New(rand.NewPCG(uint64(day), 17))
		intensity := []fakedata.Intensity{fakedata.Normal, fakedata.Heavy}[day%2]
		data, from, to := dayOf(intensity, int64(1000+day))
		w := newWorld(t, profile.Starters()...)
		if rnd.IntN(3) == 0 {
			w.cfg.Sync.Review = config.ReviewHold
		}
		w.cfg.Sync.ContinuityCapHours = []float64{0.25, 0.5, 1, 2, 6}[rnd.IntN(5)]
		maxStep := []int{10, 30, 60, 240, 480}[rnd.IntN(5)]
		name := fmt.Sprintf("%s day %d, cap %v h, steps up to %d min, review %s",
			intensity, 1000+day, w.cfg.Sync.ContinuityCapHours, maxStep, w.cfg.Sync.Review)
		rp := newReplay(w.aw, data)
		var sp savedPoints
		for at := from.Add(time.Duration(rnd.IntN(600)) * time.Minute); !at.After(to.Add(time.Hour)); at = at.Add(time.Duration(1+rnd.IntN(maxStep)) * time.Minute) {
			if rnd.IntN(40) == 0 {
				// The state file is lost: the next run is a first run again.
				if err := os.Remove(w.statePath); !errors.Is(err, os.ErrNotExist) {
					require.NoError(t, err)
				}
			}
			rp.advance(at)
			rep := w.mustSync(at)
			n := len(sp.points)
			sp.note(w, at, rep)
			runs++
			modes[rep.Mode]++
			if len(sp.points) > n {
				saved[rep.Mode]++
			}
		}
		rp.advance(to.Add(24 * time.Hour))
		for _, bad := range sp.violations(t, w, from.Add(-time.Hour), to.Add(2*time.Hour)) {
			t.Errorf("%s: %s", name, bad)
		}
	}
	t.Logf("%d days, %d runs by mode %v; new quiescent points saved by mode %v", days, runs, modes, saved)
	require.Positive(t, saved[syncer.ModeContinuity]+saved[syncer.ModeSeed]+saved[syncer.ModeLookback],
		"some points must come from runs that did not start from Q")
}
