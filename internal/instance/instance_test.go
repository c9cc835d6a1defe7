package instance

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecondLaunchBringsTheFirstForward(t *testing.T) {
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
	assert.Equal(t, "/run/user/1000", filepath.Dir(a))
	assert.Equal(t, a, SocketPath("/home/ann/.config/awcal/config.json", env), "stable")
	assert.NotEqual(t, a, SocketPath("/tmp/awcal-demo-1/config.json", env), "one instance per config")
}
