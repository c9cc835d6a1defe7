package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// backfillState is where the backfill dialog is in its flow.
type backfillState int

const (
	bfEditing  backfillState = iota // choosing dates
	bfPlanning                      // dry run under way
	bfPlanned                       // dry-run summary shown, waiting for Confirm
	bfApplying                      // writing
	bfDone                          // written
	bfFailed                        // a run failed or was cancelled
)

// Backfill is the custom-range backfill flow: pick dates, see a dry-run summary, confirm,
// watch progress (and cancel). It calls the runtime's Backfill, which never advances
// lastSyncTime (SYNC.md §1).
type Backfill struct {
	bf    Backfiller
	async func(func())

	state  backfillState
	cancel context.CancelFunc
	gen    int // drops a cancelled run's late result
	// clock tells the time for the estimate of the time left; started is when the run's
	// work began (after any wait for a sync in progress).
	clock   func() time.Time
	started time.Time

	from, to *widget.DateEntry
	// form holds the dates (and reset); setState refreshes it so its labels follow them.
	form *widget.Form
	// reset, shown when the runtime can, forgets the person's corrections in the range.
	reset                        *widget.Check
	summary                      *widget.Label
	changes                      *widget.Label // what the calendar gets, never scrolled away
	phase                        *widget.Label
	progress                     *widget.ProgressBar
	preview, confirm, stop, done *widget.Button
	root                         fyne.CanvasObject
	// OnClose hides the dialog's window.
	OnClose func()
}

// NewBackfill builds the backfill flow with the range ending today and starting a week back.
func NewBackfill(bf Backfiller, now time.Time) *Backfill {
	b := &Backfill{bf: bf, async: func(f func()) { go f() }, clock: time.Now}
	end := midnight(now)
	start := end.AddDate(0, 0, -7)
	b.from, b.to = widget.NewDateEntry(), widget.NewDateEntry()
	b.from.SetDate(&start)
	b.to.SetDate(&end)
	b.from.OnChanged = func(*time.Time) { b.edited() }
	b.to.OnChanged = func(*time.Time) { b.edited() }

	b.summary = widget.NewLabel("")
	b.summary.Wrapping = fyne.TextWrapWord
	b.changes = widget.NewLabel("")
	b.changes.Wrapping = fyne.TextWrapWord
	b.changes.TextStyle.Bold = true
	b.phase = widget.NewLabel("")
	b.progress = widget.NewProgressBar()
	b.preview = widget.NewButtonWithIcon("Preview changes", theme.SearchIcon(), func() { b.run(true) })
	b.confirm = widget.NewButtonWithIcon("Confirm", theme.ConfirmIcon(), func() { b.run(false) })
	b.confirm.Importance = widget.HighImportance
	b.stop = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), b.Cancel)
	b.done = widget.NewButton("Close", func() {
		b.Cancel()
		if b.OnClose != nil {
			b.OnClose()
		}
	})

	intro := widget.NewLabel("Rebuild the blocks of a date range, for example after changing profiles. " +
		"awcal shows what would change before it writes anything. A backfill never moves the " +
		"\"last checked\" point of automatic sync, and blocks crossing the range's edges are kept whole.")
	intro.Wrapping = fyne.TextWrapWord
	b.form = widget.NewForm(widget.NewFormItem("From", b.from), widget.NewFormItem("To (inclusive)", b.to))
	if _, ok := bf.(CorrectionsResetter); ok {
		b.reset = widget.NewCheck("Reset corrections in this range: rewrite the events I edited, bring back the blocks I deleted",
			func(bool) { b.edited() })
		b.form.Append("", b.reset)
	}
	b.root = container.NewBorder(
		container.NewVBox(intro, b.form),
		container.NewVBox(b.changes, b.phase, b.progress,
			container.NewHBox(layout.NewSpacer(), b.stop, b.preview, b.confirm, b.done)),
		nil, nil, container.NewVScroll(b.summary))
	b.setState(bfEditing)
	return b
}

// Root is the dialog's content.
func (b *Backfill) Root() fyne.CanvasObject { return b.root }

// rangeOf returns [from 00:00, day after to 00:00) in local time, or an error to show.
func (b *Backfill) rangeOf() (time.Time, time.Time, error) {
	if b.from.Date == nil || b.to.Date == nil {
		return time.Time{}, time.Time{}, fmt.Errorf("choose both dates")
	}
	from, to := *dayStart(b.from.Date, 0), *dayStart(b.to.Date, 1)
	if !to.After(from) {
		return from, to, fmt.Errorf("the end date is before the start date")
	}
	return from, to, nil
}

// edited invalidates a shown plan: the dates changed, so Confirm needs a new preview.
func (b *Backfill) edited() {
	if b.state == bfPlanning || b.state == bfApplying {
		return
	}
	b.summary.SetText("")
	b.changes.SetText("")
	b.setState(bfEditing)
}

func (b *Backfill) setState(s backfillState) {
	b.state = s
	busy := s == bfPlanning || s == bfApplying
	_, _, rangeErr := b.rangeOf()
	setEnabled(b.preview, !busy && rangeErr == nil)
	setEnabled(b.confirm, s == bfPlanned)
	setEnabled(b.stop, busy)
	setEnabled(b.from, !busy)
	setEnabled(b.to, !busy)
	if b.reset != nil {
		setEnabled(b.reset, !busy)
	}
	b.form.Refresh() // the form greys a disabled field's label, and redraws it only on its own refresh
	if busy {
		b.progress.Show()
	} else {
		b.progress.Hide()
	}
	if s == bfEditing {
		if rangeErr != nil {
			b.phase.SetText(rangeErr.Error())
		} else {
			b.phase.SetText("Press Preview changes to see what the backfill would do.")
		}
	}
}

// run starts a dry run (preview) or the real backfill in the background.
func (b *Backfill) run(dryRun bool) {
	from, to, err := b.rangeOf()
	if err != nil {
		b.phase.SetText(err.Error())
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.gen++
	gen := b.gen
	b.progress.SetValue(0)
	if dryRun {
		b.phase.SetText("Working out what would change…")
		b.setState(bfPlanning)
	} else {
		b.phase.SetText("Writing…")
		b.setState(bfApplying)
	}
	b.started = b.clock()
	days := int(to.Sub(from).Hours()/24 + 0.5)
	waiting := false
	progress := func(phase string, f float64) {
		fyne.Do(func() {
			if gen != b.gen {
				return
			}
			if phase == waitingText {
				waiting = true
				b.phase.SetText(phase)
				return
			}
			if waiting { // the estimate counts from when the work starts
				waiting, b.started = false, b.clock()
			}
			b.phase.SetText(progressText(phase, f, days, b.clock().Sub(b.started)))
			b.progress.SetValue(f)
		})
	}
	backfill := b.bf.Backfill
	if rs, ok := b.bf.(CorrectionsResetter); ok && b.reset != nil && b.reset.Checked {
		backfill = rs.ResetCorrections
	}
	b.async(func() {
		plan, err := backfill(ctx, from, to, dryRun, progress)
		cancel()
		fyne.Do(func() {
			if gen == b.gen {
				b.finish(dryRun, plan, err)
			}
		})
	})
}

func (b *Backfill) finish(dryRun bool, plan Plan, err error) {
	switch {
	case err != nil && b.state == bfFailed: // cancelled: the message is already shown
	case err != nil:
		b.phase.SetText("The backfill failed: " + err.Error())
		b.setState(bfFailed)
	case dryRun:
		b.summary.SetText(planText(plan))
		b.changes.SetText(changesText(plan, true))
		b.phase.SetText("Nothing is written until you press Confirm.")
		b.setState(bfPlanned)
	default:
		b.summary.SetText(planText(plan))
		b.changes.SetText(changesText(plan, false))
		b.phase.SetText("Backfill done.")
		b.setState(bfDone)
	}
	if b.state == bfFailed {
		setEnabled(b.preview, true)
	}
}

// Cancel stops a run under way. The runtime stops before its next write; what was written
// stays consistent (SYNC.md §5) and a new backfill of the range finishes the job.
func (b *Backfill) Cancel() {
	if b.state != bfPlanning && b.state != bfApplying {
		return
	}
	wasApplying := b.state == bfApplying
	b.gen++ // the cancelled run's result is dropped
	b.setState(bfFailed)
	if wasApplying {
		b.phase.SetText("Backfill cancelled. Run it again to finish the range; nothing is duplicated.")
	} else {
		b.phase.SetText("Backfill cancelled.")
	}
	setEnabled(b.preview, true)
	if b.cancel != nil {
		b.cancel() // last: the run's goroutine sees the state above once it stops
	}
}

// planText describes a plan's blocks and hours per profile.
func planText(p Plan) string {
	var lines []string
	ps := append([]ProfilePlan(nil), p.Profiles...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Hours > ps[j].Hours })
	blocks, hours := 0, 0.0
	for _, pp := range ps {
		lines = append(lines, fmt.Sprintf("• %s: %s, %.1f h", pp.Name, count(pp.Blocks, "block", ""), pp.Hours))
		blocks += pp.Blocks
		hours += pp.Hours
	}
	head := fmt.Sprintf("%s, %.1f h in total:", count(blocks, "block", ""), hours)
	switch {
	case p.Incomplete != "":
		head = p.Incomplete
	case len(ps) == 0:
		lines = append(lines, "No blocks in this range.")
	}
	return head + "\n" + strings.Join(lines, "\n")
}

// changesText is what a plan does to the calendar: "Would change the calendar: …" for a
// preview, "Changed the calendar: …" once written. A held plan (review mode "hold") leaves the
// calendar as it is and says what it does to the proposals waiting for review.
func changesText(p Plan, dryRun bool) string {
	if !p.Held {
		if dryRun {
			return fmt.Sprintf("Would change the calendar: %d to create, %d to update, %d to delete (%d unchanged).",
				p.Created, p.Updated, p.Deleted, p.Unchanged)
		}
		return fmt.Sprintf("Changed the calendar: %d created, %d updated, %d deleted (%d unchanged).",
			p.Created, p.Updated, p.Deleted, p.Unchanged)
	}
	calendarLine := fmt.Sprintf("Would change the calendar: nothing (%d unchanged).", p.InCalendar)
	reviewLine := fmt.Sprintf("Would hold for review: %s, %d to update, %d to withdraw (%d unchanged).",
		count(p.Created, "new proposal", ""), p.Updated, p.Deleted, p.Unchanged)
	if !dryRun {
		calendarLine = fmt.Sprintf("Changed the calendar: nothing (%d unchanged).", p.InCalendar)
		reviewLine = fmt.Sprintf("Held for review: %s, %d updated, %d withdrawn (%d unchanged).",
			count(p.Created, "new proposal", ""), p.Updated, p.Deleted, p.Unchanged)
	}
	if p.Incomplete != "" {
		calendarLine = "The calendar was left as it was."
	}
	return calendarLine + "\n" + reviewLine
}

// progressText is a run's progress as the dialog shows it: its phase, the day of the range
// it has reached and an estimate of the time left, from the time the fraction f took so far:
// "Deriving blocks… · day 3 of 7 · about 2 min left".
func progressText(phase string, f float64, days int, elapsed time.Duration) string {
	parts := []string{phase}
	if f >= 1 {
		return phase
	}
	if days > 1 {
		parts = append(parts, fmt.Sprintf("day %d of %d", min(days, int(f*float64(days))+1), days))
	}
	if f >= 0.02 && elapsed > 0 {
		parts = append(parts, timeLeft(time.Duration(float64(elapsed)*(1-f)/f)))
	}
	return strings.Join(parts, " · ")
}

// timeLeft says roughly how long is left: "less than a minute left", "about 4 min left",
// "about 1 h 20 min left".
func timeLeft(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute) // rounded up
	switch {
	case d < time.Minute:
		return "less than a minute left"
	case m < 60:
		return fmt.Sprintf("about %d min left", m)
	case m%60 == 0:
		return fmt.Sprintf("about %d h left", m/60)
	}
	return fmt.Sprintf("about %d h %d min left", m/60, m%60)
}

// ShowBackfill opens the backfill flow in its own window.
func ShowBackfill(a fyne.App, bf Backfiller, now time.Time) *Backfill {
	w := a.NewWindow("Backfill a date range")
	b := NewBackfill(bf, now)
	b.OnClose = w.Close
	w.SetContent(container.NewPadded(b.Root()))
	w.SetOnClosed(b.Cancel)
	w.Resize(fyne.NewSize(560, 460))
	w.Show()
	return b
}
