package wincheck

import (
	"image"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/testreal"
)

// wineTray is the title of Wine's stand-alone notification area: with no XEmbed tray on the X
// display, Wine's explorer shows a small window of its own, holding one 20×20 cell per icon
// from the left, as soon as a program adds an icon (Shell_NotifyIcon) and hides it when the
// last icon goes.
const wineTray = `"Wine System Tray": ("explorer.exe"`

// TestWindowsTrayMenu runs the Windows build's desktop app under Wine and uses its tray icon
// as a person would: the icon is in Wine's notification area and drawn, a right click on it
// (what fyne.io/systray's Windows code opens the menu on) shows awcal's tray menu, which is
// read back with OCR, and its items work: "Sync now" runs a manual sync, "Backfill range…"
// opens the backfill window and "Quit" ends the app, which takes its icon away.
func TestWindowsTrayMenu(t *testing.T) {
	app := startDemo(t, "xdotool", "convert", "tesseract")
	dir := t.TempDir()
	shot := filepath.Join(dir, "screen.png")
	var tray xwindow

	testreal.WaitFor(t, 60*time.Second, "awcal's icon in Wine's notification area", func() bool {
		for _, w := range app.windows(wineTray) {
			if w.viewable {
				tray = w
				return true
			}
		}
		return false
	})
	// The app's windows open where the tray is: raise it (there is no window manager) and
	// wait for Wine to draw it: its first cell with the icon, the rest of it empty (one icon).
	icon := image.Rect(0, 0, tray.rect.Dy(), tray.rect.Dy()).Add(tray.rect.Min)
	empty := image.Rect(icon.Max.X, icon.Min.Y, tray.rect.Max.X, tray.rect.Max.Y)
	testreal.WaitFor(t, 30*time.Second, "the tray drawn with one icon, in its first cell", func() bool {
		return app.xdotool("windowraise", tray.id) == nil && app.screenshot(shot) &&
			testreal.DistinctColoursIn(t, shot, icon) >= 4 && testreal.DistinctColoursIn(t, shot, empty) <= 2
	})

	// A click systray gets for an item id its menu no longer has is ignored, with this log
	// line: on Windows the tray shows Fyne's own menu, which Fyne rebuilds with new ids at every
	// status change, so a click on a menu left open across one (a sync, the today line) is lost.
	// (The Linux tray keeps its ids: trayMirror.) The test then chooses the item again.
	lost := func() int { return strings.Count(app.out.String(), "systray error: no menu item with ID") }
	// choose chooses label in the tray menu and waits for what it does (done).
	choose := func(label, what string, done func() bool) {
		t.Helper()
		for try := 1; ; try++ {
			before := lost()
			clickTrayItem(t, app, tray, shot, label)
			testreal.WaitFor(t, 60*time.Second, what, func() bool { return done() || lost() > before })
			if done() {
				return
			}
			require.Less(t, try, 3, "three clicks in a row on %q were lost to menu rebuilds", label)
			t.Logf("the click on %q was lost: the menu was rebuilt while open; choosing it again", label)
		}
	}

	// The demo syncs on its own every minute; a manual sync is only what "Sync now" asks for.
	require.NotContains(t, app.out.String(), "trigger=manual")
	choose("Sync now", "the manual sync that Sync now asked for", func() bool {
		return strings.Contains(app.out.String(), `msg="sync done" trigger=manual`)
	})
	choose("Backfill range…", "the backfill window", func() bool {
		for _, w := range app.windows(`"Backfill a date range": ("awcal.exe"`) {
			if w.viewable {
				return true
			}
		}
		return false
	})
	choose("Quit", "awcal.exe to end", func() bool {
		select {
		case <-app.exited:
			return true
		default:
			return false
		}
	})
	assert.Equal(t, 0, app.cmd.ProcessState.ExitCode(), "Quit ends the app normally")
	testreal.WaitFor(t, 30*time.Second, "the tray icon to go with the app", func() bool {
		for _, w := range app.windows(wineTray) {
			if w.viewable {
				return false
			}
		}
		return true
	})
}

// clickTrayItem opens the tray menu with a right click on the icon in tray, reads it off the
// screenshot shot, checks that it shows every item of awcal's menu and clicks label.
func clickTrayItem(t *testing.T, app *demoApp, tray xwindow, shot, label string) {
	t.Helper()
	var item textLine
	var lines []textLine
	var clicked time.Time
	testreal.WaitFor(t, 60*time.Second, "the tray menu with "+strconv.Quote(label), func() bool {
		for _, m := range app.windows(`(has no name): ("awcal.exe"`) {
			if m.viewable && m.override && app.screenshot(shot) {
				var err error
				lines, err = readText(shot, m.rect)
				require.NoError(t, err)
				var ok bool
				item, ok = findLine(lines, label)
				return ok
			}
		}
		// Click again only if the menu did not come: a click on an open menu picks an item.
		if time.Since(clicked) > 5*time.Second {
			c := tray.rect.Min.Add(image.Pt(tray.rect.Dy()/2, tray.rect.Dy()/2))
			_ = app.xdotool("windowraise", tray.id, "mousemove", strconv.Itoa(c.X), strconv.Itoa(c.Y), "click", "3")
			clicked = time.Now()
		}
		return false
	})
	var texts []string
	for _, l := range lines {
		texts = append(texts, l.text)
	}
	// The whole menu, as tray.go builds it for the demo (the status and today lines vary).
	for _, want := range []string{"Sync now", "Pause auto sync", "Backfill range…", "Settings…", "This week…",
		"Open calendar", "Copy subscription URL", "Open log", "Quit"} {
		_, ok := findLine(lines, want)
		assert.True(t, ok, "the tray menu shows %q; it reads:\n%s", want, strings.Join(texts, "\n"))
	}
	c := image.Pt((item.rect.Min.X+item.rect.Max.X)/2, (item.rect.Min.Y+item.rect.Max.Y)/2)
	require.NoError(t, app.xdotool("mousemove", strconv.Itoa(c.X), strconv.Itoa(c.Y), "click", "1"))
}
