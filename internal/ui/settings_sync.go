package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/config"
)

// Labels of the sync strategies.
const (
	strategyLastChecked = "Sync from last checked"
	strategyCustom      = "Custom date range (backfill; manual only)"
)

// Labels of the review modes (sync.review), in the order the selector shows them.
var reviewLabels = []struct{ mode, label string }{
	{config.ReviewOff, "Off: book blocks directly"},
	{config.ReviewTentative, "Tentative: write blocks as tentative until I approve them"},
	{config.ReviewHold, "Hold: nothing reaches the calendar until I approve it"},
}

// syncTab is the Sync tab: the strategy and its range, automatic sync, the review mode, AFK
// masking, start at login and the browser table.
type syncTab struct {
	*form
	root       fyne.CanvasObject
	strategy   *widget.RadioGroup
	customFrom *widget.DateEntry
	customTo   *widget.DateEntry
	autoSync   *widget.Check
	interval   *widget.Entry
	lookback   *widget.Entry
	afk        *widget.Check
	review     *widget.Select
	browsers   *browserList
	fields     *widget.Form
	// autostart is nil when the platform has no start-at-login option.
	autostart *widget.Check
}

func newSyncTab(f *form) *syncTab {
	t := &syncTab{form: f}
	sc := &f.cfg.Sync
	t.autoSync = widget.NewCheck("Sync automatically", func(b bool) { sc.AutoSync = b; f.changed() })
	t.autoSync.SetChecked(sc.AutoSync)
	t.interval = numberEntry(sc.IntervalMinutes, func(v float64) { sc.IntervalMinutes = v; f.changed() })
	f.bind(t.interval, "$.sync.intervalMinutes")
	t.lookback = numberEntry(sc.FirstSyncLookbackHours, func(v float64) { sc.FirstSyncLookbackHours = v; f.changed() })
	f.bind(t.lookback, "$.sync.firstSyncLookbackHours")

	t.customFrom = widget.NewDateEntry()
	t.customTo = widget.NewDateEntry()
	if sc.CustomStart != nil {
		d := sc.CustomStart.Local()
		t.customFrom.SetDate(&d)
	}
	if sc.CustomEnd != nil {
		d := sc.CustomEnd.Local().AddDate(0, 0, -1) // stored as the exclusive end
		t.customTo.SetDate(&d)
	}
	t.customFrom.OnChanged = func(d *time.Time) { sc.CustomStart = dayStart(d, 0); f.changed() }
	t.customTo.OnChanged = func(d *time.Time) { sc.CustomEnd = dayStart(d, 1); f.changed() }

	t.strategy = widget.NewRadioGroup([]string{strategyLastChecked, strategyCustom}, t.setStrategy)
	t.strategy.Required = true
	if sc.Strategy == config.StrategyCustom {
		t.strategy.SetSelected(strategyCustom)
	} else {
		t.strategy.SetSelected(strategyLastChecked)
	}

	t.afk = widget.NewCheck("Ignore window, web and editor activity while away (AFK masking)", func(b bool) {
		f.cfg.AFKMasking = b
		f.changed()
	})
	t.afk.SetChecked(f.cfg.AFKMasking)
	labels := make([]string, len(reviewLabels))
	for i, r := range reviewLabels {
		labels[i] = r.label
	}
	t.review = widget.NewSelect(labels, func(label string) {
		for _, r := range reviewLabels {
			if r.label == label && sc.Review != r.mode {
				sc.Review = r.mode
				f.changed()
			}
		}
	})
	for _, r := range reviewLabels {
		if r.mode == sc.Review {
			t.review.SetSelected(r.label)
		}
	}
	t.browsers = newBrowserList(f.cfg.Browsers, func() {
		f.cfg.Browsers = t.browsers.list()
		f.changed()
	})

	items := []*widget.FormItem{
		widget.NewFormItem("Strategy", t.strategy),
		widget.NewFormItem("From", t.customFrom),
		widget.NewFormItem("To (inclusive)", t.customTo),
		widget.NewFormItem("", t.autoSync),
		widget.NewFormItem("Every (minutes)", t.interval),
		widget.NewFormItem("First sync looks back (hours)", t.lookback),
		widget.NewFormItem("Review", t.review),
		widget.NewFormItem("", t.afk),
	}
	if f.deps.Autostart != nil {
		t.autostart = widget.NewCheck("Start awcal when I log in", nil)
		t.autostart.SetChecked(f.deps.Autostart.Enabled())
		items = append(items, widget.NewFormItem("", t.autostart))
	}
	t.fields = widget.NewForm(items...)
	t.fields.Items[1].HintText = "a custom range never moves the last-checked point, and its edges never cut a block"
	t.fields.Items[6].HintText = "approve, reject and correct pending blocks in the tray's Review item or with awcal review"
	t.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		t.fields, widget.NewSeparator(),
		widget.NewLabelWithStyle("Browsers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		hint("Which window apps are which browser, so web activity counts only while its browser is focused."),
		t.browsers.root)))
	return t
}

// autostartWanted is the start-at-login choice to apply on Save.
func (t *syncTab) autostartWanted() bool {
	return t.autostart != nil && t.autostart.Checked
}

// setStrategy keeps the strategy contract (SYNC.md §1) on screen: while the custom range is
// chosen, auto sync is off and its controls are disabled; the model enforces the same.
func (t *syncTab) setStrategy(label string) {
	if label == strategyCustom {
		t.cfg.SetStrategy(config.StrategyCustom)
		t.autoSync.SetChecked(false)
		t.autoSync.Disable()
		t.interval.Disable()
		t.customFrom.Enable()
		t.customTo.Enable()
	} else {
		t.cfg.SetStrategy(config.StrategyLastChecked)
		t.autoSync.Enable()
		t.interval.Enable()
		t.customFrom.Disable()
		t.customTo.Disable()
	}
	if t.fields != nil {
		t.fields.Refresh() // the form greys the labels of disabled fields
	}
	t.changed()
}
