package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/config"
)

// browserList edits the browser table: a browser's name (as aw-watcher-web names its bucket)
// and its window app names, comma-separated.
type browserList struct {
	items    []config.Browser
	onChange func()
	box      *fyne.Container
	root     fyne.CanvasObject
}

func newBrowserList(bs []config.Browser, onChange func()) *browserList {
	l := &browserList{onChange: onChange, box: container.NewVBox()}
	for _, b := range bs {
		l.items = append(l.items, config.Browser{Name: b.Name, Apps: append([]string(nil), b.Apps...)})
	}
	add := widget.NewButtonWithIcon("Add browser", theme.ContentAddIcon(), func() {
		l.items = append(l.items, config.Browser{})
		l.rebuild()
	})
	add.Importance = widget.LowImportance
	l.root = container.NewVBox(l.box, container.NewHBox(add))
	l.rebuild()
	return l
}

// list returns the table, skipping rows left without a name.
func (l *browserList) list() []config.Browser {
	out := make([]config.Browser, 0, len(l.items))
	for _, b := range l.items {
		if strings.TrimSpace(b.Name) != "" {
			out = append(out, config.Browser{Name: b.Name, Apps: append([]string(nil), b.Apps...)})
		}
	}
	return out
}

func (l *browserList) rebuild() {
	objs := make([]fyne.CanvasObject, 0, len(l.items))
	for i := range l.items {
		name := widget.NewEntry()
		name.SetPlaceHolder("chrome")
		name.SetText(l.items[i].Name)
		name.OnChanged = func(s string) { l.items[i].Name = strings.TrimSpace(s); l.onChange() }
		apps := widget.NewEntry()
		apps.SetPlaceHolder("Google-chrome, chrome.exe")
		apps.SetText(strings.Join(l.items[i].Apps, ", "))
		apps.OnChanged = func(s string) { l.items[i].Apps = splitList(s); l.onChange() }
		del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			l.items = append(l.items[:i], l.items[i+1:]...)
			l.rebuild()
			l.onChange()
		})
		del.Importance = widget.LowImportance
		nameBox := container.NewGridWrap(fyne.NewSize(140, name.MinSize().Height), name)
		objs = append(objs, container.NewBorder(nil, nil, nameBox, del, apps))
	}
	l.box.Objects = objs
	l.box.Refresh()
}

// splitList reads "a, b ,c" as [a b c], dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
