package syncer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/syncer"
)

// TestKilledBackfillIsReported is part of defect 11 of issue 13: a backfill killed half-way
// left part of its range written, and the next run said nothing about it. The backfill here
// stops for good after its first write, as a killed process does (no state saved after it).
func TestKilledBackfillIsReported(t *testing.T) {
	w := newWorld(t, coding, meetings)
	for d := range 3 {
		day := monday.AddDate(0, 0, d)
		w.window(day.Add(9*time.Hour), day.Add(10*time.Hour), "Code", "main.go")
	}
	w.now = monday.AddDate(0, 0, 3)
	g := newGate(afterWrite, 1)
	killed := w.syncerOn(gated{w.store, g}).s
	done := make(chan error, 1)
	go func() {
		_, err := killed.Run(context.Background(), syncer.Request{Trigger: syncer.Manual, From: monday, To: monday.AddDate(0, 0, 3)})
		done <- err
	}()
	<-g.paused // the first day is written; the process dies here
	require.Len(t, w.owned(), 1)

	rep := w.mustSync(w.now)
	require.Len(t, rep.Notices, 1)
	assert.Contains(t, rep.Notices[0], "the backfill of "+monday.Local().Format("2006-01-02 15:04"))
	assert.Contains(t, rep.Notices[0], "has not finished")
	assert.Contains(t, rep.Notices[0], "run that backfill again")
	require.NotNil(t, w.state().Backfill, "the record stays until a backfill finishes")

	// Running it again completes it and ends the notices.
	close(g.resume)
	require.NoError(t, <-done)
	_, err := w.backfill(w.now, monday, monday.AddDate(0, 0, 3))
	require.NoError(t, err)
	assert.Nil(t, w.state().Backfill)
	rep = w.mustSync(w.now)
	assert.Empty(t, rep.Notices)
	assert.Len(t, w.owned(), 3)
	for _, e := range w.owned() {
		assert.True(t, strings.HasPrefix(e.Title, "Code"))
	}
}
