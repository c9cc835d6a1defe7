package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTray records the items shown in the tray, by id, as systray numbers them.
type fakeTray struct {
	items []*fakeTrayItem
	seps  int
}

type fakeTrayItem struct {
	id       int
	title    string
	disabled bool
	clicks   chan struct{}
}

func (f *fakeTray) AddItem(label string) trayItem {
	it := &fakeTrayItem{id: len(f.items) + f.seps + 1, title: label, clicks: make(chan struct{})}
	f.items = append(f.items, it)
	return it
}
func (f *fakeTray) AddSeparator() { f.seps++ }

func (f *fakeTray) byTitle(t *testing.T, title string) *fakeTrayItem {
	t.Helper()
	for _, it := range f.items {
		if it.title == title {
			return it
		}
	}
	t.Fatalf("no %q in the tray", title)
	return nil
}

func (i *fakeTrayItem) SetTitle(s string)        { i.title = s }
func (i *fakeTrayItem) Enable()                  { i.disabled = false }
func (i *fakeTrayItem) Disable()                 { i.disabled = true }
func (i *fakeTrayItem) Clicked() <-chan struct{} { return i.clicks }

// desktopApp is the test app with a system tray.
type desktopApp struct{ fyne.App }

func (desktopApp) SetSystemTrayMenu(*fyne.Menu)    {}
func (desktopApp) SetSystemTrayIcon(fyne.Resource) {}
func (desktopApp) SetSystemTrayWindow(fyne.Window) {}

var _ desktop.App = desktopApp{}

func TestTrayItemsKeepTheirIdsAcrossStatusChanges(t *testing.T) {
	a := desktopApp{test.NewTempApp(t)}
	rt := newFakeRuntime()
	backend := &fakeTray{}
	opened := make(chan string, 4)
	tr := NewTray(a, rt, TrayActions{
		ShowSettings: func() { opened <- "settings" },
		ShowBackfill: func() {}, OpenCalendar: func() {}, CopyFeedURL: func() {},
		Today: func() string { return "Today: 1h 05m — Coding 1h 05m" },
	}, time.Now)
	tr.backend = func(fyne.App, desktop.App) trayBackend { return backend }
	tr.today.async = inline
	tr.Install(rt)
	shown := len(backend.items)
	settings := backend.byTitle(t, "Settings…")
	syncNow := backend.byTitle(t, "Sync now")
	status := backend.items[0]

	last := time.Date(2026, 3, 10, 10, 42, 0, 0, time.Local)
	tr.Apply(Status{State: StateSyncing})
	assert.Equal(t, "Syncing…", status.title)
	assert.True(t, syncNow.disabled)
	tr.Apply(Status{State: StateIdle, Last: RunSummary{At: last, Created: 2}})
	tr.Apply(Status{State: StatePaused, Last: RunSummary{At: last, Created: 2}})

	assert.Len(t, backend.items, shown, "a status change updates the items, it makes no new ones")
	assert.Equal(t, "Last sync 10:42 · 2 created", status.title)
	assert.False(t, syncNow.disabled)
	assert.Equal(t, "Resume auto sync", backend.items[3].title)
	assert.Equal(t, "Today: 1h 05m — Coding 1h 05m", backend.items[1].title)
	assert.Same(t, settings, backend.byTitle(t, "Settings…"))

	// A click on the menu as it was opened before the sync still reaches its action.
	settings.clicks <- struct{}{}
	select {
	case got := <-opened:
		assert.Equal(t, "settings", got)
	case <-time.After(10 * time.Second):
		t.Fatal("the click on Settings… was lost")
	}
	require.Len(t, rt.subs, 1)
}

func TestTrayQuitGoesThroughTheUnsavedPrompt(t *testing.T) {
	a := desktopApp{test.NewTempApp(t)}
	rt := newFakeRuntime()
	backend := &fakeTray{}
	asked := make(chan struct{}, 1)
	tr := NewTray(a, rt, TrayActions{
		ShowSettings: func() {}, ShowBackfill: func() {}, OpenCalendar: func() {}, CopyFeedURL: func() {},
		Quit: func() { asked <- struct{}{} },
	}, time.Now)
	tr.backend = func(fyne.App, desktop.App) trayBackend { return backend }
	tr.Install(rt)
	backend.byTitle(t, "Quit").clicks <- struct{}{}
	select {
	case <-asked: // the app asks about unsaved settings; app.Quit would have ended the test app
	case <-time.After(10 * time.Second):
		t.Fatal("Quit did not run the tray's Quit action")
	}
	last := tr.Menu().Items[len(tr.Menu().Items)-1]
	assert.True(t, last.IsQuit)
	require.NotNil(t, last.Action, "Fyne's own tray menu runs the action of a quit item that has one")
}

// Where the tray shows Fyne's menu (Windows, macOS), every refresh rebuilds it with new item
// ids and loses a click on the menu open across it: it is shown again only when what it shows
// changed, not for each of the refreshes a status change brings.
func TestTrayShowsFynesMenuAgainOnlyWhenItChanged(t *testing.T) {
	a := desktopApp{test.NewTempApp(t)}
	rt := newFakeRuntime()
	today := "Today: 1h 05m"
	tr := NewTray(a, rt, TrayActions{
		ShowSettings: func() {}, ShowBackfill: func() {}, OpenCalendar: func() {}, CopyFeedURL: func() {},
		Today: func() string { return today },
	}, time.Now)
	tr.backend = func(fyne.App, desktop.App) trayBackend { return nil } // Fyne's menu
	tr.today.async = inline
	shown := 0
	tr.showMenu = func() { shown++ }
	tr.Install(rt)
	require.Nil(t, tr.mirror)
	afterInstall := shown

	last := time.Date(2026, 3, 10, 10, 42, 0, 0, time.Local)
	idle := Status{State: StateIdle, Last: RunSummary{At: last, Created: 2}}
	tr.Apply(idle)
	once := shown
	assert.Greater(t, once, afterInstall, "a new status line is shown")
	tr.Apply(idle)
	tr.today.refresh(tr.refresh)
	tr.review.refresh(tr.refresh)
	assert.Equal(t, once, shown, "the same status and lines: nothing to show again")

	today = "Today: 1h 10m"
	tr.today.refresh(tr.refresh)
	assert.Equal(t, once+1, shown, "a changed line is shown")
	tr.Apply(Status{State: StateSyncing, Last: idle.Last})
	assert.Equal(t, once+2, shown, "Syncing… and Sync now disabled, shown once")
}
