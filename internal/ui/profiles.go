package ui

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/awimport"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/profile"
)

// tieBreakNote explains why the list order matters (ENGINE.md §5: equal fits go to the earlier
// profile).
const tieBreakNote = "Order matters: when two profiles fit the same stretch of time equally well, the one higher in the list wins."

// titleDetails maps the title detail levels to their labels.
var titleDetails = []struct {
	d     profile.TitleDetail
	label string
}{
	{profile.TitleFull, "Full title (template)"},
	{profile.TitleApp, "Application only"},
	{profile.TitleName, "Profile name only"},
}

// profileEditor is the visual profile and rule editor: a list on the left, the selected
// profile's fields and its three rule lists on the right.
type profileEditor struct {
	profiles []profile.Profile
	selected int
	choices  *choices
	deps     Deps
	win      fyne.Window
	async    func(func())
	// ctx is the context reads run on: the settings window's, ended when it closes.
	ctx      func() context.Context
	awURL    func() string
	onChange func()

	list                            *widget.List
	del, dup, up, down, importAW    *widget.Button
	name, category, threshold, soft *widget.Entry
	template                        *widget.Entry
	keys                            *widget.Label
	detail                          *widget.Select
	enabled                         *widget.Check
	swatch                          *canvas.Rectangle
	primary, supporting, hardBreak  *ruleList
	detailBox                       *fyne.Container
	detailScroll                    *container.Scroll
	status                          *widget.Label
	root                            fyne.CanvasObject

	// dayStats shows what the selected profile's rules matched on the previewed day;
	// statsFor (set by the settings window) writes that text, "" before a day is loaded.
	dayStats *widget.Label
	statsFor func(p profile.Profile) string
	// importAlwaysActive (set by the settings window) takes aw-server's always-active pattern
	// into the config when categories are imported, and says what it did ("" = nothing).
	importAlwaysActive func(pattern string) string
	// savedCalendar is the calendar of the config as last saved, the one PurgeProfile reads.
	savedCalendar func() config.Calendar
	// purges are deleted profiles whose past events go after the next successful Save.
	purges []pendingPurge
}

// pendingPurge is a deleted profile whose past calendar events the person chose to delete too.
// They are deleted only once the profile is gone from the saved config: before that, a sync
// could write them again.
type pendingPurge struct {
	ID, Name string
	Count    int
	// Calendar is where they were counted; a save that changes the calendar cancels the purge.
	Calendar config.Calendar
}

func newProfileEditor(ps []profile.Profile, c *choices, deps Deps, win fyne.Window, async func(func()), awURL func() string, onChange func()) *profileEditor {
	e := &profileEditor{profiles: ps, choices: c, deps: deps, win: win, async: async, ctx: context.Background, awURL: awURL, onChange: onChange, selected: -1}
	e.list = widget.NewList(
		func() int { return len(e.profiles) },
		func() fyne.CanvasObject {
			sw := canvas.NewRectangle(color.Black)
			sw.CornerRadius = 4
			sw.SetMinSize(fyne.NewSquareSize(14))
			return container.NewHBox(container.NewCenter(sw), widget.NewLabel("profile name"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			p := e.profiles[id]
			box := o.(*fyne.Container)
			sw := box.Objects[0].(*fyne.Container).Objects[0].(*canvas.Rectangle)
			sw.FillColor = parseHex(p.Color)
			sw.Refresh()
			label := fmt.Sprintf("%d. %s", id+1, p.Name)
			if !p.Enabled {
				label += " (off)"
			}
			box.Objects[1].(*widget.Label).SetText(label)
		},
	)
	e.list.OnSelected = func(id widget.ListItemID) { e.selectProfile(id) }

	add := widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), e.add)
	e.dup = widget.NewButtonWithIcon("Duplicate", theme.ContentCopyIcon(), e.duplicate)
	e.del = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), e.confirmDelete)
	e.up = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { e.move(-1) })
	e.down = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { e.move(1) })
	starters := widget.NewButtonWithIcon("Starter profiles…", theme.ContentAddIcon(), e.showStarters)
	e.importAW = widget.NewButtonWithIcon("Import ActivityWatch categories", theme.DownloadIcon(), e.importCategories)
	if deps.Activity == nil {
		e.importAW.Hide()
	}
	e.status = widget.NewLabel("")
	e.status.Wrapping = fyne.TextWrapWord

	note := widget.NewLabel(tieBreakNote)
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	left := container.NewBorder(
		container.NewVBox(container.NewHBox(add, e.dup, e.del), container.NewHBox(e.up, e.down)),
		container.NewVBox(note, starters, e.importAW, e.status), nil, nil, e.list)

	e.detailBox = container.NewVBox()
	e.detailScroll = container.NewVScroll(e.detailBox)
	split := container.NewHSplit(left, e.detailScroll)
	split.Offset = 0.24
	e.root = split
	if len(e.profiles) > 0 {
		e.list.Select(0)
	} else {
		e.selectProfile(-1)
	}
	return e
}

func (e *profileEditor) changed() {
	e.list.Refresh()
	if e.onChange != nil {
		e.onChange()
	}
}

func (e *profileEditor) updateButtons() {
	has := e.selected >= 0 && e.selected < len(e.profiles)
	for _, b := range []*widget.Button{e.del, e.dup} {
		if has {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	setEnabled(e.up, has && e.selected > 0)
	setEnabled(e.down, has && e.selected < len(e.profiles)-1)
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

func (e *profileEditor) add() {
	e.profiles = append(e.profiles, profile.New(e.profiles))
	e.changed()
	e.list.Select(len(e.profiles) - 1)
}

// duplicate inserts a copy of the selected profile below it, with its own id and rule slices.
func (e *profileEditor) duplicate() {
	if e.selected < 0 {
		return
	}
	c := cloneProfile(e.profiles[e.selected])
	c.ID = profile.NewID(e.profiles)
	c.Name += " (copy)"
	i := e.selected + 1
	e.profiles = append(e.profiles[:i], append([]profile.Profile{c}, e.profiles[i:]...)...)
	e.changed()
	e.list.Select(i)
}

func cloneProfile(p profile.Profile) profile.Profile {
	p.Primary = append([]profile.Rule(nil), p.Primary...)
	p.Supporting = append([]profile.Rule(nil), p.Supporting...)
	p.HardBreak = append([]profile.Rule(nil), p.HardBreak...)
	return p
}

func (e *profileEditor) confirmDelete() {
	if e.selected < 0 {
		return
	}
	p := e.profiles[e.selected]
	msg := fmt.Sprintf("Delete %q? Its past calendar events stay where they are.", p.Name)
	if e.deps.PurgeProfile != nil {
		msg = fmt.Sprintf("Delete %q? Its past calendar events stay unless you choose to delete them next.", p.Name)
	}
	d := dialog.NewConfirm("Delete profile", msg, func(ok bool) {
		if ok {
			e.deleteSelected()
			e.offerPurge(p.ID, p.Name)
		}
	}, e.win)
	d.SetConfirmText("Delete")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// offerPurge counts the deleted profile's events in the calendar in the background and, when
// there are any, asks whether they should go too.
func (e *profileEditor) offerPurge(id, name string) {
	if e.deps.PurgeProfile == nil || e.savedCalendar == nil {
		return
	}
	cal := e.savedCalendar()
	e.status.SetText(fmt.Sprintf("Counting the past events of %q in the calendar…", name))
	ctx := e.ctx()
	e.async(func() {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		n, err := e.deps.PurgeProfile(ctx, id, true)
		fyne.Do(func() {
			switch {
			case err != nil:
				e.status.SetText(fmt.Sprintf("Could not count the past events of %q (%v). They stay in the calendar; "+
					"'awcal profiles purge --profile %s' deletes them later.", name, err, id))
			case n == 0:
				e.status.SetText(fmt.Sprintf("%q has no events in the calendar.", name))
			default:
				e.askPurge(pendingPurge{ID: id, Name: name, Count: n, Calendar: cal})
			}
		})
	})
}

// askPurge asks whether the deleted profile's n past events should go too.
func (e *profileEditor) askPurge(p pendingPurge) {
	d := dialog.NewConfirm("Delete its past events too?",
		fmt.Sprintf("Also delete its %s from the calendar?\n\n"+
			"They are deleted after you press Save, once %q is gone from the saved settings, so that "+
			"no sync writes them again. Events of other profiles and events awcal did not write are never touched.",
			count(p.Count, "past event", ""), p.Name),
		func(ok bool) {
			if !ok {
				e.status.SetText(fmt.Sprintf("The past events of %q stay in the calendar.", p.Name))
				return
			}
			e.purges = append(e.purges, p)
			e.status.SetText(fmt.Sprintf("The %s of %q will be deleted when you press Save.", count(p.Count, "past event", ""), p.Name))
		}, e.win)
	d.SetConfirmText("Delete after Save")
	d.SetDismissText("Keep them")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// runPurges deletes the past events of the profiles deleted before a successful save of cfg,
// in the background, and reports each outcome. It skips a profile cfg still holds and a purge
// counted in another calendar than cfg's.
func (e *profileEditor) runPurges(cfg *config.Config) {
	purges := e.purges
	e.purges = nil
	for _, p := range purges {
		switch {
		case slices.ContainsFunc(cfg.Profiles, func(q profile.Profile) bool { return q.ID == p.ID }):
			continue // not deleted after all
		case p.Calendar != cfg.Calendar:
			e.status.SetText(fmt.Sprintf("The past events of %q were not deleted: they were counted in the calendar "+
				"used before this save, which awcal no longer writes to.", p.Name))
			continue
		}
		e.status.SetText(fmt.Sprintf("Deleting the past events of %q…", p.Name))
		// A confirmed and saved purge runs to its end even when the window closes.
		e.async(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			n, err := e.deps.PurgeProfile(ctx, p.ID, false)
			fyne.Do(func() {
				if err != nil {
					e.status.SetText(fmt.Sprintf("Deleting the past events of %q failed: %v. Some may be gone; "+
						"'awcal profiles purge --profile %s' finishes the job.", p.Name, err, p.ID))
					return
				}
				e.status.SetText(fmt.Sprintf("Deleted %s of %q from the calendar.", count(n, "past event", ""), p.Name))
			})
		})
	}
}

func (e *profileEditor) deleteSelected() {
	i := e.selected
	e.profiles = append(e.profiles[:i], e.profiles[i+1:]...)
	e.list.UnselectAll()
	e.changed()
	if len(e.profiles) == 0 {
		e.selectProfile(-1)
		return
	}
	e.list.Select(min(i, len(e.profiles)-1))
}

func (e *profileEditor) move(d int) {
	i, j := e.selected, e.selected+d
	if i < 0 || j < 0 || j >= len(e.profiles) {
		return
	}
	e.profiles[i], e.profiles[j] = e.profiles[j], e.profiles[i]
	e.changed()
	e.list.Select(j)
}

func (e *profileEditor) showStarters() {
	if e.deps.Starters == nil {
		return
	}
	var items []*fyne.MenuItem
	for _, s := range e.deps.Starters() {
		items = append(items, fyne.NewMenuItem(s.Name, func() { e.appendProfiles([]profile.Profile{s}) }))
	}
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("All of them", func() {
		e.appendProfiles(e.deps.Starters())
	}))
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", items...), e.win.Canvas(), fyne.NewPos(0, 0), e.status)
}

// appendProfiles adds profiles with fresh ids, so adding a starter twice gives two profiles.
func (e *profileEditor) appendProfiles(ps []profile.Profile) {
	for _, p := range ps {
		p = cloneProfile(p)
		p.ID = profile.NewID(e.profiles)
		e.profiles = append(e.profiles, p)
	}
	e.changed()
	e.list.Select(len(e.profiles) - 1)
}

// importCategories reads aw-webui's categories from aw-server in the background and adds
// them as profiles, with the conversion `awcal profiles import-aw` uses.
func (e *profileEditor) importCategories() {
	if e.deps.Activity == nil {
		return
	}
	e.status.SetText("Reading categories from aw-server…")
	e.importAW.Disable()
	url := e.awURL()
	ctx := e.ctx()
	e.async(func() {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		st, err := e.deps.Activity(url).Settings(ctx)
		fyne.Do(func() {
			e.importAW.Enable()
			if err != nil {
				e.status.SetText("Import failed: " + err.Error())
				return
			}
			e.addCategories(st.Categories)
			if e.importAlwaysActive != nil {
				if note := e.importAlwaysActive(st.AlwaysActivePattern); note != "" {
					e.status.SetText(e.status.Text + "\n" + note)
				}
			}
		})
	})
}

// addCategories adds the categories the list does not have yet (by id: importing twice adds
// nothing) after the existing profiles, and says what it added and skipped.
func (e *profileEditor) addCategories(cats []activitywatch.Category) {
	if len(cats) == 0 {
		e.status.SetText("aw-server has no categories to import.")
		return
	}
	added, skipped := awimport.Profiles(cats, e.profiles)
	var msg string
	if len(added) == 0 {
		msg = "No new categories to import."
	} else {
		msg = fmt.Sprintf("Imported %s as profiles, after yours (so yours win ties). Review their rules before saving.", count(len(added), "category", "categories"))
		e.profiles = append(e.profiles, added...)
		e.changed()
		e.list.Select(len(e.profiles) - len(added))
	}
	e.status.SetText(msg + skippedText(skipped))
}

// skippedText lists what an import skipped and why, at most three lines of it.
func skippedText(skipped []string) string {
	if len(skipped) == 0 {
		return ""
	}
	s := fmt.Sprintf("\nSkipped %d:", len(skipped))
	for i, line := range skipped {
		if i == 3 {
			return s + fmt.Sprintf("\n… and %d more", len(skipped)-3)
		}
		s += "\n• " + line
	}
	return s
}

// selectProfile shows the fields of profile i (or a hint when there is none).
func (e *profileEditor) selectProfile(i int) {
	e.selected = i
	e.updateButtons()
	if i < 0 || i >= len(e.profiles) {
		hint := widget.NewLabel("No profile selected. Add one, or start from the starter profiles.")
		hint.Wrapping = fyne.TextWrapWord
		e.detailBox.Objects = []fyne.CanvasObject{hint}
		e.detailBox.Refresh()
		e.detailScroll.ScrollToTop()
		return
	}
	p := &e.profiles[i]
	e.name = widget.NewEntry()
	e.name.SetText(p.Name)
	e.name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("a profile needs a name")
		}
		return nil
	}
	e.name.OnChanged = func(s string) { p.Name = s; e.changed() }
	e.category = widget.NewEntry()
	e.category.SetText(p.Category)
	e.category.OnChanged = func(s string) { p.Category = s; e.changed() }

	e.swatch = canvas.NewRectangle(parseHex(p.Color))
	e.swatch.CornerRadius = 4
	e.swatch.SetMinSize(fyne.NewSize(48, 24))
	colour := widget.NewButton("Choose…", func() {
		d := dialog.NewColorPicker("Profile colour", "The colour of this profile's blocks", func(c color.Color) {
			p.Color = toHex(c)
			e.swatch.FillColor = c
			e.swatch.Refresh()
			e.changed()
		}, e.win)
		d.Advanced = true
		d.SetColor(parseHex(p.Color))
		d.Show()
	})

	e.threshold = minutesEntry(&p.Threshold, e.changed)
	e.soft = minutesEntry(&p.SoftBreak, e.changed)
	e.template = widget.NewEntry()
	e.template.SetText(p.TitleTemplate)
	e.template.SetPlaceHolder("{app}")
	e.template.OnChanged = func(s string) { p.TitleTemplate = s; e.changed() }
	e.keys = widget.NewLabel(keysText(e.choices.dataKeys()))
	e.keys.Wrapping = fyne.TextWrapWord
	e.keys.Importance = widget.LowImportance

	labels := make([]string, len(titleDetails))
	for k, d := range titleDetails {
		labels[k] = d.label
	}
	e.detail = widget.NewSelect(labels, nil)
	e.detail.SetSelected(titleDetailLabel(p.TitleDetail))
	e.detail.OnChanged = func(s string) {
		for _, d := range titleDetails {
			if d.label == s && p.TitleDetail != d.d {
				p.TitleDetail = d.d
				e.changed()
			}
		}
	}
	e.enabled = widget.NewCheck("Enabled", nil)
	e.enabled.SetChecked(p.Enabled)
	e.enabled.OnChanged = func(b bool) { p.Enabled = b; e.changed() }

	e.primary = newRuleList("Primary evidence (starts and keeps a block)", p.Primary, e.choices, func() {
		p.Primary = e.primary.rules
		e.changed()
	})
	e.supporting = newRuleList("Supporting evidence (keeps a block going)", p.Supporting, e.choices, func() {
		p.Supporting = e.supporting.rules
		e.changed()
	})
	e.hardBreak = newRuleList("Hard break (ends a block at once)", p.HardBreak, e.choices, func() {
		p.HardBreak = e.hardBreak.rules
		e.changed()
	})

	form := widget.NewForm(
		widget.NewFormItem("Name", e.name),
		widget.NewFormItem("Category", e.category),
		widget.NewFormItem("Colour", container.NewHBox(e.swatch, colour)),
		widget.NewFormItem("Threshold (min)", e.threshold),
		widget.NewFormItem("Soft break (min)", e.soft),
		widget.NewFormItem("Title template", container.NewVBox(e.template, e.keys)),
		widget.NewFormItem("Title detail", e.detail),
		widget.NewFormItem("", e.enabled),
	)
	form.Items[3].HintText = "minutes of primary evidence before a block starts; also its minimum length"
	form.Items[4].HintText = "minutes of other activity or gaps a block survives"
	e.dayStats = widget.NewLabel("")
	e.dayStats.Wrapping = fyne.TextWrapWord
	e.refreshDayStats()
	e.detailBox.Objects = []fyne.CanvasObject{
		form,
		widget.NewCard("On the previewed day", "", e.dayStats),
		widget.NewSeparator(), e.primary.root,
		widget.NewSeparator(), e.supporting.root,
		widget.NewSeparator(), e.hardBreak.root,
	}
	e.detailBox.Refresh()
	e.detailScroll.ScrollToTop() // another profile starts at its name, not where the last one was scrolled to
}

// refreshDayStats shows the selected profile's statistics on the previewed day.
func (e *profileEditor) refreshDayStats() {
	if e.dayStats == nil || e.selected < 0 || e.selected >= len(e.profiles) {
		return
	}
	text := ""
	if e.statsFor != nil {
		text = e.statsFor(e.profiles[e.selected])
	}
	if text == "" {
		text = "Open the Preview tab to see what each rule matches on a day."
	}
	e.dayStats.SetText(text)
}

// refreshChoices updates the rule rows and the template hint after new data arrived.
func (e *profileEditor) refreshChoices() {
	for _, l := range []*ruleList{e.primary, e.supporting, e.hardBreak} {
		if l != nil {
			l.refreshChoices()
		}
	}
	if e.keys != nil {
		e.keys.SetText(keysText(e.choices.dataKeys()))
	}
}

func keysText(keys []string) string {
	if len(keys) == 0 {
		return "Available keys appear once aw-server's data is loaded."
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = "{" + k + "}"
	}
	return "Available: " + strings.Join(parts, " ") +
		"; for the whole block: {project} (the project with most time), {site} (the site with most time)"
}

func titleDetailLabel(d profile.TitleDetail) string {
	for _, t := range titleDetails {
		if t.d == d {
			return t.label
		}
	}
	return titleDetails[0].label // "" means full
}

// minutesEntry edits a number of minutes in place, flagging anything that is not a number ≥ 0.
func minutesEntry(v *float64, onChange func()) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(strconv.FormatFloat(*v, 'f', -1, 64))
	e.Validator = func(s string) error {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || f < 0 {
			return fmt.Errorf("enter a number of minutes, such as 5 or 2.5")
		}
		return nil
	}
	e.OnChanged = func(s string) {
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && f >= 0 {
			*v = f
			onChange()
		}
	}
	return e
}

// parseHex reads "#rrggbb"; anything else gives a neutral grey.
func parseHex(s string) color.Color {
	var r, g, b uint8
	if len(s) == 7 && s[0] == '#' {
		if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err == nil {
			return color.NRGBA{r, g, b, 255}
		}
	}
	return color.NRGBA{0x9e, 0x9e, 0x9e, 255}
}

func toHex(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B)
}
