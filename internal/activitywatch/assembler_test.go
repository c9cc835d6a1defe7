package activitywatch

import (
	"math"
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
		var all []activity.Event
		id := int64(0)
		pieces := 1 + rng.IntN(5)
		a := assembler{from: base, to: base.Add(time.Duration(pieces) * time.Hour)}
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
			a.add(p, evs)
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

// TestAssemblerJoinsAndTrims: events cut into pieces as aw-server cuts them (each piece's
// answer holds the events overlapping it, trimmed to it, or to a range a little wider, as
// the Python aw-server's rounding does) come out joined again and trimmed to the range, as
// one query for the range answers them, whether the answers come newest first or shuffled
// (which takes the sorting path).
func TestAssemblerJoinsAndTrims(t *testing.T) {
	base := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(3, 4))
	const wider = joinMargin / 2
	overlapping := func(evs []activity.Event, from, to time.Time) []activity.Event {
		var out []activity.Event
		for _, e := range evs {
			if !e.Timestamp.After(to) && !e.End().Before(from) {
				out = append(out, e)
			}
		}
		slices.SortStableFunc(out, func(x, y activity.Event) int { return y.Timestamp.Compare(x.Timestamp) })
		return clamp(out, from, to)
	}
	for round := range 300 {
		hours := 1 + rng.IntN(6)
		from := base.Add(time.Duration(rng.IntN(30)) * time.Minute)
		to := base.Add(time.Duration(hours)*time.Hour - time.Duration(rng.IntN(30))*time.Minute)
		// Distinct starts; shuffled answers start in the range, as ties at its start (events
		// trimmed to it) keep the order of an answer.
		first, shuffled := base, round%3 == 0
		if shuffled {
			first = from
		}
		var all []activity.Event
		for i, s := range rng.Perm(int(to.Sub(first) / time.Second))[:rng.IntN(40)] {
			all = append(all, activity.Event{ID: int64(i + 1), Timestamp: first.Add(time.Duration(s) * time.Second),
				Duration: float64(rng.IntN(3*3600)) + float64(rng.IntN(4))/4}) // ends on quarter seconds
		}
		if round%4 == 1 { // just outside the range: in the widened answers only, then trimmed away
			all = append(all, activity.Event{ID: 1000, Timestamp: from.Add(-time.Second), Duration: 0.75},
				activity.Event{ID: 1001, Timestamp: to.Add(time.Second / 4), Duration: 1})
		}
		a := assembler{from: from, to: to}
		for start := from; start.Before(to); start = start.Add(time.Hour) {
			p := piece{start, start.Add(time.Hour)}
			if p.end.After(to) {
				p.end = to
			}
			evs := overlapping(all, p.start, p.end)
			if round%2 == 1 { // as the Python aw-server rounds a query's range outwards
				evs = overlapping(all, p.start.Add(-wider), p.end.Add(wider))
			}
			if shuffled {
				rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
			}
			a.add(p, evs)
		}
		want := overlapping(all, from, to)
		got := a.result()
		require.Len(t, got, len(want), "round %d", round)
		for i := range want {
			require.Equal(t, want[i].ID, got[i].ID, "round %d, event %d", round, i)
			require.True(t, want[i].Timestamp.Equal(got[i].Timestamp), "round %d, event %d", round, i)
			require.InDelta(t, want[i].Duration, got[i].Duration, 1e-9, "round %d, event %d", round, i)
		}
	}
}

// TestAssemblerCopiesEachAnswerAsItComes: from the second piece on, each answer is copied
// into the result's array as it is added, so that the result only copies the last one; at a
// steady density the array made at the second piece holds the whole range, and the result
// is that array, put newest first in place.
func TestAssemblerCopiesEachAnswerAsItComes(t *testing.T) {
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	const pieces, perPiece = 14, 100
	a := assembler{from: from, to: from.Add(pieces * 24 * time.Hour)}
	var first *activity.Event
	for k := range pieces {
		p := piece{from.Add(time.Duration(k) * 24 * time.Hour), from.Add(time.Duration(k+1) * 24 * time.Hour)}
		evs := make([]activity.Event, perPiece)
		for i := range evs { // newest first, each a minute long, none reaching the piece's end
			evs[i] = activity.Event{ID: int64(k*perPiece + i + 1), Timestamp: p.end.Add(-time.Duration(i+2) * time.Minute), Duration: 60}
		}
		a.add(p, evs)
		if k == 0 {
			require.Empty(t, a.joined, "one answer may be the result as it is: not copied")
			continue
		}
		require.Len(t, a.joined, (k+1)*perPiece, "after piece %d", k)
		if k == 1 {
			first = &a.joined[0]
			require.GreaterOrEqual(t, cap(a.joined), pieces*perPiece, "made for the whole range at this density")
		}
	}
	got := a.result()
	require.Len(t, got, pieces*perPiece)
	require.Same(t, first, &got[0], "the array made at the second piece, never grown")
	for i := range got {
		if i > 0 {
			require.True(t, got[i].Timestamp.Before(got[i-1].Timestamp), "newest first at %d", i)
		}
	}
}

// TestAssemblerReservesAtMostMaxGrowth: a dense start of a long range reserves at most
// maxGrowth times its events, and the result does not keep that room when the events never
// came; a range that turns denser grows the array and loses nothing.
func TestAssemblerReservesAtMostMaxGrowth(t *testing.T) {
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	day := func(k int) piece {
		return piece{from.Add(time.Duration(k) * 24 * time.Hour), from.Add(time.Duration(k+1) * 24 * time.Hour)}
	}
	events := func(p piece, n, firstID int) []activity.Event {
		evs := make([]activity.Event, n)
		for i := range evs {
			evs[i] = activity.Event{ID: int64(firstID + i), Timestamp: p.end.Add(-time.Duration(i+2) * time.Minute), Duration: 60}
		}
		return evs
	}
	const days = 90
	dense := assembler{from: from, to: from.Add(days * 24 * time.Hour)}
	dense.add(day(0), events(day(0), 100, 1))
	dense.add(day(1), events(day(1), 100, 101))
	require.Len(t, dense.joined, 200)
	require.LessOrEqual(t, cap(dense.joined), maxGrowth*200, "not the 90 days at the first two days' density")
	require.Greater(t, cap(dense.joined), 200, "room for more at that density")
	for k := 2; k < days; k++ {
		dense.add(day(k), nil)
	}
	got := dense.result()
	require.Len(t, got, 200)
	require.LessOrEqual(t, cap(got), 2*len(got), "the room for events that never came is not kept")

	sparse := assembler{from: from, to: from.Add(days * 24 * time.Hour)}
	id, want := 1, 0
	for k := range days {
		n := 1
		if k >= 2 {
			n = 300
		}
		sparse.add(day(k), events(day(k), n, id))
		id, want = id+n, want+n
	}
	got = sparse.result()
	require.Len(t, got, want)
	for i := 1; i < len(got); i++ {
		require.True(t, got[i].Timestamp.Before(got[i-1].Timestamp), "newest first at %d", i)
	}
}

// TestAssemblerStopsCopyingAnswersOutOfOrder: once an answer is found out of order, the
// result is sorted from the answers, so the join lets go of its array and copies no more.
func TestAssemblerStopsCopyingAnswersOutOfOrder(t *testing.T) {
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	a := assembler{from: from, to: from.Add(3 * time.Hour)}
	hour := func(k int) piece {
		return piece{from.Add(time.Duration(k) * time.Hour), from.Add(time.Duration(k+1) * time.Hour)}
	}
	ev := func(id int64, at time.Duration) activity.Event {
		return activity.Event{ID: id, Timestamp: from.Add(at), Duration: 60}
	}
	a.add(hour(0), []activity.Event{ev(2, 20*time.Minute), ev(1, 10*time.Minute)})
	a.add(hour(1), []activity.Event{ev(3, 70*time.Minute), ev(4, 80*time.Minute)}) // oldest first: out of order
	require.True(t, a.unordered)
	require.Nil(t, a.joined, "the array is let go")
	copied := a.copied
	a.add(hour(2), []activity.Event{ev(6, 150*time.Minute), ev(5, 130*time.Minute)})
	require.Equal(t, copied, a.copied, "no later answer is copied")
	got := a.result()
	var ids []int64
	for _, e := range got {
		ids = append(ids, e.ID)
	}
	require.Equal(t, []int64{6, 5, 4, 3, 2, 1}, ids, "sorted from the answers")
}

// TestClampEventAgreesWithTimeArithmetic: the integer check that settles most events trims
// and keeps exactly what time.Time's arithmetic does, at the range's edges to the nanosecond
// (durations that round either way), for durations no event can have, and for ranges and
// events outside the years an int64 of nanoseconds holds.
func TestClampEventAgreesWithTimeArithmetic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	from := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	far := []time.Time{time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2262, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	durations := []float64{0, 1e-9, 0.4e-9, 0.5e-9, 0.6e-9, 1.5e-9, 3600, 3600 + 1e-9, 7.363, -1, math.NaN(), math.Inf(1), 1e12, maxEventSeconds}
	fast := 0
	for i := range 20000 {
		f, tt := from, to
		if i%10 == 0 {
			f = far[rng.IntN(len(far))]
			if i%20 == 0 {
				f, tt = from, far[rng.IntN(len(far))]
			}
		}
		var start time.Time
		switch rng.IntN(4) {
		case 0:
			start = f.Add(time.Duration(rng.IntN(5)-2) * time.Nanosecond)
		case 1:
			start = tt.Add(-time.Duration(rng.IntN(5)) * time.Nanosecond)
		case 2:
			start = far[rng.IntN(len(far))]
		default:
			start = f.Add(time.Duration(rng.Int64N(int64(2*time.Hour))) - 30*time.Minute)
		}
		dur := durations[rng.IntN(len(durations))]
		if rng.IntN(2) == 0 {
			dur = float64(rng.IntN(7200)) + float64(rng.IntN(1000))/1000
		}
		want := activity.Event{ID: 1, Timestamp: start, Duration: dur}
		got := want
		wantKept, gotKept := trimEvent(&want, f, tt), clampEvent(&got, f, tt)
		require.Equal(t, wantKept, gotKept, "%v %v in [%v, %v]", start, dur, f, tt)
		if wantKept {
			require.True(t, want.Timestamp.Equal(got.Timestamp) && (want.Duration == got.Duration || math.IsNaN(want.Duration) && math.IsNaN(got.Duration)),
				"%v %v in [%v, %v]: %v, want %v", start, dur, f, tt, got, want)
		}
		if s, e, ok := spanNanos(&activity.Event{Timestamp: start, Duration: dur}); ok && s >= from.UnixNano() && e <= to.UnixNano() && f == from && tt == to {
			fast++
		}
	}
	require.Greater(t, fast, 1000, "the integer check settles many events")
}

// TestMayBeCutOffAgreesWithTimeArithmetic: the integer comparisons decide as time.Time's do,
// at the cut-off and the piece's end to the nanosecond, and for events no int64 holds.
func TestMayBeCutOffAgreesWithTimeArithmetic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	p := piece{time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)}
	limit := p.end.Add(-pythonCutOff + cutOffMargin)
	for range 5000 {
		var e activity.Event
		switch rng.IntN(3) {
		case 0: // at the cut-off, reaching the end or not by a nanosecond
			e.Timestamp = limit.Add(time.Duration(rng.IntN(3)-1) * time.Nanosecond)
			e.Duration = p.end.Sub(e.Timestamp).Seconds() + float64(rng.IntN(3)-1)*1e-9
		case 1:
			e.Timestamp = time.Date(1000+rng.IntN(9000), 1, 1, 0, 0, 0, 0, time.UTC)
			e.Duration = float64(rng.IntN(2)) * 1e12
		default:
			e.Timestamp = p.start.Add(time.Duration(rng.Int64N(int64(p.end.Sub(p.start)))))
			e.Duration = float64(rng.Int64N(int64(4 * 24 * time.Hour / time.Second)))
		}
		want := !e.Timestamp.After(limit) && !e.End().Before(p.end)
		require.Equal(t, want, mayBeCutOff([]activity.Event{e}, p), "%v %v", e.Timestamp, e.Duration)
	}
}
