package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/awimport"
	"github.com/awcal/awcal/internal/privacy"
)

// privacyTab is the Privacy tab: incognito tabs, the drop/redact rules, the import of
// aw-server's privacy filters and what the rules hide on the previewed day.
type privacyTab struct {
	*form
	root      fyne.CanvasObject
	incognito *widget.Check
	rules     *ruleList
	importBtn *widget.Button
	status    *note
	hidden    *widget.Label
}

func newPrivacyTab(f *form) *privacyTab {
	t := &privacyTab{form: f}
	t.incognito = widget.NewCheck("Never export incognito / private browsing tabs", func(b bool) {
		f.cfg.Privacy.DropIncognito = b
		f.changed()
	})
	t.incognito.SetChecked(f.cfg.Privacy.DropIncognito)
	t.rules = newPrivacyRuleList(f.cfg.Privacy.Rules, f.choices, func() {
		f.cfg.Privacy.Rules = t.rules.privacyRules()
		f.changed()
	})
	t.hidden = widget.NewLabel("Open the Preview tab to see what these rules hide on a day.")
	t.hidden.Wrapping = fyne.TextWrapWord
	t.importBtn = widget.NewButtonWithIcon("Import from ActivityWatch", theme.DownloadIcon(), t.importFilters)
	t.status = newNote(fyne.TextWrapWord)
	if f.deps.Activity == nil {
		t.importBtn.Hide()
	}
	t.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		t.incognito,
		hint("Drop removes matching events before anything else sees them. Redact keeps the event for "+
			"classification (profile rules still match the real value) but every title, description and "+
			"preview shows "+activity.RedactedValue+" instead of that field."),
		t.rules.root,
		container.NewHBox(t.importBtn),
		hint("Adds the privacy filters kept in ActivityWatch's settings as rules here, so what "+
			"ActivityWatch hides stays out of calendars too, including activity stored before the filter existed."),
		t.status,
		widget.NewSeparator(),
		t.hidden,
	)))
	return t
}

// showStats says what the privacy settings hid on the previewed day.
func (t *privacyTab) showStats(day time.Time, stats PrivacyStats) {
	t.hidden.SetText(fmt.Sprintf("On the previewed day (%s) the privacy settings hide %s and redact %d.",
		day.Format("Mon 2 Jan"), count(stats.Dropped, "event", ""), stats.Redacted))
}

// importFilters reads aw-server's privacy filters and buckets in the background and adds the
// filters as privacy rules (awimport.PrivacyRules, as `awcal privacy import-aw` does).
func (t *privacyTab) importFilters() {
	if t.deps.Activity == nil {
		return
	}
	url := t.cfg.ActivityWatch.URL
	t.importBtn.Disable()
	t.status.SetText("Reading privacy filters from aw-server…")
	ctx := t.life.Context()
	t.async(func() {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		src := t.deps.Activity(url)
		st, err := src.Settings(ctx)
		var buckets []activity.Bucket
		if err == nil && len(st.PrivacyFilters) > 0 {
			// A filter names a bucket id prefix; the buckets tell which types it selects.
			buckets, err = src.Buckets(ctx)
		}
		fyne.Do(func() {
			t.importBtn.Enable()
			if err != nil {
				t.status.SetText("Import failed: " + err.Error())
				return
			}
			t.addFilters(st.PrivacyFilters, buckets)
		})
	})
}

// addFilters adds the filters that give rules the list does not hold yet (to the rules as
// they are now, edits included), and says what it added and skipped.
func (t *privacyTab) addFilters(filters []activitywatch.PrivacyFilter, buckets []activity.Bucket) {
	if len(filters) == 0 {
		t.status.SetText("aw-server stores no privacy filters: nothing to import.")
		return
	}
	added, skipped := awimport.PrivacyRules(filters, buckets, t.rules.privacyRules())
	msg := "No new privacy rules to import."
	if len(added) > 0 {
		t.rules.appendPrivacyRules(added)
		msg = fmt.Sprintf("Added %s from ActivityWatch; they apply once you press Save.", count(len(added), "privacy rule", ""))
		if slices.ContainsFunc(added, func(r privacy.Rule) bool { return r.Action == privacy.Redact }) {
			msg += fmt.Sprintf(" Redacted values show as %q in awcal, whatever replacement ActivityWatch uses.", activity.RedactedValue)
		}
	}
	t.status.SetText(msg + skippedText(skipped))
}
