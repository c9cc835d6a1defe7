package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

// home is a throw-away user for the awcal subprocess: its own HOME, XDG folders and TMPDIR,
// so that every byte awcal writes lands under dir and can be searched.
type home struct {
	dir    string
	config string // config.json
	state  string // state.json
	env    []string
}

func newHome(t testing.TB) *home {
	t.Helper()
	dir := t.TempDir()
	h := &home{dir: dir}
	xdg := map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, ".config"),
		"XDG_DATA_HOME":   filepath.Join(dir, ".local", "share"),
		"XDG_STATE_HOME":  filepath.Join(dir, ".local", "state"),
		"XDG_CACHE_HOME":  filepath.Join(dir, ".cache"),
		"TMPDIR":          filepath.Join(dir, "tmp"),
	}
	for _, d := range xdg {
		require.NoError(t, os.MkdirAll(d, 0o700))
	}
	h.config = filepath.Join(xdg["XDG_CONFIG_HOME"], "awcal", "config.json")
	h.state = config.StatePath(h.config)
	h.env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", "TZ=UTC", config.EnvConfig + "=" + h.config}
	for k, v := range xdg {
		h.env = append(h.env, k+"="+v)
	}
	if v := os.Getenv("AWCAL_CHILD_GODEBUG"); v != "" { // diagnosis: e.g. gctrace=1
		h.env = append(h.env, "GODEBUG="+v)
	}
	// The session bus of .ci/with-keyring, for the CalDAV password in the OS keyring.
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" {
		h.env = append(h.env, "DBUS_SESSION_BUS_ADDRESS="+a)
	}
	return h
}

// getenv is the subprocess's environment as a lookup, for config.Default.
func (h *home) getenv(name string) string {
	for _, kv := range h.env {
		if k, v, _ := bytes.Cut([]byte(kv), []byte("=")); string(k) == name {
			return string(v)
		}
	}
	return ""
}

// defaultConfig is the first-run config of this home pointed at aw-server awURL and the
// generated host's buckets.
func (h *home) defaultConfig(awURL string) config.Config {
	cfg := config.Default(h.getenv)
	cfg.ActivityWatch.URL = awURL
	cfg.ActivityWatch.Hostnames = []string{host}
	return cfg
}

func (h *home) writeConfig(t testing.TB, cfg config.Config) {
	t.Helper()
	require.NoError(t, config.Save(h.config, &cfg))
}

// loadState reads state.json as awcal does; a file it cannot load fails the test.
func (h *home) loadState(t testing.TB) config.State {
	t.Helper()
	st, err := config.LoadState(h.state)
	require.NoError(t, err, "state file after the run")
	return st
}

// result is how one awcal process ended.
type result struct {
	args           []string
	code           int // exit code; -1 when killed by a signal
	killed         bool
	stdout, stderr string
	began          time.Time // when the process started
	wall           time.Duration
	// maxRSS is the peak resident set, bytes: the last VmHWM read from /proc while it ran
	// (sampled every few milliseconds). Not rusage's ru_maxrss: Go starts children with
	// vfork, and Linux then carries the test process's own peak into the child's.
	maxRSS int64
	// cpu is the process's user and system time: the machine is shared, and the wall clock
	// measures the load as well.
	cpu time.Duration
}

func (r result) String() string {
	return "awcal " + joinArgs(r.args) + ": exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// command prepares awcal with args in this home.
func (h *home) command(ctx context.Context, t testing.TB, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.CommandContext(ctx, awcalBinary(t), args...)
	cmd.Dir = h.dir
	cmd.Env = h.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// run runs awcal with args to the end (bounded by a generous timeout) and reports how it ended.
func (h *home) run(t testing.TB, args ...string) result {
	t.Helper()
	return h.runKill(t, 0, args...)
}

// runKill runs awcal and, when after > 0, kills it with SIGKILL after that long (if it has not
// ended by then).
func (h *home) runKill(t testing.TB, after time.Duration, args ...string) result {
	t.Helper()
	return h.exec(t, "", after, args...)
}

// runInput runs awcal with stdin as its standard input.
func (h *home) runInput(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	return h.exec(t, stdin, 0, args...)
}

func (h *home) exec(t testing.TB, stdin string, after time.Duration, args ...string) result {
	t.Helper()
	// A run may take as long as the test may (a year's backfill to Radicale takes hours), but
	// no run outlives the test.
	deadline := time.Now().Add(30 * time.Minute)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if td, set := d.Deadline(); set {
			deadline = td.Add(-time.Minute)
		}
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	cmd, stdout, stderr := h.command(ctx, t, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	start := time.Now()
	require.NoError(t, cmd.Start())
	peak := watchPeakRSS(cmd.Process.Pid)
	var timer *time.Timer
	if after > 0 {
		timer = time.AfterFunc(after, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	}
	err := cmd.Wait()
	if timer != nil {
		timer.Stop()
	}
	r := result{args: args, began: start, wall: time.Since(start), stdout: stdout.String(), stderr: stderr.String(), maxRSS: peak()}
	r.code = cmd.ProcessState.ExitCode()
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.killed = ws.Signal() == syscall.SIGKILL
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("awcal %s: %v", joinArgs(args), err)
	}
	require.NoError(t, ctx.Err(), "awcal %s did not end within the timeout", joinArgs(args))
	return r
}

// mustRun runs awcal and fails the test unless it exits 0.
func (h *home) mustRun(t testing.TB, args ...string) result {
	t.Helper()
	r := h.run(t, args...)
	require.Equal(t, 0, r.code, "%s", r)
	return r
}

func joinArgs(args []string) string {
	var b bytes.Buffer
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a)
	}
	return b.String()
}

// stamp formats a time for --now, --from and --to.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// watchPeakRSS samples /proc/pid/status for VmHWM (the peak resident set of the process's
// program, after exec) until the returned function is called, which returns the last value.
func watchPeakRSS(pid int) func() int64 {
	done := make(chan struct{})
	var peak atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		path := "/proc/" + strconv.Itoa(pid) + "/status"
		tick := time.NewTicker(3 * time.Millisecond)
		defer tick.Stop()
		for {
			if b, err := os.ReadFile(path); err == nil {
				if kb := vmHWM(b); kb*1024 > peak.Load() {
					peak.Store(kb * 1024)
				}
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// vmHWM reads "VmHWM:    1234 kB" from a /proc/pid/status text (0 when absent).
func vmHWM(status []byte) int64 {
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
