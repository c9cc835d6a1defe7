package ui

import (
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"
)

// trayBackend shows menu items in the system tray; systrayBackend is the real one.
type trayBackend interface {
	AddItem(label string) trayItem
	AddSeparator()
}

// trayItem is one item shown in the tray, updated in place.
type trayItem interface {
	SetTitle(string)
	Enable()
	Disable()
	Clicked() <-chan struct{}
}

// trayMirror shows a fyne.Menu in the system tray, creating every item once and updating its
// label and state in place. Fyne's own tray menu rebuilds every item on each Refresh, with new
// ids, so a click on a menu left open across a status change (a sync) reached an id that no
// longer existed and was ignored. The mirror keeps the ids of its items for the app's life.
type trayMirror struct {
	items []mirrored
}

type mirrored struct {
	src      *fyne.MenuItem
	item     trayItem
	label    string
	disabled bool
}

// newTrayMirror creates the items of m in b. A click runs the item's action on the Fyne
// goroutine; the quit item runs quit when it has no action of its own.
func newTrayMirror(b trayBackend, m *fyne.Menu, quit func()) *trayMirror {
	t := &trayMirror{}
	for _, it := range m.Items {
		if it.IsSeparator {
			b.AddSeparator()
			continue
		}
		shown := b.AddItem(it.Label)
		if it.Disabled {
			shown.Disable()
		}
		t.items = append(t.items, mirrored{src: it, item: shown, label: it.Label, disabled: it.Disabled})
		go func() {
			for range shown.Clicked() {
				fyne.Do(func() {
					switch {
					case it.IsQuit && it.Action == nil:
						quit()
					case it.Action != nil && !it.Disabled:
						it.Action()
					}
				})
			}
		}()
	}
	return t
}

// sync shows the current labels and states of the menu's items. It runs on the Fyne goroutine.
func (t *trayMirror) sync() {
	for i := range t.items {
		m := &t.items[i]
		if m.src.Label != m.label {
			m.label = m.src.Label
			m.item.SetTitle(m.label)
		}
		if m.src.Disabled != m.disabled {
			m.disabled = m.src.Disabled
			if m.disabled {
				m.item.Disable()
			} else {
				m.item.Enable()
			}
		}
	}
}

// startSystray starts the app's system tray (Fyne's own loop, started through
// SetSystemTrayWindow with a window that is never shown, so that Fyne neither builds nor
// rebuilds a menu of its own) and returns the backend that adds items to it. That needs a tray
// whose menu can be built before the loop starts: the D-Bus StatusNotifierItem of Linux and
// the BSDs, where the smoke test drives it. Elsewhere (Windows, macOS build their native menu
// once the loop runs) it returns nil and the tray shows Fyne's own menu instead.
func startSystray(a fyne.App, d desktop.App) trayBackend {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
	default:
		return nil
	}
	d.SetSystemTrayWindow(a.NewWindow("awcal"))
	systray.SetOnTapped(nil) // a click on the icon opens the menu, not that window
	return systrayBackend{}
}

// systrayBackend adds items with fyne.io/systray.
type systrayBackend struct{}

func (systrayBackend) AddItem(label string) trayItem {
	return systrayItem{systray.AddMenuItem(label, "")}
}
func (systrayBackend) AddSeparator() { systray.AddSeparator() }

type systrayItem struct{ *systray.MenuItem }

func (i systrayItem) Clicked() <-chan struct{} { return i.ClickedCh }
