package ui

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/config"
)

// form is what every settings tab shares: the working copy of the config, the window, the
// services and the inline validation. The tabs and the Settings window hold one pointer to it,
// so a test that swaps async or a dependency swaps it for every tab.
type form struct {
	win     fyne.Window
	deps    Deps
	cfg     *config.Config
	choices *choices
	async   func(func()) // runs slow work off the Fyne goroutine; tests make it synchronous
	// life is the window's: reads started for it stop when it is closed.
	life     *lifetime
	problems map[string]string // JSON path → message, from the last validation
	bound    []*widget.Entry   // entries whose Validator reads problems
	// onChange runs after every edit (set by the Settings window once it is built).
	onChange func()
}

// changed reports an edit to the window.
func (f *form) changed() {
	if f.onChange != nil {
		f.onChange()
	}
}

// bind makes an entry show the validation problem at a JSON path.
func (f *form) bind(e *widget.Entry, path string) {
	e.Validator = func(string) error {
		if m := f.problems[path]; m != "" {
			return errors.New(m)
		}
		return nil
	}
	f.bound = append(f.bound, e)
}

func hint(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	return l
}

// note is a wrapping label for what an action says (a status, a URL): it takes no room while
// it has nothing to say, where an empty label would leave an empty band in its box.
type note struct{ widget.Label }

func newNote(wrap fyne.TextWrap) *note {
	n := &note{}
	n.Wrapping = wrap
	n.Hidden = true
	n.ExtendBaseWidget(n)
	return n
}

// SetText shows text, or hides the note when text is "".
func (n *note) SetText(text string) {
	n.Label.SetText(text)
	if text == "" {
		n.Hide()
	} else {
		n.Show()
	}
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
