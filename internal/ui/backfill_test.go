package ui

import (
	"context"
	"errors"
	"testing"
	"time"

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
		assert.Contains(t, b.summary.Text, "6 block(s), 8.0 h in total")
		assert.Contains(t, b.summary.Text, "• Coding: 4 block(s), 6.5 h")
		assert.Contains(t, b.summary.Text, "3 to create, 1 to update, 0 to delete (2 unchanged)")
	})
	t.Run("changing a date asks for a new preview", func(t *testing.T) {
		from := day.AddDate(0, 0, -3)
		b.from.SetDate(&from)
		assert.Equal(t, bfEditing, b.state)
		assert.True(t, b.confirm.Disabled())
		test.Tap(b.preview)
	})
	t.Run("confirm writes", func(t *testing.T) {
		test.Tap(b.confirm)
		require.Len(t, calls, 3)
		assert.False(t, calls[2].dryRun)
		assert.Equal(t, calls[1].from, calls[2].from, "confirm applies the previewed range")
		assert.Equal(t, bfDone, b.state)
		assert.Contains(t, b.summary.Text, "3 created, 1 updated, 0 deleted")
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
	assert.Equal(t, "Cancelled.", b.phase.Text, "the cancelled run's late result does not overwrite the message")
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
