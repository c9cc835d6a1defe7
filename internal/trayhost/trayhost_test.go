//go:build linux

package trayhost

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/testreal"
)

// privateBus starts a dbus-daemon of its own and returns its address.
func privateBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		testreal.Missing(t, "dbus-daemon not installed: %v", err)
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1",
		"--address=unix:path="+filepath.Join(t.TempDir(), "bus"))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	return strings.TrimSpace(addr)
}

func TestPresentFollowsTheWatcher(t *testing.T) {
	addr := privateBus(t)
	env := func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return addr
		}
		return ""
	}
	ok, err := Present(env)
	require.NoError(t, err)
	assert.False(t, ok, "no watcher on a fresh bus")

	watcher, err := dbus.Connect(addr)
	require.NoError(t, err)
	defer watcher.Close()
	reply, err := watcher.RequestName(WatcherName, dbus.NameFlagDoNotQueue)
	require.NoError(t, err)
	require.Equal(t, dbus.RequestNameReplyPrimaryOwner, reply)
	ok, err = Present(env)
	require.NoError(t, err)
	assert.True(t, ok, "a tray host owns the watcher name")

	_, err = watcher.ReleaseName(WatcherName)
	require.NoError(t, err)
	ok, err = Present(env)
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestPresentWithoutABus(t *testing.T) {
	ok, err := Present(func(string) string { return "" })
	assert.False(t, ok)
	assert.ErrorIs(t, err, ErrNoBus)

	empty := t.TempDir()
	ok, err = Present(func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return empty
		}
		return ""
	})
	assert.False(t, ok)
	assert.ErrorIs(t, err, ErrNoBus, "no bus socket in XDG_RUNTIME_DIR")

	ok, err = Present(func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return "unix:path=" + filepath.Join(empty, "gone")
		}
		return ""
	})
	assert.False(t, ok)
	assert.ErrorIs(t, err, ErrNoBus)
}
