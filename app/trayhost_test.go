package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/instance"
	"github.com/awcal/awcal/internal/testreal"
	"github.com/awcal/awcal/internal/trayhost"
)

// watcherEnv makes the test binary a tray host: it owns org.kde.StatusNotifierWatcher on the
// session bus, then runs the command in its arguments and exits with it.
const watcherEnv = "AWCAL_TEST_TRAY_WATCHER"

func TestMain(m *testing.M) {
	if os.Getenv(watcherEnv) != "" {
		os.Exit(runAsWatcher(os.Args[1:]))
	}
	code := m.Run()
	if built.bin != "" {
		os.RemoveAll(filepath.Dir(built.bin))
	}
	os.Exit(code)
}

func runAsWatcher(args []string) int {
	conn, err := dbus.ConnectSessionBus()
	if err == nil {
		var reply dbus.RequestNameReply
		reply, err = conn.RequestName(trayhost.WatcherName, dbus.NameFlagDoNotQueue)
		if err == nil && reply != dbus.RequestNameReplyPrimaryOwner {
			err = os.ErrExist
		}
	}
	if err != nil {
		os.Stderr.WriteString("tray watcher: " + err.Error() + "\n")
		return 1
	}
	defer conn.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return 1
	}
	return 0
}

var built struct {
	once sync.Once
	bin  string
	err  error
	out  []byte
}

// appBinary is a debug build of the app, built once per test binary (it logs any widget update
// made outside fyne.Do); AWCAL_BIN names one made beforehand (a CI step that builds it once).
func appBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("AWCAL_BIN"); bin != "" {
		return bin
	}
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "awcal-app-test-")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "awcal")
		built.out, built.err = exec.Command("go", "build", "-tags", "debug", "-o", built.bin, ".").CombinedOutput()
	})
	require.NoError(t, built.err, "building the app: %s", built.out)
	return built.bin
}

// TestWindowWithoutATrayHost starts the app under Xvfb on a private session bus, once with no
// StatusNotifierWatcher (stock GNOME without AppIndicator: the window must open by itself,
// explaining why) and once with one (a tray desktop: the app stays in the tray).
func TestWindowWithoutATrayHost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real window; skipped with -short")
	}
	for _, tool := range []string{"Xvfb", "dbus-run-session", "xwininfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			testreal.Missing(t, "%s not installed: %v", tool, err)
		}
	}
	bin := appBinary(t)
	for _, tc := range []struct {
		name    string
		watcher bool
	}{{"no tray host", false}, {"tray host", true}} {
		t.Run(tc.name, func(t *testing.T) {
			display := testreal.StartXvfb(t)
			dir := t.TempDir()
			home, runtimeDir := filepath.Join(dir, "home"), filepath.Join(dir, "run")
			require.NoError(t, os.MkdirAll(runtimeDir, 0o700))
			cfgPath := filepath.Join(home, ".config", "awcal", "config.json")
			cfg := config.Default(func(string) string { return "" })
			cfg.ActivityWatch.URL = awtest.New(t).URL()
			cfg.Calendar = config.Calendar{Kind: config.CalendarICS, Path: filepath.Join(home, "activity.ics")}
			cfg.Sync.AutoSync = false
			require.NoError(t, config.Save(cfgPath, &cfg))

			run := []string{bin, "--config", cfgPath}
			if tc.watcher {
				run = append([]string{os.Args[0]}, run...)
			}
			logPath := filepath.Join(dir, "app.log")
			logFile, err := os.Create(logPath)
			require.NoError(t, err)
			defer logFile.Close()
			app := exec.Command("dbus-run-session", append([]string{"--"}, run...)...)
			app.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
				"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"), "XDG_STATE_HOME="+filepath.Join(home, ".local", "state"),
				"XDG_RUNTIME_DIR="+runtimeDir, "LANG=en_US.UTF-8", "DBUS_SESSION_BUS_ADDRESS=")
			if tc.watcher {
				app.Env = append(app.Env, watcherEnv+"=1")
			}
			app.Stdout, app.Stderr = logFile, logFile
			app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			require.NoError(t, app.Start())
			exited := make(chan error, 1)
			go func() { exited <- app.Wait() }()
			t.Cleanup(func() {
				_ = syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
				<-exited
				log, _ := os.ReadFile(logPath)
				t.Logf("app log:\n%s", log)
			})

			want := "host=" + map[bool]string{true: "true", false: "false"}[tc.watcher]
			testreal.WaitFor(t, 60*time.Second, "the app's tray check", func() bool {
				log, _ := os.ReadFile(logPath)
				for _, l := range strings.Split(string(log), "\n") {
					if strings.Contains(l, "system tray") && strings.Contains(l, "host=") {
						require.Contains(t, l, want)
						return true
					}
				}
				return false
			})
			window := func() bool {
				out, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").CombinedOutput()
				return strings.Contains(string(out), `"awcal settings"`)
			}
			if tc.watcher {
				assert.False(t, window(), "with a tray host the app starts in the tray")
				return
			}
			testreal.WaitFor(t, 20*time.Second, "the settings window", window)
		})
	}
}

// TestTrayAppRefusesAConfigTheDaemonHolds starts the tray app while a daemon holds its config:
// it exits at once, naming the daemon's process, before opening anything.
func TestTrayAppRefusesAConfigTheDaemonHolds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app; skipped with -short")
	}
	bin := appBinary(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.json")
	cfg := config.Default(func(string) string { return "" })
	cfg.Calendar = config.Calendar{Kind: config.CalendarICS, Path: filepath.Join(dir, "activity.ics")}
	require.NoError(t, config.Save(cfgPath, &cfg))
	runtimeDir := filepath.Join(dir, "run")
	release, err := instance.Acquire(instance.SocketPath(cfgPath, func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return runtimeDir
		}
		return ""
	}), instance.Daemon, nil)
	require.NoError(t, err)
	defer release()

	cmd := exec.Command(bin, "--config", cfgPath)
	// A display name that answers nothing: the app must stop before it would connect.
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+runtimeDir, "DISPLAY=:1999", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, string(out), fmt.Sprintf("the awcal daemon (process %d) already syncs this config", os.Getpid()))
	assert.Contains(t, string(out), "systemctl --user stop awcal")
}
