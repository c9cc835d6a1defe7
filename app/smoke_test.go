package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/testreal"
)

// TestGUISmoke starts the real binary (a debug build, which logs any widget update made
// outside fyne.Do) under Xvfb and a private D-Bus session, against a fake aw-server holding
// generated activity. It opens the settings window from the tray menu over D-Bus, takes a
// screenshot, clicks "Sync now" there, checks that the calendar file was written and that the
// menu's Today line sums the day, opens the Week view from the tray, and quits from the tray. It skips when Xvfb or D-Bus is missing, unless AWCAL_REQUIRE_REAL=1.
func TestGUISmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real window; skipped with -short")
	}
	for _, tool := range []string{"Xvfb", "dbus-run-session", "dbus-send", "xwininfo", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			testreal.Missing(t, "%s is not installed: %v", tool, err)
		}
	}
	dir := t.TempDir()
	bin := appBinary(t)

	display := testreal.StartXvfb(t)

	// A fake aw-server with two generated workdays moved to end today (the part of them
	// before now), whatever the day of the week: weekends are light and often empty, and the
	// test needs blocks to review at any hour of any day. And a config pointing at it.
	aw := awtest.New(t)
	now := time.Now()
	tuesday := time.Date(2026, 1, 6, 12, 0, 0, 0, time.Local)
	y, m, d := now.Date()
	shift := time.Date(y, m, d, 0, 0, 0, 0, time.Local).Sub(time.Date(2026, 1, 7, 0, 0, 0, 0, time.Local))
	for _, b := range fakedata.Generate(fakedata.Options{Start: tuesday, Days: 2, Seed: 7,
		Intensity: fakedata.Normal, Location: time.Local}) {
		aw.AddBucket(b.Bucket)
		var past []activity.Event
		for _, e := range b.Events {
			e.Timestamp = e.Timestamp.Add(shift)
			if e.End().Before(now) {
				past = append(past, e)
			}
		}
		aw.AddEvents(b.Bucket.ID, past...)
	}
	home := filepath.Join(dir, "home")
	runtimeDir := filepath.Join(dir, "run")
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".cache"), 0o700))
	require.NoError(t, os.MkdirAll(runtimeDir, 0o700))
	cfgPath := filepath.Join(home, ".config", "awcal", "config.json")
	icsPath := filepath.Join(home, "calendar", "activity.ics")
	cfg := config.Default(func(string) string { return "" })
	cfg.ActivityWatch.URL = aw.URL()
	cfg.Calendar = config.Calendar{Kind: config.CalendarICS, Path: icsPath}
	cfg.Sync.AutoSync = false // the tray's "Sync now" is what writes
	cfg.Sync.FirstSyncLookbackHours = 48
	cfg.Sync.Review = config.ReviewTentative // blocks wait for approval in the Review window
	cfg.ActivityWatch.Hostnames = []string{fakedata.DefaultHostname}
	require.NoError(t, config.Save(cfgPath, &cfg))

	// The app runs under its own D-Bus session; the wrapper records the bus address and the
	// app's pid (exec keeps it), which names the tray item.
	busFile, pidFile := filepath.Join(dir, "bus"), filepath.Join(dir, "pid")
	logPath := filepath.Join(dir, "app.log")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	defer logFile.Close()
	app := exec.Command("dbus-run-session", "--", "sh", "-c",
		`echo "$DBUS_SESSION_BUS_ADDRESS" > "$1"; echo $$ > "$2"; exec "$3" --config "$4"`,
		"sh", busFile, pidFile, bin, cfgPath)
	app.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"), "XDG_STATE_HOME="+filepath.Join(home, ".local", "state"),
		"XDG_RUNTIME_DIR="+runtimeDir, "LANG=en_US.UTF-8",
		"DBUS_SESSION_BUS_ADDRESS=")
	// A file, not a pipe: Wait must not hang on a pipe a killed session's children still hold.
	app.Stdout, app.Stderr = logFile, logFile
	app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, app.Start())
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = syscall.Kill(-app.Process.Pid, syscall.SIGKILL) // the session, its bus and the app
			<-exited
		}
		log, _ := os.ReadFile(logPath)
		t.Logf("app log:\n%s", log)
	})

	var bus, pid string
	testreal.WaitFor(t, 20*time.Second, "the app to start", func() bool {
		b, _ := os.ReadFile(busFile)
		p, _ := os.ReadFile(pidFile)
		bus, pid = strings.TrimSpace(string(b)), strings.TrimSpace(string(p))
		return bus != "" && pid != ""
	})
	item := "org.kde.StatusNotifierItem-" + pid + "-1"
	dbus := func(args ...string) (string, error) {
		cmd := exec.Command("dbus-send", append([]string{"--session", "--print-reply", "--dest=" + item}, args...)...)
		cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+bus)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	layout := func() map[string]int {
		out, err := dbus("/StatusNotifierItem/menu", "com.canonical.dbusmenu.GetLayout", "int32:0", "int32:-1", "array:string:")
		if err != nil {
			return nil
		}
		return menuItems(out)
	}
	var items map[string]int
	testreal.WaitFor(t, 30*time.Second, "the tray menu on D-Bus", func() bool {
		items = layout()
		return items["Sync now"] != 0
	})
	for _, label := range []string{"Sync now", "Pause auto sync", "Backfill range…", "Settings…", "Open calendar", "Quit"} {
		assert.Contains(t, items, label, "tray menu item")
	}
	// Item ids stay as they were when the menu first showed, across every status change: a
	// click uses those first ids, as a menu left open across a sync would.
	click := func(label string) {
		t.Helper()
		id := items[label]
		require.NotZero(t, id, "no %q in the tray menu", label)
		_, err := dbus("/StatusNotifierItem/menu", "com.canonical.dbusmenu.Event",
			"int32:"+strconv.Itoa(id), "string:clicked", "variant:int32:0", "uint32:0")
		require.NoError(t, err, "clicking %q", label)
	}

	t.Run("settings window", func(t *testing.T) {
		click("Settings…")
		testreal.WaitFor(t, 20*time.Second, "the settings window", func() bool {
			out, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").CombinedOutput()
			return strings.Contains(string(out), `"awcal settings"`)
		})
		time.Sleep(time.Second) // let it paint
		shot := filepath.Join(dir, "settings.png")
		out, err := exec.Command("import", "-display", display, "-window", "root", shot).CombinedOutput()
		require.NoError(t, err, "screenshot: %s", out)
		assert.Greater(t, testreal.DistinctColours(t, shot), 16, "the screenshot shows a drawn window, not a blank screen")
	})

	t.Run("sync now writes the calendar", func(t *testing.T) {
		click("Sync now")
		testreal.WaitFor(t, 60*time.Second, "the calendar file", func() bool {
			b, err := os.ReadFile(icsPath)
			return err == nil && bytes.Contains(b, []byte("BEGIN:VEVENT"))
		})
		b, err := os.ReadFile(icsPath)
		require.NoError(t, err)
		assert.Contains(t, string(b), "X-AWCAL-PROFILE", "the events are marked as awcal's")
		now := layout()
		for _, label := range []string{"Sync now", "Backfill range…", "Settings…", "Open calendar", "Quit"} {
			assert.Equal(t, items[label], now[label], "%q keeps its id across the sync", label)
		}
	})

	t.Run("the tray sums today after the sync", func(t *testing.T) {
		today := regexp.MustCompile(`^Today: (nothing in blocks yet|(\d+h \d\dm|\d+m) — .+)$`)
		var line string
		testreal.WaitFor(t, 30*time.Second, "the Today line in the tray menu", func() bool {
			for l := range layout() {
				if today.MatchString(l) {
					line = l
					return true
				}
			}
			return false
		})
		t.Logf("tray: %s", line)
	})

	t.Run("approve pending blocks through the tray's Review item", func(t *testing.T) {
		pendingItem := regexp.MustCompile(`^Review (\d+) pending…$`)
		var label string
		pending := 0
		testreal.WaitFor(t, 30*time.Second, "the Review item counting the tentative blocks", func() bool {
			items = layout()
			for l := range items {
				if m := pendingItem.FindStringSubmatch(l); m != nil {
					label, pending = l, atoi(m[1])
				}
			}
			return pending > 0
		})
		b, err := os.ReadFile(icsPath)
		require.NoError(t, err)
		require.Equal(t, pending, bytes.Count(b, []byte("STATUS:TENTATIVE")), "the count is the calendar's tentative events")
		// The window opens on the day of the latest pending block; A approves only that day's
		// blocks. A light day (a weekend's) may hold a single one.
		onDay := tentativeOnLatestDay(t, b)
		require.Positive(t, onDay)
		click(label)
		testreal.WaitFor(t, 20*time.Second, "the review window", func() bool {
			out, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").CombinedOutput()
			return strings.Contains(string(out), `"awcal review"`)
		})
		confirmed := func() int {
			b, _ := os.ReadFile(icsPath)
			return bytes.Count(b, []byte("STATUS:CONFIRMED"))
		}
		// A approves the selected block once the window has loaded the day; a press before
		// that does nothing, so it is repeated until an approval shows.
		for want := 1; want <= min(2, onDay); want++ {
			testreal.WaitFor(t, 40*time.Second, "an approval in the calendar", func() bool {
				if confirmed() >= want {
					return true
				}
				xdo := exec.Command("xdotool", "search", "--name", "^awcal review$", "windowfocus", "--sync", "key", "a")
				xdo.Env = append(os.Environ(), "DISPLAY="+display)
				// The window is named before it is mapped; focusing it then fails with
				// BadMatch, so a failed press is tried again like an ignored one.
				if out, err := xdo.CombinedOutput(); err != nil {
					t.Logf("xdotool (tried again): %v: %s", err, out)
					return false
				}
				deadline := time.Now().Add(3 * time.Second)
				for time.Now().Before(deadline) && confirmed() < want {
					time.Sleep(100 * time.Millisecond)
				}
				return confirmed() >= want
			})
		}
		b, err = os.ReadFile(icsPath)
		require.NoError(t, err)
		approved := bytes.Count(b, []byte("STATUS:CONFIRMED"))
		assert.GreaterOrEqual(t, approved, min(2, onDay), "A approves the selected block")
		assert.Equal(t, approved, bytes.Count(b, []byte("X-AWCAL-LOCKED:TRUE")), "approved blocks are locked")
		testreal.WaitFor(t, 20*time.Second, "the tray's count to follow", func() bool {
			_, ok := layout()[fmt.Sprintf("Review %d pending…", pending-approved)]
			return ok
		})
	})

	t.Run("the week view opens from the tray", func(t *testing.T) {
		click("This week…")
		testreal.WaitFor(t, 20*time.Second, "the settings window", func() bool {
			out, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").CombinedOutput()
			return strings.Contains(string(out), `"awcal settings"`)
		})
		time.Sleep(2 * time.Second) // the week is read from aw-server, then painted
		shot := filepath.Join(dir, "week.png")
		out, err := exec.Command("import", "-display", display, "-window", "root", shot).CombinedOutput()
		require.NoError(t, err, "screenshot: %s", out)
		assert.Greater(t, testreal.DistinctColours(t, shot), 16, "the week view is drawn")
		if d := os.Getenv("AWCAL_SHOTS"); d != "" {
			b, err := os.ReadFile(shot)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(d, "week.png"), b, 0o644))
		}
	})

	t.Run("quit from the tray", func(t *testing.T) {
		click("Quit")
		select {
		case err := <-exited:
			exited <- err // for the cleanup
		case <-time.After(20 * time.Second):
			t.Fatal("the app did not quit")
		}
		log, err := os.ReadFile(logPath)
		require.NoError(t, err)
		assert.NotContains(t, string(log), "Error in Fyne call thread", "every widget update from a goroutine goes through fyne.Do")
		kept, err := os.ReadFile(filepath.Join(home, ".local", "state", "awcal", "awcal.log"))
		require.NoError(t, err, "the tray app keeps a log file in the state folder")
		assert.Contains(t, string(kept), "sync done", "the sync is in the log file")
	})
}

// tentativeOnLatestDay counts the tentative events of the .ics text that start on the local
// day of the latest one.
func tentativeOnLatestDay(t *testing.T, ics []byte) int {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(ics)).Decode()
	require.NoError(t, err)
	var starts []time.Time
	for _, ev := range cal.Events() {
		if st, _ := ev.Props.Text(ical.PropStatus); st != "TENTATIVE" {
			continue
		}
		start, err := ev.DateTimeStart(time.Local)
		require.NoError(t, err)
		starts = append(starts, start.Local())
	}
	if len(starts) == 0 {
		return 0
	}
	latest := slices.MaxFunc(starts, time.Time.Compare)
	n := 0
	for _, s := range starts {
		if s.YearDay() == latest.YearDay() && s.Year() == latest.Year() {
			n++
		}
	}
	return n
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// menuItems reads dbusmenu's GetLayout reply: item id by label.
func menuItems(out string) map[string]int {
	items := map[string]int{}
	re := regexp.MustCompile(`(?s)struct \{\s*int32 (\d+)\s*array \[(.*?)\]`)
	label := regexp.MustCompile(`string "label"\s*variant\s*string "([^"]*)"`)
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		if l := label.FindStringSubmatch(m[2]); l != nil {
			id, _ := strconv.Atoi(m[1])
			items[l[1]] = id
		}
	}
	return items
}
