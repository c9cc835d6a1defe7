package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/ics"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/instance"
	"github.com/awcal/awcal/internal/syncer"
	"github.com/awcal/awcal/internal/testreal"
)

// daemonSetup is an aw-server with the last two hours of coding and a config (auto sync on)
// that syncs it into an .ics file; environ isolates the instance socket.
func daemonSetup(t *testing.T) (cfgPath string, cfg *config.Config, environ map[string]string) {
	t.Helper()
	aw := awtest.New(t)
	aw.AddBucket(activity.Bucket{ID: "aw-watcher-window_laptop", Type: activity.TypeWindow, Hostname: "laptop"})
	aw.AddBucket(activity.Bucket{ID: "aw-watcher-afk_laptop", Type: activity.TypeAFK, Hostname: "laptop"})
	start := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	aw.AddEvents("aw-watcher-window_laptop", activity.Event{Timestamp: start, Duration: time.Hour.Seconds(),
		Data: map[string]any{"app": "Code", "title": "daemon.go - awcal - Visual Studio Code"}})

	dir := t.TempDir()
	c := config.Default(func(string) string { return "" })
	c.ActivityWatch.URL = aw.URL()
	c.ActivityWatch.Hostnames = []string{"laptop"}
	c.Calendar = config.Calendar{Kind: config.CalendarICS, Path: filepath.Join(dir, "activity.ics")}
	require.True(t, c.AutoSyncEnabled())
	cfgPath = filepath.Join(dir, "config.json")
	require.NoError(t, config.Save(cfgPath, &c))
	return cfgPath, &c, map[string]string{"XDG_RUNTIME_DIR": t.TempDir()}
}

// ownedEvents reads the calendar file as a new process would.
func ownedEvents(t *testing.T, path string) []calendar.Event {
	t.Helper()
	st, err := ics.Open(path)
	require.NoError(t, err)
	defer st.Close()
	evs, err := st.Owned(context.Background(), time.Time{}, time.Now().Add(time.Hour))
	require.NoError(t, err)
	return evs
}

func TestDaemonSyncsOnItsInterval(t *testing.T) {
	cfgPath, cfg, environ := daemonSetup(t)
	const interval = 300 * time.Millisecond
	runs := make(chan config.RunSummary, 16)
	hooks := daemonHooks{
		config: func(c config.Config) config.Config {
			c.Sync.IntervalMinutes = interval.Minutes()
			return c
		},
		started: func(s *syncer.Scheduler) {
			statuses, _ := s.Subscribe()
			go func() {
				var last time.Time
				for st := range statuses {
					if st.LastRun != nil && !st.LastRun.Start.Equal(last) {
						last = st.LastRun.Start
						runs <- *st.LastRun
					}
				}
			}()
		},
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stderr testreal.Output
	env := Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(k string) string { return environ[k] }}
	exited := make(chan int, 1)
	go func() { exited <- daemonMain(ctx, env, []string{"--config", cfgPath}, hooks) }()

	var got []config.RunSummary
	for len(got) < 3 {
		select {
		case r := <-runs:
			require.Empty(t, r.Error)
			got = append(got, r)
		case code := <-exited:
			t.Fatalf("the daemon exited with %d: %s", code, stderr.String())
		}
	}
	stop()
	require.Equal(t, ExitOK, <-exited, stderr.String())

	assert.Equal(t, 1, got[0].Created, "the first run writes the block")
	for i := 1; i < len(got); i++ {
		assert.GreaterOrEqual(t, got[i].Start.Sub(got[i-1].End), interval, "run %d starts an interval after run %d ends", i, i-1)
		assert.Zero(t, got[i].Created+got[i].Updated+got[i].Deleted, "nothing new to write")
	}
	evs := ownedEvents(t, cfg.Calendar.Path)
	require.Len(t, evs, 1)
	assert.Equal(t, "Coding · awcal", evs[0].Title)
	st, err := config.LoadState(config.StatePath(cfgPath))
	require.NoError(t, err)
	require.NotNil(t, st.LastRun)
	assert.Empty(t, st.LastRun.Error)
	assert.Contains(t, stderr.String(), "msg=\"sync done\"")
	assert.Contains(t, stderr.String(), "msg=\"daemon stopped\"")
}

func TestDaemonServesTheFeed(t *testing.T) {
	cfgPath, cfg, environ := daemonSetup(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg.Feed = config.Feed{Enabled: true, Port: ln.Addr().(*net.TCPAddr).Port, Token: "t0ken"}
	require.NoError(t, ln.Close())
	require.NoError(t, config.Save(cfgPath, cfg))

	synced := make(chan struct{})
	hooks := daemonHooks{started: func(s *syncer.Scheduler) {
		statuses, _ := s.Subscribe()
		go func() {
			for st := range statuses {
				if st.LastRun != nil {
					close(synced)
					return
				}
			}
		}()
	}}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stderr testreal.Output
	env := Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(k string) string { return environ[k] }}
	exited := make(chan int, 1)
	go func() { exited <- daemonMain(ctx, env, []string{"--config", cfgPath}, hooks) }()
	select {
	case <-synced:
	case code := <-exited:
		t.Fatalf("the daemon exited with %d: %s", code, stderr.String())
	}

	// A calendar app subscribes with a plain HTTP client.
	url := fmt.Sprintf("http://127.0.0.1:%d/t0ken/awcal.ics", cfg.Feed.Port)
	resp, err := http.Get(url)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	file, err := os.ReadFile(cfg.Calendar.Path)
	require.NoError(t, err)
	assert.Equal(t, string(file), string(body), "the feed is the calendar file")
	assert.Contains(t, string(body), "SUMMARY:Coding · awcal")

	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotModified, resp.StatusCode, "a refresh without changes costs nothing")

	stop()
	require.Equal(t, ExitOK, <-exited, stderr.String())
	assert.NotContains(t, stderr.String(), "t0ken", "the token stays out of the log")
	_, err = http.Get(url)
	assert.Error(t, err, "the feed stops with the daemon")
}

func TestDaemonRefusesAConfigHeldByTheTrayApp(t *testing.T) {
	cfgPath, _, environ := daemonSetup(t)
	release, err := instance.Acquire(instance.SocketPath(cfgPath, func(k string) string { return environ[k] }), instance.App, nil)
	if errors.Is(err, instance.ErrNoGuard) && runtime.GOOS == "windows" {
		t.Skipf("no unix sockets on this Windows (Wine 8.0): the daemon runs unguarded there: %v", err)
	}
	require.NoError(t, err)
	defer release()

	code, _, stderr := runCmd(t, environ, "daemon", "--config", cfgPath)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, stderr, fmt.Sprintf("the awcal tray app (process %d) already syncs this config", os.Getpid()))
	_, err = os.Stat(filepath.Join(filepath.Dir(cfgPath), "activity.ics"))
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing synced")
}

func TestDaemonNeedsAutoSync(t *testing.T) {
	cfgPath, cfg, environ := daemonSetup(t)
	cfg.Sync.AutoSync = false
	require.NoError(t, config.Save(cfgPath, cfg))
	code, _, stderr := runCmd(t, environ, "daemon", "--config", cfgPath)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "automatic sync is off")
	assert.Contains(t, stderr, "sync.autoSync to true")
}
