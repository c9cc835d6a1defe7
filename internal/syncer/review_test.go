package syncer_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/review"
	"github.com/awcal/awcal/internal/syncer"
)

// reviewDays are the recorded days the review convergence tests replay.
var reviewDays = []struct {
	intensity fakedata.Intensity
	seed      int64
}{{fakedata.Heavy, 11}, {fakedata.Normal, 201}}

// referenceDay is a backfill of the whole day with review off.
func referenceDay(t *testing.T, data []activity.BucketEvents, from, to time.Time) []calendar.Event {
	t.Helper()
	ref := newWorld(t, profile.Starters()...)
	newReplay(ref.aw, data).advance(to.Add(24 * time.Hour))
	_, err := ref.backfill(to.Add(2*time.Hour), from, to)
	require.NoError(t, err)
	want := ref.owned()
	require.NotEmpty(t, want)
	return want
}

// TestHoldConverges: with review "hold", syncing every 10 simulated minutes writes nothing to
// the calendar; approving every proposal at the end gives the calendar a backfill with review
// off gives, each approved block under its proposal's UID.
func TestHoldConverges(t *testing.T) {
	for _, d := range reviewDays {
		t.Run(fmt.Sprintf("%s day %d", d.intensity, d.seed), func(t *testing.T) {
			data, from, to := dayOf(d.intensity, d.seed)
			want := referenceDay(t, data, from, to)

			w := newWorld(t, profile.Starters()...)
			w.cfg.Sync.Review = config.ReviewHold
			rp := newReplay(w.aw, data)
			for at := from; !at.After(to.Add(time.Hour)); at = at.Add(10 * time.Minute) {
				rp.advance(at)
				w.mustSync(at)
				require.Empty(t, w.owned(), "nothing reaches the calendar before it is approved (at %s)", at.Format("15:04"))
			}
			s := w.syncer()
			pending, err := s.Pending(context.Background(), time.Time{}, time.Time{})
			require.NoError(t, err)
			require.NotEmpty(t, pending)
			for _, p := range pending {
				assert.True(t, p.Held)
			}
			approved, err := s.ApproveAll(context.Background(), time.Time{})
			require.NoError(t, err)
			assert.Len(t, approved.Done, len(pending))

			got := w.owned()
			requireNoOverlap(t, got)
			assertConverged(t, want, got)
			for i, e := range got {
				assert.Equal(t, pending[i].UID, e.UID, "an approved block keeps its proposal's UID")
				assert.True(t, e.Locked)
				assert.Equal(t, calendar.StatusConfirmed, e.Status)
			}
			left, err := s.Pending(context.Background(), time.Time{}, time.Time{})
			require.NoError(t, err)
			assert.Empty(t, left)

			// Approved blocks never change: more syncs write nothing.
			before := w.owned()
			rep := w.mustSync(to.Add(2 * time.Hour))
			assert.Zero(t, rep.Created+rep.Updated+rep.Deleted)
			assert.Equal(t, before, w.owned())
		})
	}
}

// TestTentativeConverges: with review "tentative", every proposal is one event, written as
// TENTATIVE and updated in place while it grows; approving flips it to CONFIRMED under the same
// UID, and the calendar is then the one a backfill with review off gives.
func TestTentativeConverges(t *testing.T) {
	for _, d := range reviewDays {
		t.Run(fmt.Sprintf("%s day %d", d.intensity, d.seed), func(t *testing.T) {
			data, from, to := dayOf(d.intensity, d.seed)
			want := referenceDay(t, data, from, to)

			w := newWorld(t, profile.Starters()...)
			w.cfg.Sync.Review = config.ReviewTentative
			rp := newReplay(w.aw, data)
			for at := from; !at.After(to.Add(time.Hour)); at = at.Add(10 * time.Minute) {
				rp.advance(at)
				w.mustSync(at)
				for _, e := range w.owned() {
					require.Equal(t, calendar.StatusTentative, e.Status, "%v", briefs([]calendar.Event{e}))
				}
			}
			before := w.owned()
			requireNoOverlap(t, before)
			assertConverged(t, want, before)

			s := w.syncer()
			approved, err := s.ApproveAll(context.Background(), time.Time{})
			require.NoError(t, err)
			assert.Len(t, approved.Done, len(before))
			after := w.owned()
			require.Len(t, after, len(before))
			for i := range after {
				assert.Equal(t, before[i].UID, after[i].UID, "approval keeps the UID")
				assert.Equal(t, calendar.StatusConfirmed, after[i].Status)
				assert.True(t, after[i].Locked)
				b, a := before[i], after[i]
				b.Status, b.Locked, b.Version, a.Status, a.Locked, a.Version = "", false, "", "", false, ""
				assert.Equal(t, b, a, "approval changes nothing else")
			}
			rep := w.mustSync(to.Add(2 * time.Hour))
			assert.Zero(t, rep.Created+rep.Updated+rep.Deleted, "approved blocks never change")
		})
	}
}

func TestRejectLeavesATombstone(t *testing.T) {
	for _, mode := range []string{config.ReviewHold, config.ReviewTentative} {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t, coding, meetings)
			w.cfg.Sync.Review = mode
			w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
			w.window(hm(10, 0), hm(10, 30), "zoom", "Standup")
			w.mustSync(hm(11, 0))
			s := w.syncer()
			pending, err := s.Pending(context.Background(), time.Time{}, time.Time{})
			require.NoError(t, err)
			require.Len(t, pending, 2)

			_, err = s.Reject(context.Background(), []string{"zzzz"})
			require.ErrorIs(t, err, syncer.ErrUnknownProposal)
			rejected, err := s.Reject(context.Background(), []string{syncer.ShortID(pending[0].UID)})
			require.NoError(t, err)
			require.Len(t, rejected.Done, 1)

			_, err = w.backfill(hm(11, 10), hm(8, 0), hm(11, 0))
			require.NoError(t, err)
			left, err := s.Pending(context.Background(), time.Time{}, time.Time{})
			require.NoError(t, err)
			assert.Equal(t, []string{"meetings: Standup"}, titles(proposalEvents(left)), "the rejected block is not proposed again")

			edited, err := s.Edit(context.Background(), left[0].UID, syncer.ProposalEdit{Title: "Daily standup", End: hm(10, 20)})
			require.NoError(t, err)
			require.Len(t, edited.Done, 1)
			assert.Equal(t, left[0].UID, edited.Done[0].UID)
			got := w.owned()
			require.Len(t, got, 1)
			assert.Equal(t, brief{"meetings", "Daily standup", hm(10, 0), hm(10, 20)}, briefs(got)[0])
			assert.True(t, got[0].Locked, "an edit approves and locks")
			_, err = w.backfill(hm(11, 20), hm(8, 0), hm(11, 0))
			require.NoError(t, err)
			assert.Equal(t, got, w.owned(), "and later syncs leave it")
		})
	}
}

func proposalEvents(ps []syncer.Proposal) []calendar.Event {
	out := make([]calendar.Event, len(ps))
	for i, p := range ps {
		out[i] = p.Event
	}
	return out
}

func TestCorruptProposalsFileStopsTheRun(t *testing.T) {
	w := newWorld(t, coding)
	w.cfg.Sync.Review = config.ReviewHold
	path := review.PathBeside(w.statePath)
	require.NoError(t, os.WriteFile(path, []byte(`{"version":1,"proposals":[{"uid":"x"}]`), 0o600))
	_, err := w.sync(hm(12, 0))
	var ce *syncer.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), path)
	data, _ := os.ReadFile(path)
	assert.Equal(t, `{"version":1,"proposals":[{"uid":"x"}]`, string(data), "never reset silently")
}

// TestSplitMergeAndUndo: each review action can be undone, leaving the calendar and the
// pending proposals as they were, in both review modes.
func TestSplitMergeAndUndo(t *testing.T) {
	for _, mode := range []string{config.ReviewHold, config.ReviewTentative} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, coding, meetings)
			w.cfg.Sync.Review = mode
			w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
			w.window(hm(10, 0), hm(10, 30), "zoom", "Standup")
			w.mustSync(hm(11, 0))
			s := w.syncer()
			pendingBefore, err := s.Pending(ctx, time.Time{}, time.Time{})
			require.NoError(t, err)
			require.Len(t, pendingBefore, 2)
			calendarBefore := briefs(w.owned())
			state := func() ([]brief, []brief) {
				p, err := s.Pending(ctx, time.Time{}, time.Time{})
				require.NoError(t, err)
				return briefs(w.owned()), briefs(proposalEvents(p))
			}
			requireRestored := func(step string) {
				t.Helper()
				cal, pend := state()
				assert.Equal(t, calendarBefore, cal, "%s: the calendar is as before", step)
				assert.Equal(t, briefs(proposalEvents(pendingBefore)), pend, "%s: the proposals are as before", step)
			}
			code, standup := pendingBefore[0].UID, pendingBefore[1].UID

			res, err := s.Split(ctx, code, hm(9, 20))
			require.NoError(t, err)
			require.Len(t, res.Done, 2)
			assert.Equal(t, code, res.Done[0].UID, "the first part keeps the UID")
			cal, _ := state()
			assert.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(9, 20)}, {"coding", "Code - main.go", hm(9, 20), hm(10, 0)}},
				cal[:2], "both parts are approved")
			require.NoError(t, s.Undo(ctx, res.Undo))
			requireRestored("undo split")

			res, err = s.Merge(ctx, code, standup)
			require.NoError(t, err)
			cal, pend := state()
			assert.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(10, 30)}}, cal)
			assert.Empty(t, pend)
			require.NoError(t, s.Undo(ctx, res.Undo))
			requireRestored("undo merge")

			res, err = s.Reject(ctx, []string{standup})
			require.NoError(t, err)
			require.NoError(t, s.Undo(ctx, res.Undo))
			requireRestored("undo reject")
			_, err = w.backfill(hm(11, 10), hm(8, 0), hm(11, 0))
			require.NoError(t, err)
			requireRestored("the rejection's tombstone is gone too: a backfill proposes the block again")

			res, err = s.ApproveAll(ctx, time.Time{})
			require.NoError(t, err)
			require.NoError(t, s.Undo(ctx, res.Undo))
			requireRestored("undo approve all")
			rep, err := w.backfill(hm(11, 20), hm(8, 0), hm(11, 0))
			require.NoError(t, err)
			assert.Zero(t, rep.Buried, "undone approvals are not taken for deletions")
			requireRestored("after a backfill")
		})
	}
}

func TestPendingCount(t *testing.T) {
	for _, mode := range []string{config.ReviewHold, config.ReviewTentative, config.ReviewOff} {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t, coding, meetings)
			w.cfg.Sync.Review = mode
			w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
			w.window(hm(10, 0), hm(10, 30), "zoom", "Standup")
			w.mustSync(hm(11, 0))
			n, err := w.syncer().PendingCount(context.Background())
			require.NoError(t, err)
			want := 2
			if mode == config.ReviewOff {
				want = 0
			}
			assert.Equal(t, want, n)
		})
	}
}

// TestHoldBackfillCountsProposals: in review mode "hold" a backfill's report is of the pending
// proposals (Held), and the blocks already in the calendar are neither created nor changed; a
// backfill that forgets corrections writes the calendar itself and is not held.
func TestHoldBackfillCountsProposals(t *testing.T) {
	w := newWorld(t, coding)
	w.window(hm(9, 0), hm(10, 0), "code", "main.go")
	w.away(hm(10, 0), hm(11, 0))
	w.window(hm(11, 0), hm(12, 0), "code", "sync.go")
	day := func(dry, forget bool) syncer.Request {
		return syncer.Request{Trigger: syncer.Manual, From: monday, To: monday.AddDate(0, 0, 1), DryRun: dry, ForgetCorrections: forget}
	}
	rep, err := w.run(hm(20, 0), day(false, false))
	require.NoError(t, err)
	require.False(t, rep.Held, "review off writes the calendar")
	require.Len(t, w.owned(), 2)

	w.cfg.Sync.Review = config.ReviewHold
	w.window(hm(14, 0), hm(15, 0), "code", "new.go")
	rep, err = w.run(hm(20, 0), day(true, false))
	require.NoError(t, err)
	assert.True(t, rep.Held)
	assert.Equal(t, syncer.Counts{Created: 1}, rep.Counts, "one new proposal; the calendar's two blocks are not created again")
	require.Len(t, rep.Changes, 1)
	assert.Equal(t, hm(14, 0), rep.Changes[0].Event.Start)

	rep, err = w.run(hm(20, 0), day(false, false))
	require.NoError(t, err)
	assert.True(t, rep.Held)
	assert.True(t, rep.Summary().Held, "the state file's summary says so too")
	assert.Equal(t, syncer.Counts{Created: 1}, rep.Counts, "the backfill does what its preview said")
	assert.Len(t, w.owned(), 2, "nothing reached the calendar")
	rep, err = w.run(hm(20, 0), day(true, false))
	require.NoError(t, err)
	assert.Equal(t, syncer.Counts{Unchanged: 1}, rep.Counts, "the pending proposal stays as it is")

	rep, err = w.run(hm(20, 0), day(true, true))
	require.NoError(t, err)
	assert.False(t, rep.Held, "forgetting corrections rewrites the calendar, whatever the review mode")
}
