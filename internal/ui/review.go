package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// Reviewer is what the Review window asks of the syncer (*syncer.Syncer): the pending proposals
// and the review actions, each of which returns how to undo it.
type Reviewer interface {
	Pending(ctx context.Context, from, to time.Time) ([]syncer.Proposal, error)
	Approve(ctx context.Context, ids []string) (syncer.ReviewResult, error)
	Reject(ctx context.Context, ids []string) (syncer.ReviewResult, error)
	Edit(ctx context.Context, id string, edit syncer.ProposalEdit) (syncer.ReviewResult, error)
	Split(ctx context.Context, id string, at time.Time) (syncer.ReviewResult, error)
	Merge(ctx context.Context, first, second string) (syncer.ReviewResult, error)
	Undo(ctx context.Context, u syncer.Undo) error
}

// ReviewOptions are what the Review window shows besides the proposals.
type ReviewOptions struct {
	// Profiles are the configured profiles (names, colours, the profile selector).
	Profiles func() []profile.Profile
	// Activity reads a day's activity for the timeline; nil shows the proposals alone.
	Activity func(ctx context.Context, from, to time.Time) ([]activity.BucketEvents, error)
	// OnChange is called after every review action (the tray's count follows it).
	OnChange func()
}

// Review is the Review window's content: a day's proposals over its raw activity, and the
// actions on them (approve one or all, reject, rename, change profile, trim by typing the
// times or dragging an edge in the timeline, split at a time, merge with the next one, undo). Keys: A approves, R rejects, ←/→
// change day, Ctrl+Z undoes.
type Review struct {
	rv    Reviewer
	opts  ReviewOptions
	async func(func())

	day       time.Time // local midnight
	proposals []syncer.Proposal
	selected  int // index into proposals, -1 when none
	undo      []syncer.Undo
	shortcuts fyne.ShortcutHandler // the window's shortcuts (Ctrl+Z)

	dayLabel, status, detail                                *widget.Label
	timeline                                                *Timeline
	list                                                    *widget.List
	title, start, end, splitAt                              *widget.Entry
	profile                                                 *widget.Select
	approve, approveAll, reject, save, split, merge, undoBn *widget.Button
	// edit holds the title, profile and times; choose refreshes it so its labels follow them.
	edit *widget.Form
	root fyne.CanvasObject
}

// reviewAsync runs a Review's background work; tests make it synchronous.
var reviewAsync = func(f func()) { go f() }

// NewReview builds the Review view showing day (any time of it).
func NewReview(rv Reviewer, opts ReviewOptions, day time.Time) *Review {
	r := &Review{rv: rv, opts: opts, async: reviewAsync, day: midnight(day), selected: -1}
	r.dayLabel = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	r.status = widget.NewLabel("")
	r.status.Wrapping = fyne.TextWrapWord
	r.detail = widget.NewLabel("")
	r.detail.Wrapping = fyne.TextWrapWord
	r.timeline = NewTimeline(r.day, r.day.AddDate(0, 0, 1))
	r.timeline.OnEdge = r.dragEdge
	r.list = widget.NewList(func() int { return len(r.proposals) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(r.line(r.proposals[i])) })
	r.list.OnSelected = func(i widget.ListItemID) { r.choose(i) }

	r.title = widget.NewEntry()
	r.title.SetPlaceHolder("title")
	r.start, r.end, r.splitAt = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	r.start.SetPlaceHolder("HH:MM")
	r.end.SetPlaceHolder("HH:MM")
	r.splitAt.SetPlaceHolder("HH:MM")
	r.profile = widget.NewSelect(nil, nil)

	r.approve = widget.NewButtonWithIcon("Approve (A)", theme.ConfirmIcon(), r.Approve)
	r.approve.Importance = widget.HighImportance
	r.approveAll = widget.NewButton("Approve all of the day", r.ApproveAll)
	r.reject = widget.NewButtonWithIcon("Reject (R)", theme.CancelIcon(), r.Reject)
	r.save = widget.NewButton("Save changes and approve", r.SaveEdit)
	r.split = widget.NewButton("Split here", r.Split)
	r.merge = widget.NewButton("Merge with the next one", r.Merge)
	r.undoBn = widget.NewButtonWithIcon("Undo (Ctrl+Z)", theme.ContentUndoIcon(), r.Undo)

	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { r.ShowDay(r.day.AddDate(0, 0, -1)) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { r.ShowDay(r.day.AddDate(0, 0, 1)) })
	header := container.NewBorder(nil, nil, prev, next, r.dayLabel)
	r.edit = widget.NewForm(
		widget.NewFormItem("Title", r.title),
		widget.NewFormItem("Profile", r.profile),
		widget.NewFormItem("Start", r.start),
		widget.NewFormItem("End", r.end),
	)
	actions := container.NewVBox(
		container.NewGridWithColumns(2, r.approve, r.reject),
		r.detail, r.edit, r.save,
		container.NewBorder(nil, nil, widget.NewLabel("Split at"), r.split, r.splitAt),
		r.merge, widget.NewSeparator(), r.approveAll, r.undoBn,
	)
	body := container.NewHSplit(r.list, container.NewVScroll(actions))
	body.SetOffset(0.45)
	r.root = container.NewBorder(container.NewVBox(header, container.NewHScroll(r.timeline)),
		r.status, nil, nil, body)
	r.ShowDay(r.day)
	return r
}

// Root is the view's content.
func (r *Review) Root() fyne.CanvasObject { return r.root }

// ShowDay loads the proposals of day (any time of it) and its activity.
func (r *Review) ShowDay(day time.Time) {
	r.day = midnight(day)
	from, to := r.day, r.day.AddDate(0, 0, 1)
	r.dayLabel.SetText(r.day.Format("Monday 2 January 2006"))
	r.timeline.SetRange(from, to)
	r.async(func() {
		ctx := context.Background()
		pending, err := r.rv.Pending(ctx, from, to)
		var acts []activity.BucketEvents
		var aerr error
		if err == nil && r.opts.Activity != nil {
			acts, aerr = r.opts.Activity(ctx, from, to)
		}
		fyne.Do(func() {
			if !r.day.Equal(from) {
				return // another day was asked for meanwhile
			}
			if err != nil {
				r.status.SetText("Cannot read the proposals: " + err.Error())
				return
			}
			r.proposals = pending
			r.timeline.SetLanes(r.lanes(acts))
			r.root.Refresh() // lay out again: the lanes made the timeline taller
			switch {
			case aerr != nil:
				r.status.SetText(fmt.Sprintf("%d pending. The activity cannot be shown: %v", len(pending), aerr))
			case len(pending) == 0:
				r.status.SetText("Nothing to review on this day.")
			default:
				r.status.SetText(fmt.Sprintf("%d pending on this day.", len(pending)))
			}
			r.list.Refresh()
			r.selected = -1
			r.list.UnselectAll()
			if len(pending) > 0 {
				r.list.Select(0)
			} else {
				r.choose(-1)
			}
		})
	})
}

// lanes are the proposals over the day's activity.
func (r *Review) lanes(acts []activity.BucketEvents) []Lane {
	profiles := r.profiles()
	byID := map[string]profile.Profile{}
	for _, p := range profiles {
		byID[p.ID] = p
	}
	lane := Lane{Name: "Proposals", Blocks: true}
	for _, p := range r.proposals {
		lane.Segments = append(lane.Segments, Segment{ID: p.UID, Start: p.Start, End: p.End, Label: p.Title,
			Detail: r.line(p) + "\n" + p.Description, Color: parseHex(byID[p.ProfileID].Color)})
	}
	return append([]Lane{lane}, BuildLanes(acts, engine.Result{}, profiles)[1:]...)
}

func (r *Review) profiles() []profile.Profile {
	if r.opts.Profiles == nil {
		return nil
	}
	return r.opts.Profiles()
}

func (r *Review) line(p syncer.Proposal) string {
	return fmt.Sprintf("%s–%s  %s  (%s)", clock(p.Start), clock(p.End), p.Title, r.profileLabel(p.ProfileID))
}

// profileLabel is how the profile with this id shows in the list and the selector: its name,
// with the id beside it when another profile has the same name (or the id alone when it has
// no name, or is no longer configured).
func (r *Review) profileLabel(id string) string {
	ps := r.profiles()
	name := ""
	for _, p := range ps {
		if p.ID == id {
			name = p.Name
		}
	}
	if name == "" {
		return id
	}
	for _, p := range ps {
		if p.ID != id && p.Name == name {
			return name + " (" + id + ")"
		}
	}
	return name
}

// profileID is the id of the profile the selector shows as label.
func (r *Review) profileID(label string) string {
	for _, p := range r.profiles() {
		if r.profileLabel(p.ID) == label {
			return p.ID
		}
	}
	return label
}

// choose shows proposal i in the editor (-1: none) and enables the actions that apply.
func (r *Review) choose(i int) {
	r.selected = i
	var names []string
	for _, p := range r.profiles() {
		names = append(names, r.profileLabel(p.ID))
	}
	r.profile.Options = names
	has := i >= 0 && i < len(r.proposals)
	for _, w := range []fyne.Disableable{r.approve, r.reject, r.save, r.split, r.title, r.start, r.end, r.splitAt, r.profile} {
		if has {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	r.edit.Refresh() // the form greys a disabled field's label, and redraws it only on its own refresh
	if has && i+1 < len(r.proposals) {
		r.merge.Enable()
	} else {
		r.merge.Disable()
	}
	if len(r.proposals) > 0 {
		r.approveAll.Enable()
	} else {
		r.approveAll.Disable()
	}
	if len(r.undo) > 0 {
		r.undoBn.Enable()
	} else {
		r.undoBn.Disable()
	}
	if !has {
		r.title.SetText("")
		r.start.SetText("")
		r.end.SetText("")
		r.detail.SetText("")
		return
	}
	p := r.proposals[i]
	r.title.SetText(p.Title)
	r.profile.SetSelected(r.profileLabel(p.ProfileID))
	r.start.SetText(clock(p.Start))
	r.end.SetText(clock(p.End))
	r.splitAt.SetText(clock(p.Start.Add(p.End.Sub(p.Start) / 2)))
	r.detail.SetText(strings.TrimSpace(p.Description))
}

func (r *Review) current() (syncer.Proposal, bool) {
	if r.selected < 0 || r.selected >= len(r.proposals) {
		return syncer.Proposal{}, false
	}
	return r.proposals[r.selected], true
}

// act runs a review action off the Fyne goroutine, remembers how to undo it and reloads the day.
func (r *Review) act(what string, do func(ctx context.Context) (syncer.ReviewResult, error)) {
	r.async(func() {
		res, err := do(context.Background())
		fyne.Do(func() {
			if len(res.Undo.Before) > 0 {
				r.undo = append(r.undo, res.Undo)
			}
			if err != nil {
				r.status.SetText(what + " failed: " + err.Error())
			}
			if r.opts.OnChange != nil {
				r.opts.OnChange()
			}
			if err == nil {
				r.ShowDay(r.day)
			}
		})
	})
}

// Approve approves the selected proposal.
func (r *Review) Approve() {
	if p, ok := r.current(); ok {
		r.act("Approving", func(ctx context.Context) (syncer.ReviewResult, error) { return r.rv.Approve(ctx, []string{p.UID}) })
	}
}

// ApproveAll approves every proposal of the day shown.
func (r *Review) ApproveAll() {
	ids := make([]string, len(r.proposals))
	for i, p := range r.proposals {
		ids[i] = p.UID
	}
	if len(ids) > 0 {
		r.act("Approving", func(ctx context.Context) (syncer.ReviewResult, error) { return r.rv.Approve(ctx, ids) })
	}
}

// Reject rejects the selected proposal.
func (r *Review) Reject() {
	if p, ok := r.current(); ok {
		r.act("Rejecting", func(ctx context.Context) (syncer.ReviewResult, error) { return r.rv.Reject(ctx, []string{p.UID}) })
	}
}

// SaveEdit approves the selected proposal with the title, profile and times typed.
func (r *Review) SaveEdit() {
	p, ok := r.current()
	if !ok {
		return
	}
	start, err1 := r.clockOn(r.start.Text)
	end, err2 := r.clockOn(r.end.Text)
	if err := firstErr(err1, err2); err != nil {
		r.status.SetText(err.Error())
		return
	}
	edit := syncer.ProposalEdit{Title: strings.TrimSpace(r.title.Text), ProfileID: r.profileID(r.profile.Selected), Start: start, End: end}
	r.act("Saving", func(ctx context.Context) (syncer.ReviewResult, error) { return r.rv.Edit(ctx, p.UID, edit) })
}

// dragEdge trims a proposal to where one of its edges was dragged (to the minute), which
// approves it as an edit does.
func (r *Review) dragEdge(seg Segment, start bool, at time.Time) {
	at = at.Round(time.Minute)
	edit := syncer.ProposalEdit{End: at}
	if start {
		edit = syncer.ProposalEdit{Start: at}
	}
	r.act("Trimming", func(ctx context.Context) (syncer.ReviewResult, error) { return r.rv.Edit(ctx, seg.ID, edit) })
}

// Split splits the selected proposal at the time typed.
func (r *Review) Split() {
	p, ok := r.current()
	if !ok {
		return
	}
	at, err := r.clockOn(r.splitAt.Text)
	if err != nil {
		r.status.SetText(err.Error())
		return
	}
	r.act("Splitting", func(ctx context.Context) (syncer.ReviewResult, error) { return r.rv.Split(ctx, p.UID, at) })
}

// Merge merges the selected proposal with the next one.
func (r *Review) Merge() {
	p, ok := r.current()
	if !ok || r.selected+1 >= len(r.proposals) {
		return
	}
	next := r.proposals[r.selected+1]
	r.act("Merging", func(ctx context.Context) (syncer.ReviewResult, error) { return r.rv.Merge(ctx, p.UID, next.UID) })
}

// Undo undoes the last review action.
func (r *Review) Undo() {
	if len(r.undo) == 0 {
		return
	}
	u := r.undo[len(r.undo)-1]
	r.undo = r.undo[:len(r.undo)-1]
	r.async(func() {
		err := r.rv.Undo(context.Background(), u)
		fyne.Do(func() {
			if err != nil {
				r.status.SetText("Undo failed: " + err.Error())
			}
			if r.opts.OnChange != nil {
				r.opts.OnChange()
			}
			r.ShowDay(r.day)
		})
	})
}

// clockOn reads "HH:MM" (or "HH:MM:SS") as a time on the day shown.
func (r *Review) clockOn(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return time.Date(r.day.Year(), r.day.Month(), r.day.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.Local), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time of day: type it as HH:MM, for example 09:30", s)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// BindKeys makes the window's keys act: A approves, R rejects, ←/→ change day (while no text
// field has the focus), Ctrl+Z undoes.
func (r *Review) BindKeys(c fyne.Canvas) {
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		switch e.Name {
		case fyne.KeyA:
			r.Approve()
		case fyne.KeyR:
			r.Reject()
		case fyne.KeyLeft:
			r.ShowDay(r.day.AddDate(0, 0, -1))
		case fyne.KeyRight:
			r.ShowDay(r.day.AddDate(0, 0, 1))
		}
	})
	undo := &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault}
	r.shortcuts.AddShortcut(undo, func(fyne.Shortcut) { r.Undo() })
	c.AddShortcut(undo, r.shortcuts.TypedShortcut)
}

// ShowReview opens the Review window on day.
func ShowReview(a fyne.App, rv Reviewer, opts ReviewOptions, day time.Time) *Review {
	w := a.NewWindow("awcal review")
	r := NewReview(rv, opts, day)
	r.BindKeys(w.Canvas())
	w.SetContent(container.NewPadded(r.Root()))
	w.Resize(fyne.NewSize(980, 640))
	w.Show()
	return r
}
