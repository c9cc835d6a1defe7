package activitywatch_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// TestExportAndPythonServerGiveTheSameBlocks: generated heavy days, from a Friday over the
// weekend, given sub-millisecond timestamps as aw-server-rust records them. Read from an export
// file they are exact; served by the Python aw-server they are truncated to the millisecond
// (durations kept), fetched in day-sized pieces with its 24-hour cut-off and end rounding. The
// starter profiles must give the same blocks both ways, within a second.
func TestExportAndPythonServerGiveTheSameBlocks(t *testing.T) {
	opts := fakedata.Options{Start: time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC), Days: 4, Seed: 11, Intensity: fakedata.Heavy}
	generated := fakedata.Generate(opts)
	r := rand.New(rand.NewPCG(5, 6))
	for _, b := range generated {
		for i := range b.Events {
			// Start later by under a millisecond, end where it ended.
			jitter := time.Duration(r.IntN(1000)) * time.Microsecond
			e := &b.Events[i]
			if e.Duration*1e6 > float64(jitter/time.Microsecond) {
				e.Timestamp = e.Timestamp.Add(jitter)
				e.Duration -= jitter.Seconds()
			}
		}
	}
	// Sunday: the editor keeps the focus while the person is away all weekend, its title
	// changing now and then (a build finishing, a notification).
	sunday, _ := fakedata.Day(opts, 2)
	var editor []activity.Event
	for m := 10 * 60; m < 16*60; m += 10 {
		editor = append(editor, activity.Event{Timestamp: sunday.Add(time.Duration(m) * time.Minute), Duration: 600,
			Data: map[string]any{"app": "Code", "title": fmt.Sprintf("main.go - awcal - Visual Studio Code (%d)", m)}})
	}
	slices.Reverse(editor)
	require.Equal(t, activity.TypeWindow, generated[0].Bucket.Type)
	generated[0].Events = slices.Concat(generated[0].Events[:0:0], laterThan(generated[0].Events, sunday), editor, earlierThan(generated[0].Events, sunday))
	var file bytes.Buffer
	require.NoError(t, fakedata.WriteExport(&file, generated))
	exported, _, err := activitywatch.ReadExport(&file)
	require.NoError(t, err)

	s := awtest.NewPython(t)
	for _, b := range generated {
		s.AddBucket(b.Bucket)
		s.AddEvents(b.Bucket.ID, b.Events...)
	}
	c := activitywatch.New(s.URL())

	eng, err := engine.New(profile.Starters(), engine.DefaultOptions())
	require.NoError(t, err)
	for day := 1; day < opts.Days; day++ {
		from, to := fakedata.Day(opts, day)
		from = from.Add(-3 * time.Hour) // pieces start at 21:00, inside the evening's AFK period
		var served []activity.BucketEvents
		for _, b := range exported {
			evs, err := c.Events(context.Background(), b.Bucket.ID, from, to)
			require.NoError(t, err)
			served = append(served, activity.BucketEvents{Bucket: b.Bucket, Events: evs.Events})
		}
		want := eng.Derive(engine.Input{From: from, To: to, Buckets: exported}).Blocks
		got := eng.Derive(engine.Input{From: from, To: to, Buckets: served}).Blocks
		if day == 3 {
			require.NotEmpty(t, want, "Monday is a heavy workday")
		}
		require.Equal(t, len(want), len(got), "%s: blocks\nexport: %v\nserver: %v", from.Weekday(), want, got)
		for i := range want {
			w, g := want[i], got[i]
			assert.Equal(t, w.ProfileID, g.ProfileID)
			assert.Equal(t, w.Title, g.Title)
			assert.InDelta(t, 0, w.Start.Sub(g.Start).Seconds(), 1, "%s block %d start: %s vs %s", from.Weekday(), i, w.Start, g.Start)
			assert.InDelta(t, 0, w.End.Sub(g.End).Seconds(), 1, "%s block %d end: %s vs %s", from.Weekday(), i, w.End, g.End)
		}
	}
}

// laterThan and earlierThan pick the events (newest first) that start after, or before, t.
func laterThan(evs []activity.Event, t time.Time) []activity.Event {
	return slices.DeleteFunc(slices.Clone(evs), func(e activity.Event) bool { return !e.Timestamp.After(t) })
}

func earlierThan(evs []activity.Event, t time.Time) []activity.Event {
	return slices.DeleteFunc(slices.Clone(evs), func(e activity.Event) bool { return !e.Timestamp.Before(t) })
}
