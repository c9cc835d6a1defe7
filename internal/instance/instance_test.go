package instance

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecondLaunchBringsTheFirstForward(t *testing.T) {
	requireUnixSockets(t)
	path := filepath.Join(t.TempDir(), "a.sock")
	shown := make(chan struct{}, 1)
	release, err := Acquire(path, App, func() { shown <- struct{}{} })
	require.NoError(t, err)

	_, err = Acquire(path, App, func() { t.Error("the second instance must not listen") })
	assert.True(t, errors.Is(err, ErrRunning), "got %v", err)
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("the first instance was not asked to show itself")
	}

	release()
	release2, err := Acquire(path, App, func() {})
	require.NoError(t, err, "after the first quits, a new launch becomes the instance")
	release2()
}

func TestAppAndDaemonRefuseEachOther(t *testing.T) {
	requireUnixSockets(t)
	for _, tc := range []struct {
		first, second Role
		says          string
	}{
		{App, Daemon, "the awcal tray app (process %d) already syncs this config; quit it from its tray menu"},
		{Daemon, App, "the awcal daemon (process %d) already syncs this config; stop it (systemctl --user stop awcal, or kill %[1]d)"},
		{Daemon, Daemon, "the awcal daemon (process %d) already syncs this config"},
	} {
		t.Run(string(tc.first)+" then "+string(tc.second), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.sock")
			release, err := Acquire(path, tc.first, func() { t.Error("only a second tray app asks to show the window") })
			require.NoError(t, err)
			defer release()

			_, err = Acquire(path, tc.second, nil)
			var held *HeldError
			require.ErrorAs(t, err, &held)
			assert.Equal(t, tc.first, held.Role)
			assert.Equal(t, os.Getpid(), held.PID)
			assert.Contains(t, err.Error(), fmtPID(tc.says))
		})
	}
}

func fmtPID(format string) string {
	return fmt.Sprintf(format, os.Getpid())
}

func TestStaleSocketIsReplaced(t *testing.T) {
	requireUnixSockets(t)
	path := filepath.Join(t.TempDir(), "stale.sock")
	ln, err := net.Listen("unix", path)
	require.NoError(t, err)
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // a crashed instance leaves its socket file behind
	_, err = os.Stat(path)
	require.NoError(t, err)

	release, err := Acquire(path, Daemon, nil)
	require.NoError(t, err)
	release()
}

func TestSocketPath(t *testing.T) {
	env := func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return "/run/user/1000"
		}
		return ""
	}
	a := SocketPath("/home/ann/.config/awcal/config.json", env)
	assert.Equal(t, filepath.FromSlash("/run/user/1000"), filepath.Dir(a))
	assert.Equal(t, a, SocketPath("/home/ann/.config/awcal/config.json", env), "stable")
	assert.NotEqual(t, a, SocketPath("/tmp/awcal-demo-1/config.json", env), "one instance per config")
}

// unixSocketsErr is why this system cannot listen on a unix socket (nil when it can): Windows
// before 10 1803, and Wine 8.0 (WSAEAFNOSUPPORT).
func unixSocketsErr(t *testing.T) error {
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "probe.sock"))
	if err == nil {
		ln.Close()
	}
	return err
}

func requireUnixSockets(t *testing.T) {
	t.Helper()
	if err := unixSocketsErr(t); err != nil {
		if runtime.GOOS != "windows" {
			t.Fatalf("unix sockets must work here: %v", err)
		}
		t.Skipf("this Windows (or Wine) has no unix sockets; TestWithoutUnixSockets covers it: %v", err)
	}
}

// Where unix sockets are missing, Acquire says it cannot guard, so that the app runs (and logs
// that it runs unguarded) instead of refusing to start.
func TestWithoutUnixSockets(t *testing.T) {
	if unixSocketsErr(t) == nil {
		t.Skip("unix sockets work here; the other tests cover Acquire")
	}
	_, err := Acquire(filepath.Join(t.TempDir(), "a.sock"), App, nil)
	require.ErrorIs(t, err, ErrNoGuard)
	assert.Contains(t, err.Error(), "listening on the instance socket")
}
