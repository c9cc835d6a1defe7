package syncer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/syncer"
)

func ptr(t time.Time) *time.Time { return &t }

// TestAncientLastSyncTimeIsCapped is defect 6 of issue 13: a lastSyncTime in 1970 (a machine
// without an RTC battery) walked 56 years of aw-server requests with no output. The run covers
// the last week, says how to backfill the rest, and reports progress day by day.
func TestAncientLastSyncTimeIsCapped(t *testing.T) {
	w := newWorld(t, coding, meetings)
	now := hm(11, 0)
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	tenDaysAgo := hm(9, 0).AddDate(0, 0, -10)
	w.window(tenDaysAgo, tenDaysAgo.Add(time.Hour), "zoom", "Old meeting")
	w.setState(config.State{LastSyncTime: ptr(time.Unix(0, 0))})

	var days []time.Time
	w.now = now
	rep, err := w.syncer().Run(context.Background(), syncer.Request{Trigger: syncer.Manual, Progress: func(p syncer.Progress) {
		if p.Phase == syncer.PhaseReading {
			days = append(days, p.Piece)
			assert.GreaterOrEqual(t, p.Pieces, 7)
		}
	}})
	require.NoError(t, err)
	assert.False(t, rep.DerivedFrom.Before(now.AddDate(0, 0, -7).Add(-6*time.Hour)), "derived from %s", rep.DerivedFrom)
	assert.GreaterOrEqual(t, len(days), 7, "progress for each day of the week")
	require.Len(t, rep.Notices, 1)
	assert.Contains(t, rep.Notices[0], "more than 7 days ago: this run synced only the last 7 days")
	assert.Contains(t, rep.Notices[0], "awcal sync --from 1970-01-01T")
	assert.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(10, 0)}}, briefs(w.owned()),
		"the old meeting is left to a backfill")
	assert.Equal(t, now, w.state().LastSyncTime.UTC())
}

// TestFutureLastSyncTimeIsAFirstRun is defect 7 of issue 13: a lastSyncTime in the future
// silently skipped the gap and then moved to now.
func TestFutureLastSyncTimeIsAFirstRun(t *testing.T) {
	w := newWorld(t, coding, meetings)
	now := hm(11, 0)
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	w.setState(config.State{LastSyncTime: ptr(now.AddDate(1, 0, 0)), Quiescent: ptr(now.AddDate(1, 0, 0))})

	rep := w.mustSync(now)
	require.Len(t, rep.Notices, 1)
	assert.Contains(t, rep.Notices[0], "is later than now")
	assert.Contains(t, rep.Notices[0], "check the clock")
	assert.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(10, 0)}}, briefs(w.owned()))
	assert.Equal(t, now, w.state().LastSyncTime.UTC())
}

// TestAbsurdStateTimeIsAStateError: a year-1 lastSyncTime is a broken state file, named in
// the error, and nothing is synced.
func TestAbsurdStateTimeIsAStateError(t *testing.T) {
	for _, at := range []time.Time{{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)} {
		w := newWorld(t, coding)
		w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
		w.setState(config.State{LastSyncTime: ptr(at)})
		_, err := w.sync(hm(11, 0))
		var ce *syncer.ConfigError
		require.True(t, errors.As(err, &ce), "%v", err)
		assert.Contains(t, err.Error(), w.statePath)
		assert.Contains(t, err.Error(), "impossible lastSyncTime")
		assert.Contains(t, err.Error(), "move it away to start over")
		assert.Empty(t, w.owned())
	}
}

// TestEventPastNowIsClipped is defect 8 of issue 13: an event that reaches past the fetch's now
// (a clock that jumped, a broken watcher) is clipped there, never trusted; one longer than a
// year is malformed (internal/activitywatch's decode tests).
func TestEventPastNowIsClipped(t *testing.T) {
	w := newWorld(t, coding, meetings)
	w.aw.AddEvents(winBucket, activity.Event{Timestamp: hm(9, 0), Duration: (300 * 24 * time.Hour).Seconds(),
		Data: map[string]any{"app": "Code", "title": "main.go"}})
	w.mustSync(hm(11, 0))
	owned := w.owned()
	require.Len(t, owned, 1)
	assert.Equal(t, hm(9, 0), owned[0].Start)
	assert.False(t, owned[0].End.After(hm(11, 0)), "the block ends at %s, after now", owned[0].End)
}
