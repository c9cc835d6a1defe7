package ui

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// fakeReviewer keeps proposals in memory and records the actions asked of it.
type fakeReviewer struct {
	pending []syncer.Proposal
	calls   []string
	undone  []syncer.Undo
}

func (f *fakeReviewer) Pending(_ context.Context, from, to time.Time) ([]syncer.Proposal, error) {
	var out []syncer.Proposal
	for _, p := range f.pending {
		if p.Start.Before(to) && p.End.After(from) {
			out = append(out, p)
		}
	}
	return out, nil
}

// take removes the proposals with uids and returns the result of an action on them.
func (f *fakeReviewer) take(uids ...string) syncer.ReviewResult {
	var res syncer.ReviewResult
	f.pending = slices.DeleteFunc(f.pending, func(p syncer.Proposal) bool {
		if slices.Contains(uids, p.UID) {
			res.Done = append(res.Done, p)
			res.Undo.Before = append(res.Undo.Before, p)
			return true
		}
		return false
	})
	return res
}

func (f *fakeReviewer) Approve(_ context.Context, ids []string) (syncer.ReviewResult, error) {
	f.calls = append(f.calls, fmt.Sprintf("approve %v", ids))
	return f.take(ids...), nil
}

func (f *fakeReviewer) Reject(_ context.Context, ids []string) (syncer.ReviewResult, error) {
	f.calls = append(f.calls, fmt.Sprintf("reject %v", ids))
	return f.take(ids...), nil
}

func (f *fakeReviewer) Edit(_ context.Context, id string, e syncer.ProposalEdit) (syncer.ReviewResult, error) {
	f.calls = append(f.calls, fmt.Sprintf("edit %s %q %s %s–%s", id, e.Title, e.ProfileID, clock(e.Start), clock(e.End)))
	return f.take(id), nil
}

func (f *fakeReviewer) Split(_ context.Context, id string, at time.Time) (syncer.ReviewResult, error) {
	f.calls = append(f.calls, fmt.Sprintf("split %s at %s", id, clock(at)))
	return f.take(id), nil
}

func (f *fakeReviewer) Merge(_ context.Context, a, b string) (syncer.ReviewResult, error) {
	f.calls = append(f.calls, fmt.Sprintf("merge %s %s", a, b))
	return f.take(a, b), nil
}

func (f *fakeReviewer) Undo(_ context.Context, u syncer.Undo) error {
	f.calls = append(f.calls, "undo")
	f.undone = append(f.undone, u)
	f.pending = append(f.pending, u.Before...)
	slices.SortFunc(f.pending, func(a, b syncer.Proposal) int { return a.Start.Compare(b.Start) })
	return nil
}

var reviewDay = time.Date(2026, 3, 2, 0, 0, 0, 0, time.Local)

func reviewAt(h, m int) time.Time {
	return reviewDay.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func pendingProposal(uid, profileID, title string, from, to time.Time) syncer.Proposal {
	return syncer.Proposal{Held: true, Event: calendar.Event{UID: uid, ProfileID: profileID, Title: title, Start: from, End: to,
		Description: title + ": 1 h"}}
}

// newTestReview shows the review of reviewDay over three proposals (and one the day after) in
// a test window, with every action run synchronously.
func newTestReview(t *testing.T) (*Review, *fakeReviewer, fyne.Window, *int) {
	t.Helper()
	test.NewTempApp(t)
	f := &fakeReviewer{pending: []syncer.Proposal{
		pendingProposal("u1", "p-code", "Code - main.go", reviewAt(9, 0), reviewAt(10, 0)),
		pendingProposal("u2", "p-web", "Docs", reviewAt(10, 0), reviewAt(10, 30)),
		pendingProposal("u3", "p-code", "Code - sync.go", reviewAt(13, 0), reviewAt(14, 0)),
		pendingProposal("u4", "p-code", "Code - next day", reviewAt(33, 0), reviewAt(34, 0)),
	}}
	changes := 0
	opts := ReviewOptions{
		Profiles: testProfiles,
		Activity: func(context.Context, time.Time, time.Time) ([]activity.BucketEvents, error) { return sampleDay(), nil },
		OnChange: func() { changes++ },
	}
	r := newReviewInline(f, opts, reviewAt(12, 0))
	w := test.NewWindow(r.Root())
	t.Cleanup(w.Close)
	r.BindKeys(w.Canvas())
	return r, f, w, &changes
}

// newReviewInline is NewReview with its background work run synchronously.
func newReviewInline(rv Reviewer, opts ReviewOptions, day time.Time) *Review {
	orig := reviewAsync
	reviewAsync = inline
	defer func() { reviewAsync = orig }()
	return NewReview(rv, opts, day)
}

func titlesShown(r *Review) []string {
	var out []string
	for _, p := range r.proposals {
		out = append(out, p.Title)
	}
	return out
}

func TestReviewShowsTheDaysProposalsOverItsActivity(t *testing.T) {
	r, _, _, _ := newTestReview(t)
	assert.Equal(t, []string{"Code - main.go", "Docs", "Code - sync.go"}, titlesShown(r))
	require.NotEmpty(t, r.timeline.lanes)
	assert.Equal(t, "Proposals", r.timeline.lanes[0].Name)
	assert.Len(t, r.timeline.lanes[0].Segments, 3)
	assert.Greater(t, len(r.timeline.lanes), 1, "the raw activity is drawn under the proposals")
	assert.Equal(t, 0, r.selected, "the first proposal is selected")
	assert.Equal(t, "Code - main.go", r.title.Text)
	assert.Equal(t, "09:00", r.start.Text)
	assert.Contains(t, r.status.Text, "3 pending")
}

func TestReviewActions(t *testing.T) {
	tests := []struct {
		name  string
		do    func(r *Review, w fyne.Window)
		calls []string
		left  []string
	}{
		{"approve one", func(r *Review, _ fyne.Window) { test.Tap(r.approve) }, []string{"approve [u1]"},
			[]string{"Docs", "Code - sync.go"}},
		{"A approves the selected", func(r *Review, w fyne.Window) {
			r.list.Select(1)
			w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyA})
		}, []string{"approve [u2]"}, []string{"Code - main.go", "Code - sync.go"}},
		{"approve all of the day", func(r *Review, _ fyne.Window) { test.Tap(r.approveAll) },
			[]string{"approve [u1 u2 u3]"}, nil},
		{"R rejects the selected", func(r *Review, w fyne.Window) {
			w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyR})
		}, []string{"reject [u1]"}, []string{"Docs", "Code - sync.go"}},
		{"reject button", func(r *Review, _ fyne.Window) { r.list.Select(2); test.Tap(r.reject) }, []string{"reject [u3]"},
			[]string{"Code - main.go", "Docs"}},
		{"rename, change profile and trim, by typing", func(r *Review, _ fyne.Window) {
			r.title.SetText("Pairing")
			assert.Equal(t, []string{"Coding", "Research"}, r.profile.Options, "profiles show by name")
			r.profile.SetSelected("Research")
			r.start.SetText("09:10")
			r.end.SetText("09:50")
			test.Tap(r.save)
		}, []string{`edit u1 "Pairing" p-web 09:10–09:50`}, []string{"Docs", "Code - sync.go"}},
		{"split at a time", func(r *Review, _ fyne.Window) {
			r.splitAt.SetText("09:25")
			test.Tap(r.split)
		}, []string{"split u1 at 09:25"}, []string{"Docs", "Code - sync.go"}},
		{"merge with the next one", func(r *Review, _ fyne.Window) { test.Tap(r.merge) }, []string{"merge u1 u2"},
			[]string{"Code - sync.go"}},
		{"a time that is not one is refused", func(r *Review, _ fyne.Window) {
			r.end.SetText("half past nine")
			test.Tap(r.save)
			assert.Contains(t, r.status.Text, "HH:MM")
		}, nil, []string{"Code - main.go", "Docs", "Code - sync.go"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, f, w, changes := newTestReview(t)
			r.async = inline
			tc.do(r, w)
			assert.Equal(t, tc.calls, f.calls)
			assert.Equal(t, tc.left, titlesShown(r), "the day is shown again after the action")
			assert.Equal(t, len(tc.calls), *changes, "the tray's count is refreshed after each action")
		})
	}
}

func TestReviewKeysChangeDayAndUndo(t *testing.T) {
	r, f, w, _ := newTestReview(t)
	r.async = inline
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyRight})
	assert.Equal(t, reviewDay.AddDate(0, 0, 1), r.Day())
	assert.Equal(t, []string{"Code - next day"}, titlesShown(r))
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyLeft})
	assert.Equal(t, reviewDay, r.Day())

	assert.True(t, r.undoBn.Disabled(), "nothing to undo yet")
	test.Tap(r.reject)
	assert.Equal(t, []string{"Docs", "Code - sync.go"}, titlesShown(r))
	assert.False(t, r.undoBn.Disabled())
	ctrlZ := &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault}
	r.shortcuts.TypedShortcut(ctrlZ)
	assert.Equal(t, []string{"reject [u1]", "undo"}, f.calls)
	require.Len(t, f.undone, 1)
	assert.Equal(t, "u1", f.undone[0].Before[0].UID, "the last action is undone")
	assert.Equal(t, []string{"Code - main.go", "Docs", "Code - sync.go"}, titlesShown(r))
	assert.True(t, r.undoBn.Disabled())
}

func TestTrayReviewItemShowsTheCount(t *testing.T) {
	test.NewTempApp(t)
	n := 3
	shown := 0
	tr := NewTray(test.NewTempApp(t), nil, TrayActions{ShowReview: func() { shown++ }, PendingCount: func() (int, error) { return n, nil }}, time.Now)
	tr.review.async = inline
	tr.RefreshReview()
	i := slices.IndexFunc(tr.Menu().Items, func(it *fyne.MenuItem) bool { return it == tr.review.item })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "Review 3 pending…", tr.Menu().Items[i].Label)
	n = 0
	tr.RefreshReview()
	assert.Equal(t, "Review 0 pending…", tr.review.item.Label)
	tr.review.item.Action()
	assert.Equal(t, 1, shown)
}

func TestReviewTrimByDraggingAnEdge(t *testing.T) {
	r, f, w, _ := newTestReview(t)
	r.async = inline
	w.Resize(fyne.NewSize(1200, 700))
	tl := r.timeline
	width := tl.Size().Width
	require.Greater(t, width, float32(tlLabelWidth))
	y := float32(tlAxis) + tlBlockLane/2
	from := fyne.NewPos(tl.xOf(reviewAt(10, 0), width), y) // the end of u1 (and the start of u2)
	to := tl.xOf(reviewAt(9, 30), width)
	tl.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(to, y)},
		Dragged: fyne.NewDelta(to-from.X, 0)})
	tl.DragEnd()
	require.Len(t, f.calls, 1)
	assert.Regexp(t, `^edit u1 "" +\S+–09:30$`, f.calls[0], "the first block's end, where the drag began, moves to 09:30 (the start is left)")
	lo, hi := tl.Range()
	assert.Equal(t, reviewDay, lo, "dragging an edge does not pan")
	assert.Equal(t, reviewDay.AddDate(0, 0, 1), hi)
}

// TestReviewMakesRoomForLanesLoadedAfterTheWindowShows: the day's lanes arrive after the window
// is laid out (the real window loads them in the background); the list and the actions must
// then start below the taller timeline instead of being drawn under it.
func TestReviewMakesRoomForLanesLoadedAfterTheWindowShows(t *testing.T) {
	test.NewTempApp(t)
	f := &fakeReviewer{pending: []syncer.Proposal{
		pendingProposal("u1", "p-code", "Code - main.go", reviewAt(9, 0), reviewAt(10, 0)),
	}}
	var later []func()
	orig := reviewAsync
	reviewAsync = func(fn func()) { later = append(later, fn) }
	t.Cleanup(func() { reviewAsync = orig })
	r := NewReview(f, ReviewOptions{Profiles: testProfiles,
		Activity: func(context.Context, time.Time, time.Time) ([]activity.BucketEvents, error) { return sampleDay(), nil }},
		reviewAt(12, 0))
	w := test.NewWindow(r.Root())
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(980, 640))
	require.NotEmpty(t, later, "the day is loaded in the background")
	for _, fn := range later {
		fn()
	}
	require.Greater(t, len(r.timeline.lanes), 1)
	d := fyne.CurrentApp().Driver()
	timelineBottom := d.AbsolutePositionForObject(r.timeline).Y + r.timeline.Size().Height
	assert.GreaterOrEqual(t, r.timeline.Size().Height, r.timeline.MinSize().Height, "every lane is shown")
	assert.GreaterOrEqual(t, d.AbsolutePositionForObject(r.list).Y, timelineBottom, "the list starts below the timeline")
}

func TestReviewProfileLabels(t *testing.T) {
	test.NewTempApp(t)
	ps := []profile.Profile{{ID: "a", Name: "Coding"}, {ID: "b", Name: "Coding"}, {ID: "c", Name: "Meetings"}, {ID: "d"}}
	r := newReviewInline(&fakeReviewer{}, ReviewOptions{Profiles: func() []profile.Profile { return ps }}, reviewAt(12, 0))
	for id, want := range map[string]string{"a": "Coding (a)", "b": "Coding (b)", "c": "Meetings", "d": "d", "gone": "gone"} {
		assert.Equal(t, want, r.profileLabel(id), id)
		if id != "gone" {
			assert.Equal(t, id, r.profileID(want), "a label leads back to its profile")
		}
	}
}
