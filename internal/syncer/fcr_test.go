package syncer_test

// One test per FCR defect that SYNC.md §5 says must not exist here.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// foreignVEvent is a person's own event in the calendar awcal writes to, in the Work category
// that two of the test profiles use, carrying even awcal's marker under a foreign UID.
const foreignVEvent = "BEGIN:VEVENT\r\nUID:dentist-1@example.com\r\nDTSTAMP:20260301T080000Z\r\n" +
	"DTSTART:20260302T093000Z\r\nDTEND:20260302T100000Z\r\nSUMMARY:Dentist\r\nCATEGORIES:Work\r\n" +
	"X-AWCAL-PROFILE:coding\r\nEND:VEVENT\r\n"

func TestFCRDefect1_OwnershipByCategory(t *testing.T) {
	w := newWorld(t, coding, meetings) // both in category Work
	w.mem.AddForeign("dentist-1@example.com", foreignVEvent)
	w.window(hm(9, 0), hm(10, 30), "Code", "main.go")
	w.window(hm(10, 30), hm(11, 0), "zoom", "Planning")

	w.mustSync(hm(10, 0))
	w.mustSync(hm(11, 30))
	// A custom range over the foreign event does not touch it either.
	_, err := w.backfill(hm(12, 0), hm(9, 0), hm(12, 0))
	require.NoError(t, err)

	got, ok := w.mem.Foreign("dentist-1@example.com")
	require.True(t, ok, "the person's own event must still be there")
	assert.Equal(t, foreignVEvent, got, "the person's own event must stay byte-identical")
	// Two profiles sharing a category stay apart: each event carries its own profile id.
	assert.Equal(t, []brief{
		{"coding", "Code - main.go", hm(9, 0), hm(10, 30)},
		{"meetings", "Planning", hm(10, 30), hm(11, 0)},
	}, briefs(w.owned()))
}

func TestFCRDefect2_ToleranceDeletesAdjacentBlock(t *testing.T) {
	// FCR's replace step treated "within 60 s" as overlapping and deleted the 09:00–10:00 block
	// when a block of another profile started at 10:00.
	for _, warm := range []bool{false, true} {
		name := "quiescent restart"
		if warm {
			name = "warm start"
		}
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, coding, writing)
			w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
			w.window(hm(10, 0), hm(10, 30), "writer", "paper.odt")
			w.mustSync(hm(10, 0))
			before := w.owned()
			require.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(10, 0)}}, briefs(before))
			if warm {
				// No quiescent point, and a cap too short for the continuity rewrite: the run
				// takes the boundary warm start, FCR's standard overlap path.
				w.cfg.Sync.ContinuityCapHours = 0.5
				last := hm(10, 0)
				w.setState(config.State{LastSyncTime: &last})
			}
			rep := w.mustSync(hm(10, 30))
			if warm {
				assert.Equal(t, syncer.ModeSeed, rep.Mode)
			}
			after := w.owned()
			assert.Equal(t, []brief{
				{"coding", "Code - main.go", hm(9, 0), hm(10, 0)},
				{"writing", "writer", hm(10, 0), hm(10, 30)},
			}, briefs(after))
			assert.Equal(t, before[0].UID, after[0].UID, "the adjacent block must be kept, not replaced")
			assert.Equal(t, before[0].Version, after[0].Version, "the adjacent block must not even be rewritten")
		})
	}
}

// rewriteWorld sets up a calendar whose next run rewrites a range: three blocks that a
// profile change merges into one.
func rewriteWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, coding, writing)
	w.window(hm(9, 0), hm(9, 20), "Code", "main.go")
	w.window(hm(9, 20), hm(9, 40), "writer", "notes.odt")
	w.window(hm(9, 40), hm(10, 0), "Code", "main.go")
	w.mustSync(hm(10, 0))
	require.Len(t, w.owned(), 3)
	// The person now counts writing notes as coding: one block from 09:00 to 10:00.
	c := coding
	c.Primary = append([]profile.Rule{}, append(c.Primary, profile.Rule{Bucket: "window", Field: "app", Pattern: "writer"})...)
	w.cfg.Profiles = []profile.Profile{c, writing}
	return w
}

func TestFCRDefect3_FailedRewriteLeavesRangeEmpty(t *testing.T) {
	w := rewriteWorld(t)
	before := w.state()
	// Fail at the second change of the rewrite.
	n := 0
	w.mem.FailOn(func(calendar.Change) error {
		if n++; n == 2 {
			return errors.New("connection reset")
		}
		return nil
	})
	_, err := w.sync(hm(10, 30))
	require.Error(t, err)
	assert.ErrorContains(t, err, "writing the calendar")
	// Nothing that was in the calendar is lost: every minute of 09:00–10:00 is still covered.
	for m := hm(9, 0); m.Before(hm(10, 0)); m = m.Add(time.Minute) {
		covered := false
		for _, e := range w.owned() {
			covered = covered || !e.Start.After(m) && e.End.After(m)
		}
		require.True(t, covered, "%s is no longer covered after the failed rewrite", m.Format("15:04"))
	}
	after := w.state()
	assert.Equal(t, before.LastSyncTime, after.LastSyncTime)
	assert.Equal(t, before.Quiescent, after.Quiescent)

	w.mem.FailOn(nil)
	w.mustSync(hm(10, 30))
	assert.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(10, 0)}}, briefs(w.owned()))
}

func TestFCRDefect4_LastSyncTimeAfterAbortedRewrite(t *testing.T) {
	tests := []struct {
		name string
		// abort makes the run at 10:30 stop; it returns the request to send.
		abort   func(w *world) (syncer.Request, context.Context)
		wantErr error
	}{
		{"the calendar refuses a write", func(w *world) (syncer.Request, context.Context) {
			w.mem.FailOn(func(calendar.Change) error { return errors.New("503 service unavailable") })
			return syncer.Request{Trigger: syncer.Manual}, context.Background()
		}, nil},
		{"the run is cancelled before writing", func(w *world) (syncer.Request, context.Context) {
			ctx, cancel := context.WithCancel(context.Background())
			w.t.Cleanup(cancel)
			return syncer.Request{Trigger: syncer.Manual, Progress: func(p syncer.Progress) {
				if p.Phase == syncer.PhasePlanning {
					cancel()
				}
			}}, ctx
		}, context.Canceled},
		{"the automatic gate closes before writing", func(w *world) (syncer.Request, context.Context) {
			calls := 0
			return syncer.Request{Trigger: syncer.Automatic, Allowed: func() bool {
				calls++
				return calls == 1 // open at the start, closed just before writing
			}}, context.Background()
		}, syncer.ErrNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := rewriteWorld(t)
			before := w.state()
			calBefore := w.owned()
			req, ctx := tt.abort(w)
			w.now = hm(10, 30)
			_, err := w.syncer().Run(ctx, req)
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			after := w.state()
			assert.Equal(t, before.LastSyncTime, after.LastSyncTime, "lastSyncTime must not move after an aborted run")
			assert.Equal(t, before.Quiescent, after.Quiescent, "the quiescent point must not move after an aborted run")
			if tt.wantErr != nil {
				assert.Equal(t, calBefore, w.owned(), "a run stopped before writing writes nothing")
			}
		})
	}
}

func TestFCRDefect5_UnboundedRewrite(t *testing.T) {
	// An eight-hour coding session without a break: FCR re-derived it from its start on every
	// run. Here no run derives more than the continuity cap (6 h) plus the lookback.
	w := newWorld(t, coding)
	w.window(hm(8, 0), hm(16, 0), "Code", "main.go")
	var uid string
	for at := hm(8, 30); !at.After(hm(16, 0)); at = at.Add(30 * time.Minute) {
		rep := w.mustSync(at)
		if at.After(hm(8, 30)) { // the first run reads the first-sync lookback
			// lastSyncTime is 30 min back; from it at most the cap, or the lookback.
			assert.False(t, rep.DerivedFrom.Before(at.Add(-30*time.Minute-6*time.Hour)),
				"run at %s derived from %s", at.Format("15:04"), rep.DerivedFrom.Format("15:04"))
		}
		if at.Sub(hm(8, 0)) > 6*time.Hour+30*time.Minute {
			assert.Equal(t, syncer.ModeSeed, rep.Mode, "run at %s: past the cap the seed takes over", at.Format("15:04"))
		}
		evs := w.owned()
		require.Len(t, evs, 1)
		if uid == "" {
			uid = evs[0].UID
		}
		assert.Equal(t, uid, evs[0].UID, "the session keeps one event")
		assert.Equal(t, brief{"coding", "Code - main.go", hm(8, 0), at}, briefs(evs)[0])
	}
}

func TestFCRDefect6_CustomRangeDuplicates(t *testing.T) {
	w := newWorld(t, coding, meetings)
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	w.window(hm(10, 0), hm(10, 30), "zoom", "Standup")
	w.window(hm(14, 0), hm(15, 0), "Code", "sync.go")

	rep, err := w.backfill(hm(18, 0), hm(8, 0), hm(12, 0))
	require.NoError(t, err)
	assert.Equal(t, syncer.Counts{Created: 2}, rep.Counts)
	first := w.owned()
	for _, r := range [][2]time.Time{{hm(8, 0), hm(12, 0)}, {hm(9, 30), hm(10, 15)}, {hm(0, 0), hm(12, 0)}} {
		rep, err := w.backfill(hm(18, 0), r[0], r[1])
		require.NoError(t, err)
		assert.Zero(t, rep.Created+rep.Updated+rep.Deleted, "re-running %s–%s wrote something", r[0].Format("15:04"), r[1].Format("15:04"))
	}
	assert.Equal(t, first, w.owned(), "re-running a custom range must not duplicate anything")
	// A wider range adds only what is new.
	rep, err = w.backfill(hm(18, 0), hm(0, 0), hm(18, 0))
	require.NoError(t, err)
	assert.Equal(t, syncer.Counts{Created: 1, Unchanged: 2}, rep.Counts)
}

func TestFCRDefect7_TitleDriftAfterWarmStart(t *testing.T) {
	// A coding session, then reading a pull request on GitHub (supporting evidence only). After
	// a warm start the derivation sees only the GitHub part, whose title would be the browser
	// tab's; FCR replaced the correct event with it.
	w := newWorld(t, coding)
	w.cfg.Sync.ContinuityCapHours = 1
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	w.window(hm(10, 0), hm(11, 10), "Firefox", "Fix sync · Pull Request #5 — Mozilla Firefox")
	w.web(hm(10, 0), hm(11, 10), "https://github.com/awcal/awcal/pull/5", "Fix sync · Pull Request #5")

	w.mustSync(hm(10, 30))
	before := w.owned()
	require.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(10, 30)}}, briefs(before))

	rep := w.mustSync(hm(11, 10))
	assert.Equal(t, syncer.ModeSeed, rep.Mode, "the session is older than the cap: a seeded warm start")
	after := w.owned()
	assert.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(11, 10)}}, briefs(after),
		"the event keeps its title and grows")
	assert.Equal(t, before[0].UID, after[0].UID)
	assert.Equal(t, before[0].Description, after[0].Description)
}
