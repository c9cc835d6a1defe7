package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/config"
)

// Labels of the calendar kinds.
const (
	calendarICS    = "Local file (.ics)"
	calendarCalDAV = "CalDAV server"
)

// calendarTab is the Calendar tab: an .ics file or a CalDAV calendar (discovered on the
// server), with a test. A password typed here goes to the OS keyring on Save.
type calendarTab struct {
	*form
	root    fyne.CanvasObject
	kind    *widget.RadioGroup
	icsBox  *fyne.Container
	davBox  *fyne.Container
	icsPath *widget.Entry
	feed    *feedSection
	davURL  *widget.Entry
	davUser *widget.Entry
	davPass *widget.Entry
	davCal  *widget.Select
	davCals []CalendarChoice
	// davPlainHTTP opts in to a plain http:// server; davWarning shows while it is on.
	davPlainHTTP *widget.Check
	davWarning   *widget.Label
	status       *widget.Label
	// passwordSet is set once a password was typed since the last Save.
	passwordSet bool
	// discoverGen counts Discover presses, server edits and kind changes: a discovery or a
	// test answers only if none came after it.
	discoverGen int
}

func newCalendarTab(f *form) *calendarTab {
	t := &calendarTab{form: f}
	c := &f.cfg.Calendar
	t.icsPath = widget.NewEntry()
	t.icsPath.SetText(c.Path)
	t.icsPath.OnChanged = func(v string) { c.Path = strings.TrimSpace(v); f.changed() }
	f.bind(t.icsPath, "$.calendar.path")
	browse := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		// An open dialog, not a save dialog: saving would truncate an existing calendar file.
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			_ = r.Close()
			t.icsPath.SetText(r.URI().Path())
		}, f.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".ics"}))
		d.Show()
	})
	t.feed = newFeedSection(f)
	t.icsBox = container.NewVBox(widget.NewForm(
		widget.NewFormItem("Calendar file", container.NewBorder(nil, nil, nil, browse, t.icsPath)),
	), hint("awcal keeps its events in this file and leaves every other event in it untouched. "+
		"A new path is created on the first sync; to use an existing file, choose it."), t.feed.root)

	t.davURL = widget.NewEntry()
	t.davURL.SetText(c.URL)
	t.davURL.SetPlaceHolder("https://dav.example.com/")
	t.davURL.OnChanged = func(v string) { c.URL = strings.TrimSpace(v); t.discoverGen++; f.changed() }
	f.bind(t.davURL, "$.calendar.url")
	t.davUser = widget.NewEntry()
	t.davUser.SetText(c.Username)
	t.davUser.OnChanged = func(v string) { c.Username = strings.TrimSpace(v); t.discoverGen++; f.changed() }
	f.bind(t.davUser, "$.calendar.username")
	t.davPass = widget.NewPasswordEntry()
	t.davPass.SetPlaceHolder("kept in the OS keyring, never in the config")
	t.davPass.OnChanged = func(string) { t.passwordSet = true; f.changed() }
	t.davCal = widget.NewSelect(nil, func(name string) {
		for _, cal := range t.davCals {
			if cal.Name == name {
				c.CalendarPath = cal.Path
			}
		}
		f.changed()
	})
	if c.CalendarPath != "" {
		t.davCals = []CalendarChoice{{Path: c.CalendarPath, Name: c.CalendarPath}}
		t.davCal.Options = []string{c.CalendarPath}
		t.davCal.Selected = c.CalendarPath
	}
	t.davCal.PlaceHolder = "Discover to list the calendars"
	discover := widget.NewButtonWithIcon("Discover", theme.SearchIcon(), t.discover)
	t.davWarning = widget.NewLabel("Warning: with plain http:// to another machine, your CalDAV password and " +
		"your activity cross the network unencrypted, readable by anyone on the way. Use the server's https:// " +
		"address if it has one.")
	t.davWarning.Wrapping = fyne.TextWrapWord
	t.davWarning.Importance = widget.WarningImportance
	t.davPlainHTTP = widget.NewCheck("Allow plain http:// to another machine (unencrypted)", func(on bool) {
		c.AllowPlainHTTP = on
		t.davWarning.Hidden = !on
		t.davWarning.Refresh()
		f.changed()
	})
	t.davPlainHTTP.SetChecked(c.AllowPlainHTTP)
	t.davWarning.Hidden = !c.AllowPlainHTTP
	t.davBox = container.NewVBox(widget.NewForm(
		widget.NewFormItem("Server URL", t.davURL),
		widget.NewFormItem("User name", t.davUser),
		widget.NewFormItem("Password", t.davPass),
		widget.NewFormItem("Calendar", container.NewBorder(nil, nil, nil, discover, t.davCal)),
	), t.davPlainHTTP, t.davWarning)

	t.status = widget.NewLabel("")
	t.status.Wrapping = fyne.TextWrapWord
	test := widget.NewButtonWithIcon("Test", theme.ConfirmIcon(), t.testCalendar)
	t.kind = widget.NewRadioGroup([]string{calendarICS, calendarCalDAV}, func(v string) {
		// What Test or Discover said was about the other kind; a late answer is dropped.
		t.discoverGen++
		t.showStatus("", nil)
		if v == calendarCalDAV {
			c.Kind = config.CalendarCalDAV
			t.icsBox.Hide()
			t.davBox.Show()
		} else {
			c.Kind = config.CalendarICS
			t.davBox.Hide()
			t.icsBox.Show()
		}
		f.changed()
	})
	t.kind.Horizontal = true
	t.kind.Required = true
	if c.Kind == config.CalendarCalDAV {
		t.kind.SetSelected(calendarCalDAV)
	} else {
		t.kind.SetSelected(calendarICS)
	}
	t.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		t.kind, t.icsBox, t.davBox, container.NewHBox(test), t.status)))
	return t
}

// password is the password to store on Save: the typed one for a CalDAV calendar, or "".
func (t *calendarTab) password() string {
	if t.passwordSet && t.cfg.Calendar.Kind == config.CalendarCalDAV {
		return t.davPass.Text
	}
	return ""
}

// saved forgets the typed password once it is in the keyring.
func (t *calendarTab) saved() {
	t.passwordSet = false
	t.davPass.SetText("")
}

func (t *calendarTab) discover() {
	if t.deps.Discover == nil {
		return
	}
	cal, pass := t.cfg.Calendar, t.davPass.Text
	t.showStatus("Looking for calendars…", nil)
	t.discoverGen++
	gen := t.discoverGen
	ctx := t.life.Context()
	t.async(func() {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		cals, err := t.deps.Discover(ctx, cal, pass)
		fyne.Do(func() {
			if gen != t.discoverGen {
				return // another server, user or Discover since: this answer is stale
			}
			if err != nil {
				t.showStatus("", err)
				return
			}
			t.davCals = cals
			names := make([]string, len(cals))
			for i, c := range cals {
				names[i] = c.Name
			}
			t.davCal.SetOptions(names)
			t.showStatus(fmt.Sprintf("Found %s; pick one.", count(len(cals), "calendar", "")), nil)
			if len(cals) == 1 {
				t.davCal.SetSelected(names[0])
			}
		})
	})
}

func (t *calendarTab) testCalendar() {
	if t.deps.TestCalendar == nil {
		return
	}
	cal, pass := t.cfg.Calendar, ""
	if t.passwordSet {
		pass = t.davPass.Text
	}
	if cal.Kind == config.CalendarCalDAV && cal.CalendarPath == "" {
		t.showStatus("", errors.New("no calendar chosen: press Discover, then pick one of the server's calendars"))
		return
	}
	t.showStatus("Testing…", nil)
	gen := t.discoverGen
	ctx := t.life.Context()
	t.async(func() {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		err := t.deps.TestCalendar(ctx, cal, pass)
		fyne.Do(func() {
			if gen != t.discoverGen {
				return // another kind, server or user since: this answer is stale
			}
			t.showStatus("The calendar works.", err)
		})
	})
}

// showStatus shows what Test or Discover found: err in the error style, else text.
func (t *calendarTab) showStatus(text string, err error) {
	t.status.Importance = widget.MediumImportance
	if err != nil {
		t.status.Importance = widget.DangerImportance
		text = err.Error()
	}
	t.status.SetText(text)
}
