package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/privacy"
)

// Labels of the choices in the settings window.
const (
	strategyLastChecked = "Sync from last checked"
	strategyCustom      = "Custom date range (backfill; manual only)"
	calendarICS         = "Local file (.ics)"
	calendarCalDAV      = "CalDAV server"
)

// Settings is the settings window: ActivityWatch, Calendar, Sync, Privacy, Profiles and a
// timeline Preview, over one working copy of the config that Save validates and writes.
type Settings struct {
	win   fyne.Window
	deps  Deps
	cfg   *config.Config
	first bool
	// checked is set once the automatic aw-server check of the first Show ran.
	checked bool
	// OnSaved is called on the Fyne goroutine with the saved config.
	OnSaved func(*config.Config)
	// OnTryDemo, when set, is offered on first start if aw-server cannot be reached.
	OnTryDemo func()

	choices  *choices
	async    func(func())      // runs slow work off the Fyne goroutine; tests make it synchronous
	problems map[string]string // JSON path → message, from the last validation
	bound    []*widget.Entry   // entries whose Validator reads problems

	awURL       *widget.Entry
	awStatus    *widget.Label
	hosts       *widget.CheckGroup
	buckets     *widget.CheckGroup
	demo        *widget.Button
	calKind     *widget.RadioGroup
	icsBox      *fyne.Container
	davBox      *fyne.Container
	icsPath     *widget.Entry
	davURL      *widget.Entry
	davUser     *widget.Entry
	davPass     *widget.Entry
	davCal      *widget.Select
	davCals     []CalendarChoice
	calStatus   *widget.Label
	strategy    *widget.RadioGroup
	customFrom  *widget.DateEntry
	customTo    *widget.DateEntry
	autoSync    *widget.Check
	interval    *widget.Entry
	lookback    *widget.Entry
	afk         *widget.Check
	browsers    *browserList
	syncForm    *widget.Form
	autostart   *widget.Check
	incognito   *widget.Check
	privacy     *ruleList
	importPriv  *widget.Button
	privStatus  *widget.Label
	hidden      *widget.Label
	profiles    *profileEditor
	preview     *Preview
	tabs        *container.AppTabs
	summary     *widget.Label
	save        *widget.Button
	saveStatus  *widget.Label
	passwordSet bool
	// savedCal is the calendar of the config as last saved: where the running syncer writes.
	savedCal config.Calendar
}

// NewSettings builds the settings window over a copy of cfg. first marks the first start: a
// welcome line and the demo offer when aw-server cannot be reached.
func NewSettings(a fyne.App, deps Deps, cfg *config.Config, first bool) *Settings {
	s := &Settings{deps: deps, cfg: cloneConfig(cfg), first: first, choices: newChoices(), problems: map[string]string{},
		async: func(f func()) { go f() }, savedCal: cfg.Calendar}
	if s.deps.Now == nil {
		s.deps.Now = time.Now
	}
	s.win = a.NewWindow("awcal settings")
	s.win.SetCloseIntercept(s.win.Hide)

	s.preview = NewPreview(deps, s.previewInput, s.dataArrived)
	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("ActivityWatch", theme.ComputerIcon(), s.activityTab()),
		container.NewTabItemWithIcon("Calendar", theme.CalendarIcon(), s.calendarTab()),
		container.NewTabItemWithIcon("Sync", theme.ViewRefreshIcon(), s.syncTab()),
		container.NewTabItemWithIcon("Privacy", theme.VisibilityOffIcon(), s.privacyTab()),
		container.NewTabItemWithIcon("Profiles", theme.ListIcon(), s.profilesTab()),
		container.NewTabItemWithIcon("Preview", theme.MediaVideoIcon(), s.preview.Root()),
	)
	s.tabs.OnSelected = func(t *container.TabItem) {
		if t.Text == "Preview" {
			s.preview.Load()
		}
	}

	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.summary.Importance = widget.DangerImportance
	s.saveStatus = widget.NewLabel("")
	s.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), s.Save)
	s.save.Importance = widget.HighImportance
	closeBtn := widget.NewButton("Close", s.win.Hide)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(s.saveStatus, closeBtn, s.save), s.summary)

	var top fyne.CanvasObject
	if first {
		welcome := widget.NewLabel("Welcome to awcal. Check the ActivityWatch connection, choose where the " +
			"blocks go and which profiles to start with, then press Save: that is all it needs.")
		welcome.Wrapping = fyne.TextWrapWord
		top = container.NewVBox(widget.NewCard("", "", welcome))
	}
	s.win.SetContent(container.NewBorder(top, container.NewPadded(bottom), nil, nil, s.tabs))
	s.win.Resize(fyne.NewSize(1040, 720))
	s.revalidate()
	return s
}

// Window returns the settings window.
func (s *Settings) Window() fyne.Window { return s.win }

// Show brings the window forward. The first Show also checks aw-server, which fills in the
// hosts and buckets (and, on first start, offers the demo when it cannot be reached).
func (s *Settings) Show() {
	if !s.checked {
		s.checked = true
		s.testConnection()
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
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("config does not marshal: %v", err)) // a Config is plain data
	}
	var out config.Config
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("config does not round-trip: %v", err))
	}
	return &out
}

// bind makes an entry show the validation problem at a JSON path.
func (s *Settings) bind(e *widget.Entry, path string) {
	e.Validator = func(string) error {
		if m := s.problems[path]; m != "" {
			return errors.New(m)
		}
		return nil
	}
	s.bound = append(s.bound, e)
}

func (s *Settings) activityTab() fyne.CanvasObject {
	s.awURL = widget.NewEntry()
	s.awURL.SetText(s.cfg.ActivityWatch.URL)
	s.awURL.SetPlaceHolder(config.DefaultActivityWatchURL)
	s.awURL.OnChanged = func(v string) { s.cfg.ActivityWatch.URL = strings.TrimSpace(v); s.changed() }
	s.bind(s.awURL, "$.activitywatch.url")
	test := widget.NewButtonWithIcon("Test connection", theme.ConfirmIcon(), s.testConnection)
	s.awStatus = widget.NewLabel("Not checked yet.")
	s.awStatus.Wrapping = fyne.TextWrapWord
	s.demo = widget.NewButtonWithIcon("Try with demo data", theme.MediaPlayIcon(), func() {
		if s.OnTryDemo != nil {
			s.OnTryDemo()
		}
	})
	s.demo.Hide()

	s.hosts = widget.NewCheckGroup(nil, func(sel []string) {
		s.cfg.ActivityWatch.Hostnames = sel
		s.changed()
	})
	s.hosts.Horizontal = true
	s.buckets = widget.NewCheckGroup(nil, func(sel []string) {
		s.cfg.ActivityWatch.Buckets = sel
		s.changed()
	})
	s.setBucketOptions(nil)
	hostHint := hint("No host ticked: the host aw-server runs on.")
	bucketHint := hint("No bucket ticked: every window, AFK, web and editor bucket of the chosen hosts, " +
		"including buckets synced from other devices (…-synced-from-…).")
	form := widget.NewForm(
		widget.NewFormItem("aw-server URL", container.NewBorder(nil, nil, nil, test, s.awURL)),
		widget.NewFormItem("", container.NewVBox(s.awStatus, container.NewHBox(s.demo))),
		widget.NewFormItem("Hosts", container.NewVBox(s.hosts, hostHint)),
		widget.NewFormItem("Buckets", container.NewVBox(bucketHint, s.buckets)),
	)
	return container.NewVScroll(container.NewPadded(form))
}

func hint(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	return l
}

// setBucketOptions lists the hosts and buckets aw-server has, keeping the configured ones
// (even when the server no longer lists them, so nothing is dropped silently).
func (s *Settings) setBucketOptions(bs []activity.Bucket) {
	hosts := append([]string(nil), s.cfg.ActivityWatch.Hostnames...)
	ids := append([]string(nil), s.cfg.ActivityWatch.Buckets...)
	for _, b := range bs {
		hosts = append(hosts, b.Hostname)
		ids = append(ids, b.ID)
	}
	s.hosts.Options = uniqueSorted(hosts)
	s.hosts.Selected = append([]string(nil), s.cfg.ActivityWatch.Hostnames...)
	s.hosts.Refresh()
	s.buckets.Options = uniqueSorted(ids)
	s.buckets.Selected = append([]string(nil), s.cfg.ActivityWatch.Buckets...)
	s.buckets.Refresh()
}

func uniqueSorted(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// testConnection lists aw-server's buckets in the background.
func (s *Settings) testConnection() {
	if s.deps.Activity == nil {
		return
	}
	url := s.cfg.ActivityWatch.URL
	s.awStatus.SetText("Connecting to " + url + "…")
	s.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		bs, err := s.deps.Activity(url).Buckets(ctx)
		fyne.Do(func() { s.connectionResult(bs, err) })
	})
}

func (s *Settings) connectionResult(bs []activity.Bucket, err error) {
	if err != nil {
		s.awStatus.SetText(err.Error())
		s.awStatus.Importance = widget.DangerImportance
		s.awStatus.Refresh()
		if s.first && s.OnTryDemo != nil {
			s.demo.Show()
		}
		return
	}
	s.awStatus.Importance = widget.SuccessImportance
	hosts := map[string]bool{}
	for _, b := range bs {
		hosts[b.Hostname] = true
	}
	s.awStatus.SetText(fmt.Sprintf("Connected: %d buckets on %d host(s).", len(bs), len(hosts)))
	s.demo.Hide()
	s.setBucketOptions(bs)
	for _, b := range bs {
		s.choices.addFields(b.Type, nil)
	}
	s.profiles.refreshChoices()
	s.privacy.refreshChoices()
}

func (s *Settings) calendarTab() fyne.CanvasObject {
	c := &s.cfg.Calendar
	s.icsPath = widget.NewEntry()
	s.icsPath.SetText(c.Path)
	s.icsPath.OnChanged = func(v string) { c.Path = strings.TrimSpace(v); s.changed() }
	s.bind(s.icsPath, "$.calendar.path")
	browse := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		// An open dialog, not a save dialog: saving would truncate an existing calendar file.
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			_ = r.Close()
			s.icsPath.SetText(r.URI().Path())
		}, s.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".ics"}))
		d.Show()
	})
	s.icsBox = container.NewVBox(widget.NewForm(
		widget.NewFormItem("Calendar file", container.NewBorder(nil, nil, nil, browse, s.icsPath)),
	), hint("awcal keeps its events in this file and leaves every other event in it untouched. "+
		"A new path is created on the first sync; to use an existing file, choose it."))

	s.davURL = widget.NewEntry()
	s.davURL.SetText(c.URL)
	s.davURL.SetPlaceHolder("https://dav.example.com/")
	s.davURL.OnChanged = func(v string) { c.URL = strings.TrimSpace(v); s.changed() }
	s.bind(s.davURL, "$.calendar.url")
	s.davUser = widget.NewEntry()
	s.davUser.SetText(c.Username)
	s.davUser.OnChanged = func(v string) { c.Username = strings.TrimSpace(v); s.changed() }
	s.bind(s.davUser, "$.calendar.username")
	s.davPass = widget.NewPasswordEntry()
	s.davPass.SetPlaceHolder("kept in the OS keyring, never in the config")
	s.davPass.OnChanged = func(string) { s.passwordSet = true }
	s.davCal = widget.NewSelect(nil, func(name string) {
		for _, cal := range s.davCals {
			if cal.Name == name {
				c.CalendarPath = cal.Path
			}
		}
		s.changed()
	})
	if c.CalendarPath != "" {
		s.davCals = []CalendarChoice{{Path: c.CalendarPath, Name: c.CalendarPath}}
		s.davCal.Options = []string{c.CalendarPath}
		s.davCal.Selected = c.CalendarPath
	}
	s.davCal.PlaceHolder = "Discover to list the calendars"
	discover := widget.NewButtonWithIcon("Discover", theme.SearchIcon(), s.discover)
	s.davBox = container.NewVBox(widget.NewForm(
		widget.NewFormItem("Server URL", s.davURL),
		widget.NewFormItem("User name", s.davUser),
		widget.NewFormItem("Password", s.davPass),
		widget.NewFormItem("Calendar", container.NewBorder(nil, nil, nil, discover, s.davCal)),
	))

	s.calStatus = widget.NewLabel("")
	s.calStatus.Wrapping = fyne.TextWrapWord
	test := widget.NewButtonWithIcon("Test", theme.ConfirmIcon(), s.testCalendar)
	s.calKind = widget.NewRadioGroup([]string{calendarICS, calendarCalDAV}, func(v string) {
		if v == calendarCalDAV {
			c.Kind = config.CalendarCalDAV
			s.icsBox.Hide()
			s.davBox.Show()
		} else {
			c.Kind = config.CalendarICS
			s.davBox.Hide()
			s.icsBox.Show()
		}
		s.changed()
	})
	s.calKind.Horizontal = true
	s.calKind.Required = true
	if c.Kind == config.CalendarCalDAV {
		s.calKind.SetSelected(calendarCalDAV)
	} else {
		s.calKind.SetSelected(calendarICS)
	}
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		s.calKind, s.icsBox, s.davBox, container.NewHBox(test), s.calStatus)))
}

func (s *Settings) discover() {
	if s.deps.Discover == nil {
		return
	}
	url, user, pass := s.cfg.Calendar.URL, s.cfg.Calendar.Username, s.davPass.Text
	s.calStatus.SetText("Looking for calendars…")
	s.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cals, err := s.deps.Discover(ctx, url, user, pass)
		fyne.Do(func() {
			if err != nil {
				s.calStatus.SetText(err.Error())
				return
			}
			s.davCals = cals
			names := make([]string, len(cals))
			for i, c := range cals {
				names[i] = c.Name
			}
			s.davCal.SetOptions(names)
			s.calStatus.SetText(fmt.Sprintf("Found %d calendar(s); pick one.", len(cals)))
			if len(cals) == 1 {
				s.davCal.SetSelected(names[0])
			}
		})
	})
}

func (s *Settings) testCalendar() {
	if s.deps.TestCalendar == nil {
		return
	}
	cal, pass := s.cfg.Calendar, ""
	if s.passwordSet {
		pass = s.davPass.Text
	}
	s.calStatus.SetText("Testing…")
	s.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err := s.deps.TestCalendar(ctx, cal, pass)
		fyne.Do(func() {
			if err != nil {
				s.calStatus.SetText(err.Error())
				return
			}
			s.calStatus.SetText("The calendar works.")
		})
	})
}

func (s *Settings) syncTab() fyne.CanvasObject {
	sc := &s.cfg.Sync
	s.autoSync = widget.NewCheck("Sync automatically", func(b bool) { sc.AutoSync = b; s.changed() })
	s.autoSync.SetChecked(sc.AutoSync)
	s.interval = numberEntry(sc.IntervalMinutes, func(f float64) { sc.IntervalMinutes = f; s.changed() })
	s.bind(s.interval, "$.sync.intervalMinutes")
	s.lookback = numberEntry(sc.FirstSyncLookbackHours, func(f float64) { sc.FirstSyncLookbackHours = f; s.changed() })
	s.bind(s.lookback, "$.sync.firstSyncLookbackHours")

	s.customFrom = widget.NewDateEntry()
	s.customTo = widget.NewDateEntry()
	if sc.CustomStart != nil {
		d := sc.CustomStart.Local()
		s.customFrom.SetDate(&d)
	}
	if sc.CustomEnd != nil {
		d := sc.CustomEnd.Local().AddDate(0, 0, -1) // stored as the exclusive end
		s.customTo.SetDate(&d)
	}
	s.customFrom.OnChanged = func(d *time.Time) { sc.CustomStart = dayStart(d, 0); s.changed() }
	s.customTo.OnChanged = func(d *time.Time) { sc.CustomEnd = dayStart(d, 1); s.changed() }

	s.strategy = widget.NewRadioGroup([]string{strategyLastChecked, strategyCustom}, s.setStrategy)
	s.strategy.Required = true
	if sc.Strategy == config.StrategyCustom {
		s.strategy.SetSelected(strategyCustom)
	} else {
		s.strategy.SetSelected(strategyLastChecked)
	}

	s.afk = widget.NewCheck("Ignore window, web and editor activity while away (AFK masking)", func(b bool) {
		s.cfg.AFKMasking = b
		s.changed()
	})
	s.afk.SetChecked(s.cfg.AFKMasking)
	s.browsers = newBrowserList(s.cfg.Browsers, func() {
		s.cfg.Browsers = s.browsers.list()
		s.changed()
	})

	items := []*widget.FormItem{
		widget.NewFormItem("Strategy", s.strategy),
		widget.NewFormItem("From", s.customFrom),
		widget.NewFormItem("To (inclusive)", s.customTo),
		widget.NewFormItem("", s.autoSync),
		widget.NewFormItem("Every (minutes)", s.interval),
		widget.NewFormItem("First sync looks back (hours)", s.lookback),
		widget.NewFormItem("", s.afk),
	}
	if s.deps.Autostart != nil {
		s.autostart = widget.NewCheck("Start awcal when I log in", nil)
		s.autostart.SetChecked(s.deps.Autostart.Enabled())
		items = append(items, widget.NewFormItem("", s.autostart))
	}
	form := widget.NewForm(items...)
	s.syncForm = form
	form.Items[1].HintText = "a custom range never moves the last-checked point, and its edges never cut a block"
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		form, widget.NewSeparator(),
		widget.NewLabelWithStyle("Browsers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		hint("Which window apps are which browser, so web activity counts only while its browser is focused."),
		s.browsers.root)))
}

// setStrategy keeps the strategy contract (SYNC.md §1) on screen: while the custom range is
// chosen, auto sync is off and its controls are disabled; the model enforces the same.
func (s *Settings) setStrategy(label string) {
	if label == strategyCustom {
		s.cfg.SetStrategy(config.StrategyCustom)
		s.autoSync.SetChecked(false)
		s.autoSync.Disable()
		s.interval.Disable()
		s.customFrom.Enable()
		s.customTo.Enable()
	} else {
		s.cfg.SetStrategy(config.StrategyLastChecked)
		s.autoSync.Enable()
		s.interval.Enable()
		s.customFrom.Disable()
		s.customTo.Disable()
	}
	if s.syncForm != nil {
		s.syncForm.Refresh() // the form greys the labels of disabled fields
	}
	s.changed()
}

// dayStart returns local midnight of d plus days, as the config stores range edges.
func dayStart(d *time.Time, days int) *time.Time {
	if d == nil {
		return nil
	}
	t := time.Date(d.Year(), d.Month(), d.Day()+days, 0, 0, 0, 0, time.Local)
	return &t
}

// numberEntry edits a number; the config's validation flags bad values inline.
func numberEntry(v float64, set func(float64)) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(strconv.FormatFloat(v, 'f', -1, 64))
	e.OnChanged = func(t string) {
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil {
			f = -1 // invalid; validation reports it with the field's own message
		}
		set(f)
	}
	return e
}

func (s *Settings) privacyTab() fyne.CanvasObject {
	s.incognito = widget.NewCheck("Never export incognito / private browsing tabs", func(b bool) {
		s.cfg.Privacy.DropIncognito = b
		s.changed()
	})
	s.incognito.SetChecked(s.cfg.Privacy.DropIncognito)
	s.privacy = newPrivacyRuleList(s.cfg.Privacy.Rules, s.choices, func() {
		s.cfg.Privacy.Rules = s.privacy.privacyRules()
		s.changed()
	})
	s.hidden = widget.NewLabel("Open the Preview tab to see what these rules hide on a day.")
	s.hidden.Wrapping = fyne.TextWrapWord
	s.importPriv = widget.NewButtonWithIcon("Import from ActivityWatch", theme.DownloadIcon(), s.importPrivacy)
	s.privStatus = widget.NewLabel("")
	s.privStatus.Wrapping = fyne.TextWrapWord
	if s.deps.Activity == nil {
		s.importPriv.Hide()
	}
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		s.incognito,
		hint("Drop removes matching events before anything else sees them. Redact keeps the event for "+
			"classification (profile rules still match the real value) but every title, description and "+
			"preview shows "+activity.RedactedValue+" instead of that field."),
		s.privacy.root,
		container.NewHBox(s.importPriv),
		hint("Adds the privacy filters kept in ActivityWatch's settings as rules here, so what "+
			"ActivityWatch hides stays out of calendars too, including activity stored before the filter existed."),
		s.privStatus,
		widget.NewSeparator(),
		s.hidden,
	)))
}

// importPrivacy reads aw-server's privacy filters and buckets in the background and adds the
// filters as privacy rules (privacy.FromActivityWatch, as `awcal privacy import-aw` does).
func (s *Settings) importPrivacy() {
	if s.deps.Activity == nil {
		return
	}
	url := s.cfg.ActivityWatch.URL
	s.importPriv.Disable()
	s.privStatus.SetText("Reading privacy filters from aw-server…")
	s.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		src := s.deps.Activity(url)
		st, err := src.Settings(ctx)
		var buckets []activity.Bucket
		if err == nil && len(st.PrivacyFilters) > 0 {
			// A filter names a bucket id prefix; the buckets tell which types it selects.
			buckets, err = src.Buckets(ctx)
		}
		fyne.Do(func() {
			s.importPriv.Enable()
			if err != nil {
				s.privStatus.SetText("Import failed: " + err.Error())
				return
			}
			s.addPrivacyFilters(st.PrivacyFilters, buckets)
		})
	})
}

// addPrivacyFilters adds the filters that give rules the list does not hold yet (to the rules
// as they are now, edits included), and says what it added and skipped.
func (s *Settings) addPrivacyFilters(filters []activitywatch.PrivacyFilter, buckets []activity.Bucket) {
	if len(filters) == 0 {
		s.privStatus.SetText("aw-server stores no privacy filters: nothing to import.")
		return
	}
	added, skipped := privacy.FromActivityWatch(filters, buckets, s.privacy.privacyRules())
	msg := "No new privacy rules to import."
	if len(added) > 0 {
		s.privacy.appendPrivacyRules(added)
		msg = fmt.Sprintf("Added %d privacy rule(s) from ActivityWatch; they apply once you press Save.", len(added))
		if slices.ContainsFunc(added, func(r config.PrivacyRule) bool { return r.Action == config.PrivacyRedact }) {
			msg += fmt.Sprintf(" Redacted values show as %q in awcal, whatever replacement ActivityWatch uses.", activity.RedactedValue)
		}
	}
	s.privStatus.SetText(msg + skippedText(skipped))
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
	return s.profiles.root
}

// changed runs after every edit: inline validation and a (debounced) preview refresh.
func (s *Settings) changed() {
	if s.save == nil {
		return // still building the window
	}
	s.saveStatus.SetText("")
	s.revalidate()
	s.preview.Schedule()
}

// revalidate runs the config's own validation and shows its problems inline and at the bottom.
func (s *Settings) revalidate() {
	s.problems = map[string]string{}
	var lines []string
	var ve *config.ValidationError
	if err := s.cfg.Validate(); errors.As(err, &ve) {
		for _, p := range ve.Problems {
			s.problems[p.Path] = p.Message
			lines = append(lines, s.describe(p))
		}
	}
	for _, e := range s.bound {
		_ = e.Validate()
	}
	switch {
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

var profilePath = regexp.MustCompile(`^\$\.profiles\[(\d+)\]\.?`)

// describe names a problem for people: a profile by its name rather than its index.
func (s *Settings) describe(p config.Problem) string {
	if m := profilePath.FindStringSubmatch(p.Path); m != nil {
		i, _ := strconv.Atoi(m[1])
		if i < len(s.cfg.Profiles) {
			rest := strings.TrimPrefix(p.Path, m[0])
			if rest != "" {
				rest = " " + rest
			}
			return fmt.Sprintf("Profile %q%s: %s", s.cfg.Profiles[i].Name, rest, p.Message)
		}
	}
	return strings.TrimPrefix(p.Path, "$.") + ": " + p.Message
}

// Save validates and writes the config, stores a new CalDAV password in the keyring and
// applies the autostart choice, all off the Fyne goroutine.
func (s *Settings) Save() {
	s.revalidate()
	if len(s.problems) > 0 {
		return
	}
	cfg := cloneConfig(s.cfg)
	pass := ""
	if s.passwordSet && cfg.Calendar.Kind == config.CalendarCalDAV {
		pass = s.davPass.Text
	}
	auto := s.autostart != nil && s.autostart.Checked
	s.save.Disable()
	s.saveStatus.SetText("Saving…")
	s.async(func() {
		err := s.persist(cfg, pass, auto)
		fyne.Do(func() {
			s.save.Enable()
			if err != nil {
				s.saveStatus.SetText("")
				s.summary.SetText(err.Error())
				return
			}
			s.saveStatus.SetText("Saved.")
			s.passwordSet = false
			s.davPass.SetText("")
			s.savedCal = cfg.Calendar
			if s.OnSaved != nil {
				s.OnSaved(cfg) // the app runs with cfg from here on
			}
			// Only now that no sync can write a deleted profile's blocks again.
			s.profiles.runPurges(cfg)
		})
	})
}

func (s *Settings) persist(cfg *config.Config, pass string, auto bool) error {
	if pass != "" && s.deps.SetPassword != nil {
		if err := s.deps.SetPassword(cfg.Calendar.URL, cfg.Calendar.Username, pass); err != nil {
			return fmt.Errorf("storing the CalDAV password, nothing saved: %w", err)
		}
	}
	if err := s.deps.Save(cfg); err != nil {
		return err
	}
	if s.deps.Autostart != nil && auto != s.deps.Autostart.Enabled() {
		if err := s.deps.Autostart.Set(auto); err != nil {
			return fmt.Errorf("settings saved, but %w", err)
		}
	}
	return nil
}

// previewInput is what the preview derives with: the profiles and options being edited.
func (s *Settings) previewInput() PreviewConfig {
	return PreviewConfig{
		Profiles:   cloneConfig(s.cfg).Profiles,
		AFKMasking: s.cfg.AFKMasking,
		Browsers:   s.cfg.BrowserTable(),
		Privacy:    s.cfg.Privacy,
		AWURL:      s.cfg.ActivityWatch.URL,
		Buckets:    s.cfg.ActivityWatch.Buckets,
		Hostnames:  s.cfg.ActivityWatch.Hostnames,
	}
}

// dataArrived feeds a loaded day into the editors' choices and the privacy count.
func (s *Settings) dataArrived(bs []activity.BucketEvents, stats PrivacyStats) {
	s.choices.addBuckets(bs)
	s.profiles.refreshChoices()
	s.privacy.refreshChoices()
	s.hidden.SetText(fmt.Sprintf("On the previewed day (%s) the privacy settings hide %d event(s) and redact %d.",
		s.preview.Day().Format("Mon 2 Jan"), stats.Dropped, stats.Redacted))
}
