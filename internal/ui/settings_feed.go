package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/feed"
)

// feedSection is the Calendar tab's subscription feed: serve the .ics file to calendar apps on
// this computer, on a port, with an optional token, and copy its URL.
type feedSection struct {
	*form
	root    fyne.CanvasObject
	enabled *widget.Check
	// fields holds the port and the token; refresh refreshes it so its labels follow them.
	fields *widget.Form
	port   *widget.Entry
	token  *widget.Check
	url    *note
	copy   *widget.Button
	status *note
}

func newFeedSection(f *form) *feedSection {
	s := &feedSection{form: f}
	fc := &f.cfg.Feed
	s.port = widget.NewEntry()
	s.port.SetText(strconv.Itoa(fc.Port))
	s.port.OnChanged = func(v string) {
		p, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			p = 0 // invalid; validation reports it with the field's own message
		}
		fc.Port = p
		s.refresh()
		f.changed()
	}
	f.bind(s.port, "$.feed.port")
	s.token = widget.NewCheck("Require a secret token in the URL", func(on bool) {
		switch {
		case on && fc.Token == "":
			fc.Token = newFeedToken()
		case !on:
			fc.Token = ""
		}
		s.refresh()
		f.changed()
	})
	s.token.Checked = fc.Token != ""
	s.enabled = widget.NewCheck("Serve this calendar to calendar apps on this computer", func(on bool) {
		fc.Enabled = on
		s.refresh()
		f.changed()
	})
	s.enabled.Checked = fc.Enabled
	s.url = newNote(fyne.TextWrapBreak)
	s.status = newNote(fyne.TextWrapWord)
	s.copy = widget.NewButtonWithIcon("Copy subscription URL", theme.ContentCopyIcon(), func() {
		s.status.SetText(CopyFeedURL(fyne.CurrentApp(), *f.cfg))
	})
	s.fields = widget.NewForm(widget.NewFormItem("Port", s.port), widget.NewFormItem("", s.token))
	s.root = container.NewVBox(
		widget.NewSeparator(),
		s.enabled,
		s.fields,
		s.url,
		container.NewHBox(s.copy),
		s.status,
		hint("Calendar apps (Thunderbird, GNOME Calendar, Evolution, Apple Calendar) follow this address "+
			"instead of importing a copy. It is read-only and reachable from this computer only; "+
			"awcal serves it while it runs."),
	)
	s.refresh()
	return s
}

// refresh shows the URL and enables the controls that apply.
func (s *feedSection) refresh() {
	on := s.cfg.Feed.Enabled
	for _, w := range []fyne.Disableable{s.port, s.token, s.copy} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	s.fields.Refresh() // the form draws a disabled field's label grey, and only redraws it on its own refresh
	if on {
		s.url.SetText(feed.URL(s.cfg.Feed))
	} else {
		s.url.SetText("")
	}
}
