package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/awimport"
	"github.com/awcal/awcal/internal/config"
)

// settingsTitle is the window's title; unsavedTitle marks edits that are not saved yet.
const (
	settingsTitle = "awcal settings"
	unsavedTitle  = "awcal settings — unsaved changes"
)

// Settings is the settings window: ActivityWatch, Calendar, Sync, Privacy, Profiles, a
// timeline Preview and the Week, over one working copy of the config that Save validates and writes. Each
// tab is its own type (settings_<tab>.go); they share the working copy through form.
type Settings struct {
	*form
	first bool
	// checked is set once the automatic aw-server check of the first Show ran.
	checked bool
	// OnSaved is called on the Fyne goroutine with the saved config.
	OnSaved func(*config.Config)
	// OnTryDemo, when set, is offered on first start if aw-server cannot be reached.
	OnTryDemo func()
	// OnBackfill, when set, opens the backfill dialog; a Save that changed the profiles
	// offers it, as past days keep the blocks the old profiles made.
	OnBackfill func()

	aw       *activityTab
	cal      *calendarTab
	sync     *syncTab
	priv     *privacyTab
	profiles *profileEditor
	preview  *Preview
	week     *Week

	tabs       *container.AppTabs
	summary    *widget.Label
	save       *widget.Button
	saveStatus *widget.Label
	welcome    fyne.CanvasObject // nil unless first
	// syncStatus shows the last sync's failure and notices (Follow), kept across rebuilds.
	syncStatus *widget.Label
	// backfillHint offers a backfill after a Save that changed the profiles.
	backfillHint *fyne.Container
	// demo marks the demo's window (MarkDemo); hidden otherwise.
	demo      *widget.Card
	leaveDemo func()
	// saved is the config as last saved (or as loaded); Discard goes back to it. savedJSON is
	// its JSON form, "" while nothing is saved (first start): edits differ from it until Save.
	saved     *config.Config
	savedJSON string
	// savedCal is the calendar of the config as last saved: where the running syncer writes.
	savedCal config.Calendar
}

// NewSettings builds the settings window over a copy of cfg. first marks the first start: a
// welcome line and the demo offer when aw-server cannot be reached.
func NewSettings(a fyne.App, deps Deps, cfg *config.Config, first bool) *Settings {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	f := &form{deps: deps, choices: newChoices(), async: func(f func()) { go f() }, life: &lifetime{}}
	s := &Settings{form: f, first: first, saved: cloneConfig(cfg), savedCal: cfg.Calendar}
	s.syncStatus = widget.NewLabel("")
	s.syncStatus.Wrapping = fyne.TextWrapWord
	s.syncStatus.Hide()
	s.backfillHint = container.NewHBox(
		widget.NewLabel("Profiles changed: days already synced keep their old blocks."),
		widget.NewButtonWithIcon("Backfill past days…", theme.HistoryIcon(), func() {
			s.backfillHint.Hide()
			if s.OnBackfill != nil {
				s.OnBackfill()
			}
		}))
	s.backfillHint.Hide()
	demoText := widget.NewLabel("This is the demo: generated activity and a throw-away calendar, gone when it quits. " +
		"Your own ActivityWatch and calendar are not touched.")
	demoText.Wrapping = fyne.TextWrapWord
	s.demo = widget.NewCard("Demo", "", container.NewBorder(nil, nil, nil,
		widget.NewButtonWithIcon("Set up awcal for real", theme.LogoutIcon(), func() {
			if s.leaveDemo != nil {
				s.leaveDemo()
			}
		}), demoText))
	s.demo.Hide()
	s.win = a.NewWindow(settingsTitle)
	s.win.SetCloseIntercept(s.close)
	s.win.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu("File",
		&fyne.MenuItem{Label: "Save", Action: s.Save, Shortcut: saveShortcut},
		&fyne.MenuItem{Label: "Close", Action: s.close, Shortcut: closeShortcut},
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: "Quit", IsQuit: true, Action: func() { s.ConfirmQuit(a.Quit) }},
	)))
	s.build()
	s.win.Resize(fyne.NewSize(1040, 720))
	return s
}

// The window's keyboard shortcuts (through its File menu, so that they work while an entry
// has the focus): Ctrl+S saves, Ctrl+W closes (Cmd on macOS).
var (
	saveShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	closeShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault}
)

// build fills the window with tabs over a fresh working copy of the saved config: at the
// start, and again when unsaved edits are discarded.
func (s *Settings) build() {
	f := s.form
	f.cfg = cloneConfig(s.saved)
	f.problems = map[string]string{}
	f.bound = nil
	f.onChange = nil
	s.save = nil

	old := s.preview
	s.preview = NewPreview(f.deps, s.previewInput, s.dataArrived)
	s.preview.ctx = f.life.Context
	if old != nil { // keep how it runs (tests make it synchronous)
		s.preview.async, s.preview.debounce = old.async, old.debounce
	}
	s.aw = newActivityTab(f, func() bool { return s.first && s.OnTryDemo != nil }, func() {
		if s.OnTryDemo != nil {
			s.OnTryDemo()
		}
	}, s.refreshChoices)
	oldWeek := s.week
	s.week = NewWeek(f.deps, s.previewInput)
	s.week.OnDay = s.ShowDay
	if oldWeek != nil {
		s.week.async = oldWeek.async
	}
	s.preview.OnMakeRule = s.makeRule
	s.cal = newCalendarTab(f)
	s.sync = newSyncTab(f, func() {
		if s.OnBackfill != nil {
			s.OnBackfill()
		}
	})
	s.priv = newPrivacyTab(f)
	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("ActivityWatch", theme.ComputerIcon(), s.aw.root),
		container.NewTabItemWithIcon("Calendar", theme.CalendarIcon(), s.cal.root),
		container.NewTabItemWithIcon("Sync", theme.ViewRefreshIcon(), s.sync.root),
		container.NewTabItemWithIcon("Privacy", theme.VisibilityOffIcon(), s.priv.root),
		container.NewTabItemWithIcon("Profiles", theme.ListIcon(), s.profilesTab()),
		container.NewTabItemWithIcon("Preview", theme.MediaVideoIcon(), s.preview.Root()),
		container.NewTabItemWithIcon("Week", theme.GridIcon(), s.week.Root()),
	)
	s.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Text {
		case "Preview", "Profiles":
			s.preview.Load()
		case "Week":
			s.week.Load()
		}
	}

	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.summary.Importance = widget.DangerImportance
	s.saveStatus = widget.NewLabel("")
	s.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), s.Save)
	s.save.Importance = widget.HighImportance
	closeBtn := widget.NewButton("Close", s.close)
	// The buttons keep their height at the top of the bar however many lines the summary has.
	buttons := container.NewVBox(container.NewHBox(s.saveStatus, closeBtn, s.save))
	bottom := container.NewBorder(nil, nil, nil, buttons, s.summary)

	top := container.NewVBox(s.demo, s.syncStatus, s.backfillHint)
	s.welcome = nil
	if s.first {
		welcome := widget.NewLabel("Welcome to awcal. Check the ActivityWatch connection, choose where the " +
			"blocks go and which profiles to start with, then press Save: that is all it needs.")
		welcome.Wrapping = fyne.TextWrapWord
		s.welcome = widget.NewCard("", "", welcome)
		top.Add(s.welcome)
	}
	s.win.SetContent(container.NewBorder(top, container.NewPadded(bottom), nil, nil, s.tabs))
	f.onChange = s.changed
	if !s.first {
		// What the tabs made of the saved config (a default they filled in) is no edit.
		s.savedJSON = configJSON(f.cfg)
	}
	s.revalidate()
	s.markUnsaved()
}

// Follow shows src's status in the window now and on every change until the returned func
// is called: a failed sync's error (in the error style) and what the latest run wants the
// person to know, the same text the tray notifies.
func (s *Settings) Follow(src StatusSource) (stop func()) {
	s.ShowStatus(src.Status())
	return src.Subscribe(func(st Status) { fyne.Do(func() { s.ShowStatus(st) }) })
}

// ShowStatus shows st's failure and notices above the tabs; nothing when there are none. It
// runs on the Fyne goroutine.
func (s *Settings) ShowStatus(st Status) {
	var lines []string
	if st.State == StateError && st.Error != "" {
		lines = append(lines, statusLine(st)+": "+st.Error)
		s.syncStatus.Importance = widget.DangerImportance
	} else {
		s.syncStatus.Importance = widget.WarningImportance
	}
	lines = append(lines, st.Notices...)
	s.syncStatus.SetText(strings.Join(lines, "\n"))
	if len(lines) == 0 {
		s.syncStatus.Hide()
	} else {
		s.syncStatus.Show()
	}
}

// MarkDemo marks the window as the demo's (a banner, and "demo" in the title) and offers the
// way back to a real setup: leave, which ends the demo and starts awcal on the real config.
func (s *Settings) MarkDemo(leave func()) {
	s.leaveDemo = leave
	s.demo.Show()
	s.markUnsaved()
}

// configJSON is the config's JSON form, to tell whether the working copy differs from it.
func configJSON(c *config.Config) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("config does not marshal: %v", err)) // a Config is plain data
	}
	return string(b)
}

// Unsaved tells whether the window holds edits that are not saved: a config that differs
// from the saved one (any config before the first Save) or a typed password.
func (s *Settings) Unsaved() bool {
	return s.cal.passwordSet || configJSON(s.cfg) != s.savedJSON
}

// markUnsaved shows whether there are unsaved edits: in the title and beside Save.
func (s *Settings) markUnsaved() {
	title := settingsTitle
	if s.Unsaved() {
		title = unsavedTitle
		s.saveStatus.SetText("Unsaved changes")
	} else {
		s.saveStatus.SetText("")
	}
	if s.demo.Visible() {
		title = strings.Replace(title, "awcal", "awcal demo", 1)
	}
	s.win.SetTitle(title)
}

// close hides the window, first asking what to do with unsaved edits.
func (s *Settings) close() {
	s.confirmDrop("Close", "Close without saving", s.hide)
}

// ConfirmQuit runs quit, first asking (on the settings window) what to do with unsaved edits:
// save them and quit, quit without them, or go back to editing.
func (s *Settings) ConfirmQuit(quit func()) {
	if s.Unsaved() {
		s.win.Show()
	}
	s.confirmDrop("Quit", "Quit without saving", quit)
}

// confirmDrop runs then at once when nothing is unsaved. Otherwise it asks: Save runs then
// after a successful save, the drop button discards the edits and runs then, and "Keep
// editing" does nothing.
func (s *Settings) confirmDrop(action, drop string, then func()) {
	if !s.Unsaved() {
		then()
		return
	}
	msg := widget.NewLabel("Your changes to the settings are not saved.")
	if s.savedJSON == "" {
		msg.SetText("The settings are not saved yet: awcal syncs nothing until they are.")
	}
	var d *dialog.CustomDialog
	keep := widget.NewButton("Keep editing", func() { d.Hide() })
	discard := widget.NewButton(drop, func() {
		d.Hide()
		s.discard()
		then()
	})
	discard.Importance = widget.DangerImportance
	save := widget.NewButtonWithIcon("Save and "+strings.ToLower(action), theme.DocumentSaveIcon(), func() {
		d.Hide()
		s.saveThen(then)
	})
	save.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(action+": unsaved changes", msg, s.win)
	d.SetButtons([]fyne.CanvasObject{keep, discard, save})
	d.Show()
}

// discard drops the unsaved edits: the window goes back to the saved config.
func (s *Settings) discard() {
	s.build()
	s.checked = false // the next Show checks aw-server again, filling in the hosts
}

// hide hides the window and stops the reads started for it (a Test, Discover or preview
// still waiting for a server). A Save goes on: it finishes or fails as a whole.
func (s *Settings) hide() {
	s.life.End()
	s.win.Hide()
}

// Window returns the settings window.
func (s *Settings) Window() fyne.Window { return s.win }

// Show brings the window forward. The first Show also checks aw-server, which fills in the
// hosts and buckets (and, on first start, offers the demo when it cannot be reached).
func (s *Settings) Show() {
	if !s.checked {
		s.checked = true
		s.aw.testConnection()
	}
	s.win.Show()
	s.win.RequestFocus()
}

// ShowTab shows the window on the tab with the given title ("Profiles", "Preview", …).
func (s *Settings) ShowTab(title string) {
	for _, t := range s.tabs.Items {
		if t.Text == title {
			s.tabs.Select(t)
		}
	}
	s.Show()
}

// ShowDay shows the window on the Preview tab, previewing day.
func (s *Settings) ShowDay(day time.Time) {
	s.ShowTab("Preview")
	s.preview.SetDay(day)
}

// cloneConfig deep-copies a config through its JSON form, so edits never reach the caller's
// copy until Save.
func cloneConfig(c *config.Config) *config.Config {
	var out config.Config
	if err := json.Unmarshal([]byte(configJSON(c)), &out); err != nil {
		panic(fmt.Sprintf("config does not round-trip: %v", err))
	}
	return &out
}

func (s *Settings) profilesTab() fyne.CanvasObject {
	s.profiles = newProfileEditor(s.cfg.Profiles, s.choices, s.deps, s.win, s.async,
		func() string { return s.cfg.ActivityWatch.URL },
		func() {
			if s.profiles != nil { // nil while the editor is being built
				s.cfg.Profiles = s.profiles.profiles
				s.changed()
			}
		})
	s.profiles.savedCalendar = func() config.Calendar { return s.savedCal }
	s.profiles.statsFor = s.dayStats
	s.profiles.importAlwaysActive = func(pattern string) string {
		next, note, changed := awimport.AlwaysActive(pattern, s.cfg.AlwaysActivePattern)
		if changed {
			s.cfg.AlwaysActivePattern = next
			s.changed()
		}
		return note
	}
	s.profiles.ctx = s.life.Context
	// The rule editor above, the previewed day's blocks below: an edit shows its effect
	// without a tab switch.
	split := container.NewVSplit(s.profiles.root, s.preview.Mini())
	split.Offset = 0.72
	return split
}

// refreshChoices offers newly known fields and values in the rule editors.
func (s *Settings) refreshChoices() {
	s.profiles.refreshChoices()
	s.priv.rules.refreshChoices()
}

// changed runs after every edit: inline validation and a (debounced) preview refresh.
func (s *Settings) changed() {
	if s.save == nil {
		return // still building the window
	}
	s.revalidate()
	s.markUnsaved()
	s.preview.Schedule()
}

// revalidate runs the config's own validation and shows its problems inline and at the bottom.
func (s *Settings) revalidate() {
	s.problems = map[string]string{}
	var lines []string
	waiting := false // only a rule just added, not typed in yet, holds Save back
	var ve *config.ValidationError
	if err := s.cfg.Validate(); errors.As(err, &ve) {
		fresh := s.freshRules()
		for _, p := range ve.Problems {
			s.problems[p.Path] = p.Message
			if underAny(p.Path, fresh) {
				waiting = true
				continue
			}
			lines = append(lines, s.describe(p))
		}
	}
	for _, e := range s.bound {
		_ = e.Validate()
	}
	s.summary.Importance = widget.DangerImportance
	switch {
	case len(lines) == 0 && waiting:
		s.summary.Importance = widget.MediumImportance
		s.summary.SetText("Type the new rule's pattern; Save waits for it.")
		s.save.Disable()
	case len(lines) == 0:
		s.summary.SetText("")
		s.save.Enable()
	case len(lines) <= 3:
		s.summary.SetText(strings.Join(lines, "\n"))
		s.save.Disable()
	default:
		s.summary.SetText(strings.Join(lines[:3], "\n") + fmt.Sprintf("\n… and %d more", len(lines)-3))
		s.save.Disable()
	}
}

// freshRules are the config paths of rules just added and not typed in yet, whose problems
// are not errors yet.
func (s *Settings) freshRules() []string {
	var out []string
	if i := s.priv.rules.freshRule(); i >= 0 {
		out = append(out, fmt.Sprintf("$.privacy.rules[%d]", i))
	}
	e := s.profiles
	if e == nil || e.selected < 0 {
		return out
	}
	for _, g := range []struct {
		name string
		list *ruleList
	}{{"primary", e.primary}, {"supporting", e.supporting}, {"hardBreak", e.hardBreak}} {
		if g.list != nil && g.list.freshRule() >= 0 {
			out = append(out, fmt.Sprintf("$.profiles[%d].%s[%d]", e.selected, g.name, g.list.freshRule()))
		}
	}
	return out
}

// underAny tells whether path is one of roots or inside one.
func underAny(path string, roots []string) bool {
	for _, r := range roots {
		if path == r || strings.HasPrefix(path, r+".") {
			return true
		}
	}
	return false
}

// Save validates and writes the config, stores a new CalDAV password in the keyring and
// applies the autostart choice, all off the Fyne goroutine.
func (s *Settings) Save() { s.saveThen(nil) }

// saveThen saves and, when that succeeds, runs then (unless nil).
func (s *Settings) saveThen(then func()) {
	s.revalidate()
	if len(s.problems) > 0 {
		return
	}
	cfg := cloneConfig(s.cfg)
	cfgJSON := configJSON(cfg)
	pass := s.cal.password()
	auto := s.sync.autostartWanted()
	s.save.Disable()
	s.saveStatus.SetText("Saving…")
	s.async(func() {
		err := s.persist(cfg, pass, auto)
		fyne.Do(func() {
			s.save.Enable()
			if err != nil {
				s.markUnsaved()
				s.summary.SetText(err.Error())
				return
			}
			if s.savedJSON != "" && s.OnBackfill != nil && configJSON(&config.Config{Profiles: s.saved.Profiles}) !=
				configJSON(&config.Config{Profiles: cfg.Profiles}) {
				s.backfillHint.Show()
			}
			s.saved, s.savedJSON = cloneConfig(cfg), cfgJSON
			s.cal.saved()
			s.markUnsaved()
			if !s.Unsaved() {
				s.saveStatus.SetText("Saved.")
			}
			s.savedCal = cfg.Calendar
			if s.welcome != nil { // set up: the welcome has done its job
				s.welcome.Hide()
				s.win.Content().Refresh()
				s.first = false
			}
			if s.OnSaved != nil {
				s.OnSaved(cfg) // the app runs with cfg from here on
			}
			// Only now that no sync can write a deleted profile's blocks again.
			s.profiles.runPurges(cfg)
			if then != nil {
				then()
			}
		})
	})
}

// persist stores the password and writes the config, both or neither: when the config cannot
// be written, the keyring gets its previous password back. Autostart comes last; its failure
// leaves the saved settings saved and says so.
func (s *Settings) persist(cfg *config.Config, pass string, auto bool) error {
	var undo func() error
	if pass != "" && s.deps.SetPassword != nil {
		var err error
		if undo, err = s.deps.SetPassword(cfg.Calendar.URL, cfg.Calendar.Username, pass); err != nil {
			return fmt.Errorf("storing the CalDAV password, nothing saved: %w", err)
		}
	}
	if err := s.deps.Save(cfg); err != nil {
		if undo == nil {
			return err
		}
		if uerr := undo(); uerr != nil {
			return fmt.Errorf("%w; the new CalDAV password stayed in the keyring, as putting the previous one back failed: %v", err, uerr)
		}
		return fmt.Errorf("%w; the CalDAV password in the keyring is the previous one again", err)
	}
	if s.deps.Autostart != nil && auto != s.deps.Autostart.Enabled() {
		if err := s.deps.Autostart.Set(auto); err != nil {
			return fmt.Errorf("settings saved, but %w", err)
		}
	}
	return nil
}

// previewInput is what the preview derives with: a copy of the config being edited, whole,
// so that it derives as a sync with these settings would.
func (s *Settings) previewInput() config.Config { return *cloneConfig(s.cfg) }

// dataArrived feeds a loaded day into the editors' choices and the privacy count.
func (s *Settings) dataArrived(bs []activity.BucketEvents, stats PrivacyStats) {
	s.choices.addBuckets(bs)
	s.refreshChoices()
	s.priv.showStats(s.preview.Day(), stats)
	s.profiles.refreshDayStats()
}
