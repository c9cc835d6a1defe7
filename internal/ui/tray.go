package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"

	"github.com/awcal/awcal/assets"
)

// TrayActions are what the tray menu opens; each runs on the Fyne goroutine.
type TrayActions struct {
	ShowSettings func()
	ShowBackfill func()
	OpenCalendar func()
	// CopyFeedURL copies the subscription feed's URL (or says how to turn the feed on).
	CopyFeedURL func()
	// OpenLog opens the log file; nil leaves the item out.
	OpenLog func()
	// Quit runs when Quit is chosen (to ask about unsaved settings first); nil quits at once.
	Quit func()
	// ShowWeek opens the Week view; nil leaves the item out.
	ShowWeek func()
	// Today returns the menu's summary of today ("Today: 5h 40m — Coding 3h 10m · …"). It may
	// be slow: it runs off the Fyne goroutine, at start and after every sync. nil shows no line.
	Today func() string
	// ShowReview opens the Review window and PendingCount counts the proposals waiting for
	// review, for the item "Review N pending…" (off the Fyne goroutine, at start, after every
	// sync and after RefreshReview). Either nil leaves the item out.
	ShowReview   func()
	PendingCount func() (int, error)
}

// Tray is the system tray item: an icon per state, a tooltip with the last result and the
// menu. It uses the app's own tray loop (desktop.App); there is never a second one. Its menu
// is shown through trayMirror, whose items keep their ids while their labels change.
type Tray struct {
	app  fyne.App
	sync SyncController
	menu *fyne.Menu

	status, syncNow, pause *fyne.MenuItem
	paused                 bool
	lastErr                string
	lastNotice             string // the notices last notified, joined
	now                    func() time.Time
	today                  trayToday
	review                 trayReview
	// mirror shows the menu in the system tray (nil on a driver without one).
	mirror *trayMirror
	// backend starts the system tray on a desktop driver (tests give a fake).
	backend func(fyne.App, desktop.App) trayBackend
	// shown is Fyne's tray menu as last shown (menuState): a refresh that changes nothing does
	// not show it again, because Fyne rebuilds that menu (Windows, macOS) with new item ids
	// and a click on the menu while it is open across a rebuild is lost.
	shown string
	// showMenu shows Fyne's tray menu anew (tests count the calls).
	showMenu func()
}

// NewTray builds the tray menu. Call Install to show it and follow the runtime's status.
func NewTray(a fyne.App, sc SyncController, act TrayActions, now func() time.Time) *Tray {
	t := &Tray{app: a, sync: sc, now: now, backend: startSystray}
	t.showMenu = func() { t.menu.Refresh() }
	t.status = fyne.NewMenuItem("Not synced yet", nil)
	t.status.Disabled = true
	t.today = newTrayToday(act.Today)
	t.review = newTrayReview(act.ShowReview, act.PendingCount)
	// Runs happen in the runtime's goroutine; the request itself must not block the UI either,
	// so it is sent from a goroutine.
	t.syncNow = fyne.NewMenuItem("Sync now", func() { go t.sync.SyncNow() })
	t.pause = fyne.NewMenuItem("Pause auto sync", t.togglePause)
	quit := fyne.NewMenuItem("Quit", act.Quit) // with no action, the driver fills in its own
	quit.IsQuit = true
	items := []*fyne.MenuItem{t.status}
	if t.today.item != nil {
		items = append(items, t.today.item)
	}
	t.menu = fyne.NewMenu("awcal", append(items,
		fyne.NewMenuItemSeparator(),
		t.syncNow,
		t.pause,
		fyne.NewMenuItem("Backfill range…", act.ShowBackfill),
	)...)
	if t.review.item != nil {
		t.menu.Items = append(t.menu.Items, t.review.item)
	}
	t.menu.Items = append(t.menu.Items,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Settings…", act.ShowSettings),
	)
	if act.ShowWeek != nil {
		t.menu.Items = append(t.menu.Items, fyne.NewMenuItem("This week…", act.ShowWeek))
	}
	t.menu.Items = append(t.menu.Items,
		fyne.NewMenuItem("Open calendar", act.OpenCalendar),
		fyne.NewMenuItem("Copy subscription URL", act.CopyFeedURL),
	)
	if act.OpenLog != nil {
		t.menu.Items = append(t.menu.Items, fyne.NewMenuItem("Open log", act.OpenLog))
	}
	t.menu.Items = append(t.menu.Items, fyne.NewMenuItemSeparator(), quit)
	return t
}

// Install shows the tray item and applies src's status now and on every change until the
// returned func is called. It does nothing visible on a driver without a system tray. The
// menu's items keep their ids for the app's life: a status change updates them in place.
func (t *Tray) Install(src StatusSource) (stop func()) {
	if d, ok := t.app.(desktop.App); ok {
		if b := t.backend(t.app, d); b != nil {
			t.mirror = newTrayMirror(b, t.menu, t.app.Quit)
		} else {
			d.SetSystemTrayMenu(t.menu) // Fyne's menu, rebuilt with new ids on each refresh
			t.shown = menuState(t.menu)
		}
		d.SetSystemTrayIcon(assets.TrayIdle)
	}
	t.Apply(src.Status())
	t.today.refresh(t.refresh)
	t.review.refresh(t.refresh)
	return src.Subscribe(func(s Status) { fyne.Do(func() { t.Apply(s) }) })
}

func (t *Tray) togglePause() {
	if t.paused {
		go t.sync.Resume()
	} else {
		go t.sync.Pause()
	}
	// Show the new state at once; the runtime's next status confirms it.
	t.paused = !t.paused
	t.refreshPause()
}

func (t *Tray) refreshPause() {
	if t.paused {
		t.pause.Label = "Resume auto sync"
	} else {
		t.pause.Label = "Pause auto sync"
	}
	t.refresh()
}

// refresh shows the menu's current labels and states.
func (t *Tray) refresh() {
	if t.mirror != nil {
		t.mirror.sync()
		return
	}
	if s := menuState(t.menu); s != t.shown {
		t.shown = s
		t.showMenu()
	}
}

// menuState is what a menu shows: each item's label and states.
func menuState(m *fyne.Menu) string {
	var b strings.Builder
	for _, it := range m.Items {
		fmt.Fprintf(&b, "%q %t %t %t\n", it.Label, it.Disabled, it.Checked, it.IsSeparator)
	}
	return b.String()
}

// Apply shows s: menu labels, icon, tooltip, and a notification when a new failure appears.
// It runs on the Fyne goroutine.
func (t *Tray) Apply(s Status) {
	t.status.Label = statusLine(s)
	t.syncNow.Disabled = s.State == StateSyncing
	t.paused = s.State == StatePaused
	t.refreshPause()
	if d, ok := t.app.(desktop.App); ok {
		d.SetSystemTrayIcon(trayIcon(s.State))
	}
	systray.SetTooltip(tooltip(s, t.now()))
	if s.State == StateError && s.Error != "" && s.Error != t.lastErr {
		t.app.SendNotification(fyne.NewNotification("awcal: sync failed", s.Error))
	}
	t.lastErr = s.Error
	if n := strings.Join(s.Notices, "\n"); n != "" && n != t.lastNotice {
		t.app.SendNotification(fyne.NewNotification("awcal", n))
	}
	t.lastNotice = strings.Join(s.Notices, "\n")
	if s.State != StateSyncing && !s.Last.At.Equal(t.today.syncedAt) {
		t.today.syncedAt = s.Last.At
		t.today.refresh(t.refresh)
		t.review.refresh(t.refresh)
	}
}

// RefreshReview counts the pending proposals again (after a review action).
func (t *Tray) RefreshReview() { t.review.refresh(t.refresh) }

func trayIcon(s State) fyne.Resource {
	switch s {
	case StateSyncing:
		return assets.TraySyncing
	case StateError:
		return assets.TrayError
	case StatePaused:
		return assets.TrayPaused
	default:
		return assets.TrayIdle
	}
}

// statusLine is the menu's first line, e.g. "Last sync 10:42 · 2 updated".
func statusLine(s Status) string {
	switch {
	case s.State == StateSyncing:
		return "Syncing…"
	case s.State == StateError:
		if s.Last.At.IsZero() {
			return "Last sync failed"
		}
		return "Last sync failed · previous " + s.Last.At.Local().Format("15:04")
	case s.Last.At.IsZero():
		return "Not synced yet"
	}
	return "Last sync " + s.Last.At.Local().Format("15:04") + " · " + changes(s.Last)
}

// changes says what a run changed: "2 created, 1 updated", "3 proposed for review" (review
// mode "hold") or "no changes".
func changes(r RunSummary) string {
	verbs := [3]string{"created", "updated", "deleted"}
	if r.Held {
		verbs = [3]string{"proposed", "updated", "withdrawn"}
	}
	var parts []string
	for i, n := range []int{r.Created, r.Updated, r.Deleted} {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, verbs[i]))
		}
	}
	switch {
	case len(parts) == 0:
		return "no changes"
	case r.Held:
		return strings.Join(parts, ", ") + " for review"
	}
	return strings.Join(parts, ", ")
}

// tooltip is the tray icon's hover text: the status line, the error, and the next run.
func tooltip(s Status, now time.Time) string {
	lines := []string{"awcal — " + statusLine(s)}
	if s.Error != "" {
		lines = append(lines, s.Error)
	}
	lines = append(lines, s.Notices...)
	switch {
	case s.State == StatePaused:
		lines = append(lines, "Auto sync paused")
	case !s.Next.IsZero():
		d := s.Next.Sub(now).Round(time.Minute)
		if d < time.Minute {
			lines = append(lines, "Next sync in less than a minute")
		} else {
			lines = append(lines, fmt.Sprintf("Next sync in %d min", int(d.Minutes())))
		}
	}
	return strings.Join(lines, "\n")
}
