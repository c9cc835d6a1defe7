package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// patternEntry is a rule's pattern field. It has a line of its own, and while it has the focus
// a pattern too long for that line shows whole, wrapped, in the label under it (full), so a
// long regex can be read while it is edited rather than only scrolled through.
type patternEntry struct {
	widget.Entry
	full    *widget.Label
	focused bool
}

func newPatternEntry() *patternEntry {
	e := &patternEntry{full: widget.NewLabel("")}
	e.ExtendBaseWidget(e)
	e.full.Wrapping = fyne.TextWrapBreak
	e.full.TextStyle = fyne.TextStyle{Monospace: true}
	e.full.Hide()
	return e
}

// FocusGained shows the whole pattern when it does not fit.
func (e *patternEntry) FocusGained() {
	e.Entry.FocusGained()
	e.focused = true
	e.showFull()
}

// FocusLost hides the whole pattern again.
func (e *patternEntry) FocusLost() {
	e.Entry.FocusLost()
	e.focused = false
	e.full.Hide()
}

// showFull shows the pattern under the field while the field has the focus and the pattern is
// wider than the field; the rule row calls it after every edit.
func (e *patternEntry) showFull() {
	if !e.focused {
		return
	}
	width := fyne.MeasureText(e.Text, theme.TextSize(), e.TextStyle).Width + 2*theme.InnerPadding()
	if width <= e.Size().Width {
		e.full.Hide()
		return
	}
	e.full.SetText(e.Text)
	e.full.Show()
}
