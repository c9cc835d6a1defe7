package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/config"
)

// Labels of the review modes (sync.review), in the order the selector shows them.
var reviewLabels = []struct{ mode, label string }{
	{config.ReviewOff, "Off: book blocks directly"},
	{config.ReviewTentative, "Tentative: write blocks as tentative until I approve them"},
	{config.ReviewHold, "Hold: nothing reaches the calendar until I approve it"},
}

// syncTab is the Sync tab: automatic sync, the way to backfill, the review mode, AFK masking,
// start at login and the browser table. A backfill has one way in, the backfill dialog (a
// preview, then Confirm); a config whose strategy is the custom range (set in the file or by
// hand) says so here and can go back to syncing from the last-checked point.
type syncTab struct {
	*form
	root fyne.CanvasObject
	// custom says that the saved strategy is a custom range; lastChecked ends it.
	custom      *fyne.Container
	lastChecked *widget.Button
	backfill    *widget.Button
	autoSync    *widget.Check
	interval    *widget.Entry
	lookback    *widget.Entry
	afk         *widget.Check
	review      *widget.Select
	browsers    *browserList
	fields      *widget.Form
	// autostart is nil when the platform has no start-at-login option.
	autostart *widget.Check
}

func newSyncTab(f *form, openBackfill func()) *syncTab {
	t := &syncTab{form: f}
	sc := &f.cfg.Sync
	t.autoSync = widget.NewCheck("Sync automatically", func(b bool) { sc.AutoSync = b; f.changed() })
	t.autoSync.SetChecked(sc.AutoSync)
	t.interval = numberEntry(sc.IntervalMinutes, func(v float64) { sc.IntervalMinutes = v; f.changed() })
	f.bind(t.interval, "$.sync.intervalMinutes")
	t.lookback = numberEntry(sc.FirstSyncLookbackHours, func(v float64) { sc.FirstSyncLookbackHours = v; f.changed() })
	f.bind(t.lookback, "$.sync.firstSyncLookbackHours")

	t.backfill = widget.NewButtonWithIcon("Backfill a date range…", theme.HistoryIcon(), openBackfill)
	customText := widget.NewLabel("This config syncs a custom date range (sync.strategy is custom), so nothing " +
		"syncs automatically. Backfills go through Backfill a date range… instead.")
	customText.Wrapping = fyne.TextWrapWord
	customText.Importance = widget.WarningImportance
	t.lastChecked = widget.NewButton("Sync from last checked", t.endCustom)
	t.custom = container.NewBorder(nil, nil, nil, t.lastChecked, customText)
	if sc.Strategy != config.StrategyCustom {
		t.custom.Hide()
	}
	setEnabled(t.autoSync, sc.Strategy != config.StrategyCustom)
	setEnabled(t.interval, sc.Strategy != config.StrategyCustom)

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

	review := widget.NewFormItem("Review", t.review)
	review.HintText = "approve, reject and correct pending blocks in the tray's Review item or with awcal review"
	items := []*widget.FormItem{
		widget.NewFormItem("", t.autoSync),
		widget.NewFormItem("Every (minutes)", t.interval),
		widget.NewFormItem("First sync looks back (hours)", t.lookback),
		review,
		widget.NewFormItem("", t.afk),
	}
	if f.deps.Autostart != nil {
		t.autostart = widget.NewCheck("Start awcal when I log in", nil)
		t.autostart.SetChecked(f.deps.Autostart.Enabled())
		items = append(items, widget.NewFormItem("", t.autostart))
	}
	t.fields = widget.NewForm(items...)
	// The custom-range notice sits above the form, not in a row of it: a form keeps a hidden
	// row's (empty) label, which would leave an empty band above Sync automatically.
	t.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		t.custom, t.fields, widget.NewSeparator(),
		widget.NewLabelWithStyle("Backfill", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		hint("Rebuild the blocks of past days, for example after changing profiles. It shows what would change "+
			"before it writes, never moves the last-checked point and leaves automatic sync as it is."),
		container.NewHBox(t.backfill), widget.NewSeparator(),
		widget.NewLabelWithStyle("Browsers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		hint("Which window apps are which browser, so web activity counts only while its browser is focused."),
		t.browsers.root)))
	return t
}

// autostartWanted is the start-at-login choice to apply on Save.
func (t *syncTab) autostartWanted() bool {
	return t.autostart != nil && t.autostart.Checked
}

// endCustom goes back to syncing from the last-checked point, with automatic sync on.
func (t *syncTab) endCustom() {
	t.cfg.SetStrategy(config.StrategyLastChecked)
	t.custom.Hide()
	t.autoSync.Enable()
	t.interval.Enable()
	t.autoSync.SetChecked(true)
	t.fields.Refresh() // the form greys the labels of disabled fields
	t.changed()
}
