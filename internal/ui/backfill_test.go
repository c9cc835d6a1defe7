package ui

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type backfillCall struct {
	from, to time.Time
	dryRun   bool
}

func TestBackfillFlow(t *testing.T) {
	test.NewTempApp(t)
	rt := newFakeRuntime()
	var calls []backfillCall
	plan := Plan{Profiles: []ProfilePlan{{Name: "Coding", Blocks: 4, Hours: 6.5}, {Name: "Meetings", Blocks: 2, Hours: 1.5}},
		Created: 3, Updated: 1, Unchanged: 2}
	rt.backfill = func(_ context.Context, from, to time.Time, dryRun bool, progress func(string, float64)) (Plan, error) {
		calls = append(calls, backfillCall{from, to, dryRun})
		progress("Deriving blocks", 0.5)
		return plan, nil
	}
	b := NewBackfill(rt, at(15, 0))
	b.async = inline
	test.NewTempWindow(t, b.Root())

	require.Equal(t, bfEditing, b.state)
	assert.True(t, b.confirm.Disabled(), "nothing to confirm before a preview")
	assert.False(t, b.preview.Disabled())

	t.Run("preview is a dry run of whole local days", func(t *testing.T) {
		from := day.AddDate(0, 0, -2)
		b.from.SetDate(&from)
		test.Tap(b.preview)
		require.Len(t, calls, 1)
		assert.Equal(t, backfillCall{from: day.AddDate(0, 0, -2), to: day.AddDate(0, 0, 1), dryRun: true}, calls[0])
		assert.Equal(t, bfPlanned, b.state)
		assert.False(t, b.confirm.Disabled())
		assert.Contains(t, b.summary.Text, "6 blocks, 8.0 h in total")
		assert.Contains(t, b.summary.Text, "• Coding: 4 blocks, 6.5 h")
		assert.Equal(t, "Would change the calendar: 3 to create, 1 to update, 0 to delete (2 unchanged).", b.changes.Text)
		assert.NotContains(t, b.summary.Text, "Would change", "the changes are outside the scrolled summary")
		assert.True(t, b.changes.Visible())
	})
	t.Run("changing a date asks for a new preview", func(t *testing.T) {
		from := day.AddDate(0, 0, -3)
		b.from.SetDate(&from)
		assert.Equal(t, bfEditing, b.state)
		assert.True(t, b.confirm.Disabled())
		assert.Empty(t, b.changes.Text, "the old preview's changes no longer apply")
		test.Tap(b.preview)
	})
	t.Run("confirm writes", func(t *testing.T) {
		test.Tap(b.confirm)
		require.Len(t, calls, 3)
		assert.False(t, calls[2].dryRun)
		assert.Equal(t, calls[1].from, calls[2].from, "confirm applies the previewed range")
		assert.Equal(t, bfDone, b.state)
		assert.Equal(t, "Changed the calendar: 3 created, 1 updated, 0 deleted (2 unchanged).", b.changes.Text)
		assert.True(t, b.confirm.Disabled(), "no second write from the same preview")
	})
	t.Run("end before start", func(t *testing.T) {
		from := day.AddDate(0, 0, 2)
		b.from.SetDate(&from)
		assert.True(t, b.preview.Disabled())
		assert.Contains(t, b.phase.Text, "before the start")
	})
}

func TestBackfillProgressCancelAndFailure(t *testing.T) {
	test.NewTempApp(t)
	rt := newFakeRuntime()
	started := make(chan struct{})
	rt.backfill = func(ctx context.Context, _, _ time.Time, _ bool, progress func(string, float64)) (Plan, error) {
		progress("Reading aw-server", 0.25)
		close(started)
		<-ctx.Done()
		return Plan{}, ctx.Err()
	}
	b := NewBackfill(rt, at(15, 0))
	var pending func()
	b.async = func(f func()) { pending = f }
	test.NewTempWindow(t, b.Root())

	test.Tap(b.preview)
	assert.Equal(t, bfPlanning, b.state)
	assert.True(t, b.progress.Visible())
	assert.False(t, b.stop.Disabled(), "a run can be cancelled")
	assert.True(t, b.preview.Disabled())
	assert.True(t, b.from.Disabled(), "dates are fixed while running")

	done := make(chan struct{})
	go func() { pending(); close(done) }()
	<-started
	test.Tap(b.stop)
	<-done
	assert.Equal(t, bfFailed, b.state)
	assert.Equal(t, "Backfill cancelled.", b.phase.Text, "the cancelled run's late result does not overwrite the message")
	assert.False(t, b.preview.Disabled(), "a new preview can start")
	assert.True(t, b.progress.Hidden)

	t.Run("failure is shown", func(t *testing.T) {
		rt.backfill = func(context.Context, time.Time, time.Time, bool, func(string, float64)) (Plan, error) {
			return Plan{}, errors.New("aw-server is not reachable at http://127.0.0.1:5600 — is ActivityWatch running?")
		}
		b.async = inline
		test.Tap(b.preview)
		assert.Equal(t, bfFailed, b.state)
		assert.Contains(t, b.phase.Text, "is ActivityWatch running?")
		assert.True(t, b.confirm.Disabled())
	})
}

// resettingRuntime is a runtime that can also reset corrections.
type resettingRuntime struct {
	*fakeRuntime
	resets []backfillCall
}

func (r *resettingRuntime) ResetCorrections(_ context.Context, from, to time.Time, dryRun bool, _ func(string, float64)) (Plan, error) {
	r.resets = append(r.resets, backfillCall{from, to, dryRun})
	return Plan{Created: 1}, nil
}

func TestBackfillResetsCorrectionsWhenAsked(t *testing.T) {
	test.NewTempApp(t)
	plain := NewBackfill(newFakeRuntime(), at(15, 0))
	assert.Nil(t, plain.reset, "no reset offered by a runtime that cannot")

	rt := &resettingRuntime{fakeRuntime: newFakeRuntime()}
	var backfills []backfillCall
	rt.backfill = func(_ context.Context, from, to time.Time, dryRun bool, _ func(string, float64)) (Plan, error) {
		backfills = append(backfills, backfillCall{from, to, dryRun})
		return Plan{}, nil
	}
	b := NewBackfill(rt, at(15, 0))
	b.async = inline
	test.NewTempWindow(t, b.Root())
	require.NotNil(t, b.reset)
	test.Tap(b.preview)
	assert.Len(t, backfills, 1, "unticked: an ordinary backfill")
	test.Tap(b.reset)
	assert.Equal(t, bfEditing, b.state, "ticking it asks for a new preview")
	test.Tap(b.preview)
	test.Tap(b.confirm)
	assert.Len(t, backfills, 1)
	require.Len(t, rt.resets, 2)
	assert.True(t, rt.resets[0].dryRun)
	assert.False(t, rt.resets[1].dryRun)
}

func TestBackfillChangesStayInView(t *testing.T) {
	test.NewTempApp(t)
	rt := newFakeRuntime()
	var many []ProfilePlan
	for i := range 40 {
		many = append(many, ProfilePlan{Name: fmt.Sprintf("Profile %d", i), Blocks: 1, Hours: 1})
	}
	rt.backfill = func(context.Context, time.Time, time.Time, bool, func(string, float64)) (Plan, error) {
		return Plan{Profiles: many, Created: 40}, nil
	}
	b := NewBackfill(rt, at(15, 0))
	b.async = inline
	w := test.NewTempWindow(t, b.Root())
	w.Resize(fyne.NewSize(560, 460))
	test.Tap(b.preview)
	require.Equal(t, bfPlanned, b.state)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.changes)
	assert.True(t, b.changes.Visible())
	assert.LessOrEqual(t, pos.Y+b.changes.Size().Height, w.Canvas().Size().Height,
		"the line about the calendar is on screen however long the list of profiles")
	assert.Contains(t, b.changes.Text, "Would change the calendar: 40 to create")
}

func TestBackfillProgressNamesPhaseDaysAndTimeLeft(t *testing.T) {
	test.NewTempApp(t)
	rt := newFakeRuntime()
	now := at(15, 0)
	var texts []string
	b := NewBackfill(rt, now)
	b.async = inline
	b.clock = func() time.Time { return now }
	rt.backfill = func(_ context.Context, _, _ time.Time, _ bool, progress func(string, float64)) (Plan, error) {
		progress(waitingText, 0)
		texts = append(texts, b.phase.Text)
		now = now.Add(5 * time.Minute) // waiting does not count towards the estimate
		progress("Reading activity…", 0)
		texts = append(texts, b.phase.Text)
		now = now.Add(2 * time.Minute)
		progress("Deriving blocks…", 0.25)
		texts = append(texts, b.phase.Text)
		now = now.Add(58 * time.Minute)
		progress("Writing the calendar…", 0.5)
		texts = append(texts, b.phase.Text)
		now = now.Add(time.Hour)
		progress("Writing the calendar…", 0.99)
		texts = append(texts, b.phase.Text)
		return Plan{}, nil
	}
	test.NewTempWindow(t, b.Root())
	from := day.AddDate(0, 0, -7) // 8 days with today
	b.from.SetDate(&from)
	test.Tap(b.preview)
	assert.Equal(t, []string{
		waitingText,
		"Reading activity… · day 1 of 8",
		"Deriving blocks… · day 3 of 8 · about 6 min left",
		"Writing the calendar… · day 5 of 8 · about 1 h left",
		"Writing the calendar… · day 8 of 8 · about 2 min left",
	}, texts)
}

func TestTimeLeft(t *testing.T) {
	for d, want := range map[time.Duration]string{
		20 * time.Second:            "less than a minute left",
		61 * time.Second:            "about 2 min left",
		59 * time.Minute:            "about 59 min left",
		80 * time.Minute:            "about 1 h 20 min left",
		2 * time.Hour:               "about 2 h left",
		2*time.Hour + 1*time.Second: "about 2 h 1 min left",
	} {
		assert.Equal(t, want, timeLeft(d), d)
	}
}
