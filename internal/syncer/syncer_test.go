package syncer_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/syncer"
)

// TestBlockKeepsIdentityWhileGrowing: the event written at 10:10 for "Coding 09:00–10:10" is
// the same event, updated in place, as "Coding 09:00–11:30" later (SYNC.md §3).
func TestBlockKeepsIdentityWhileGrowing(t *testing.T) {
	w := newWorld(t, coding, meetings)
	w.window(hm(9, 0), hm(11, 30), "Code", "main.go")
	w.window(hm(11, 30), hm(12, 0), "zoom", "Standup")

	rep := w.mustSync(hm(10, 10))
	assert.Equal(t, syncer.Counts{Created: 1}, rep.Counts)
	first := w.owned()
	require.Len(t, first, 1)
	assert.Equal(t, brief{"coding", "Code - main.go", hm(9, 0), hm(10, 10)}, briefs(first)[0])

	rep = w.mustSync(hm(11, 30))
	assert.Equal(t, syncer.Counts{Updated: 1}, rep.Counts)
	later := w.owned()
	require.Len(t, later, 1)
	assert.Equal(t, first[0].UID, later[0].UID, "the growing block must keep its UID")
	assert.Equal(t, brief{"coding", "Code - main.go", hm(9, 0), hm(11, 30)}, briefs(later)[0])

	rep = w.mustSync(hm(12, 30))
	assert.Equal(t, syncer.Counts{Created: 1, Unchanged: 1}, rep.Counts)
	assert.Equal(t, []brief{
		{"coding", "Code - main.go", hm(9, 0), hm(11, 30)},
		{"meetings", "Standup", hm(11, 30), hm(12, 0)},
	}, briefs(w.owned()))
}

// TestIdempotence: a second run with no new activity writes nothing (SYNC.md §5).
func TestIdempotence(t *testing.T) {
	w := newWorld(t, coding, meetings)
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	w.window(hm(10, 0), hm(10, 40), "zoom", "Planning")
	w.window(hm(10, 40), hm(11, 0), "Code", "sync.go")

	w.mustSync(hm(12, 0))
	before := w.owned()
	require.NotEmpty(t, before)
	for _, at := range []time.Time{hm(12, 0), hm(12, 1), hm(13, 0)} {
		rep := w.mustSync(at)
		assert.Zero(t, rep.Created+rep.Updated+rep.Deleted, "run at %s wrote something", at.Format("15:04"))
		assert.Equal(t, before, w.owned(), "run at %s changed the calendar", at.Format("15:04"))
	}
	// A custom range over the same day, twice, writes nothing either.
	for range 2 {
		rep, err := w.backfill(hm(13, 0), hm(8, 0), hm(12, 0))
		require.NoError(t, err)
		assert.Zero(t, rep.Created+rep.Updated+rep.Deleted)
	}
	assert.Equal(t, before, w.owned())
}

// TestStateAdvancesOnlyAfterSuccess checks what the state file holds after runs.
func TestStateAdvancesOnlyAfterSuccess(t *testing.T) {
	w := newWorld(t, coding)
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	rep := w.mustSync(hm(10, 0))
	st := w.state()
	require.NotNil(t, st.LastSyncTime)
	assert.True(t, st.LastSyncTime.Equal(hm(10, 0)))
	require.NotNil(t, st.LastRun)
	assert.Equal(t, config.StrategyLastChecked, st.LastRun.Strategy)
	assert.Equal(t, 1, st.LastRun.Created)
	assert.Equal(t, syncer.ModeFirst, rep.Mode, "the first run has no saved quiescent point")
	if st.Quiescent != nil {
		assert.False(t, st.Quiescent.After(hm(10, 0).Add(-10*time.Minute)), "the saved quiescent point must have settled")
	}
	rep = w.mustSync(hm(10, 30))
	assert.Equal(t, syncer.ModeQuiescent, rep.Mode)
}

// TestConflictIsReplanned: when the calendar changed between reading and writing
// (calendar.ErrConflict), the run reads it again and plans again, a bounded number of times.
func TestConflictIsReplanned(t *testing.T) {
	t.Run("once", func(t *testing.T) {
		w := newWorld(t, coding)
		w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
		conflicts := 0
		w.mem.FailOn(func(calendar.Change) error {
			if conflicts++; conflicts == 1 {
				return calendar.ErrConflict
			}
			return nil
		})
		rep := w.mustSync(hm(10, 0))
		assert.Equal(t, syncer.Counts{Created: 1}, rep.Counts, "counted once, not per attempt")
		assert.Len(t, w.owned(), 1)
	})
	t.Run("every time", func(t *testing.T) {
		w := newWorld(t, coding)
		w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
		attempts := 0
		w.mem.FailOn(func(calendar.Change) error {
			attempts++
			return calendar.ErrConflict
		})
		_, err := w.sync(hm(10, 0))
		require.ErrorIs(t, err, calendar.ErrConflict)
		assert.Equal(t, 3, attempts)
		assert.Nil(t, w.state().LastSyncTime)
	})
}

// TestBackdatedAwayPeriod: aw-watcher-afk writes an away period three minutes after it began,
// back-dated, while the window watcher kept reporting the focused editor. A run before it was
// written extended the block into the break; the next run splits it (AFK masking).
func TestBackdatedAwayPeriod(t *testing.T) {
	w := newWorld(t, coding)
	w.window(hm(9, 0), hm(10, 30), "Code", "main.go")
	w.mustSync(hm(9, 42))
	first := w.owned()
	require.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(9, 42)}}, briefs(first))

	w.away(hm(9, 40), hm(10, 0)) // written at 9:43
	rep := w.mustSync(hm(10, 30))
	assert.Equal(t, syncer.Counts{Created: 1, Updated: 1}, rep.Counts)
	after := w.owned()
	assert.Equal(t, []brief{
		{"coding", "Code - main.go", hm(9, 0), hm(9, 40)},
		{"coding", "Code - main.go", hm(10, 0), hm(10, 30)},
	}, briefs(after))
	assert.Equal(t, first[0].UID, after[0].UID)
}
