package instance

import (
	"errors"
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
	release, err := Acquire(path, func() { shown <- struct{}{} })
	require.NoError(t, err)

	_, err = Acquire(path, func() { t.Error("the second instance must not listen") })
	assert.True(t, errors.Is(err, ErrRunning), "got %v", err)
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("the first instance was not asked to show itself")
	}

	release()
	release2, err := Acquire(path, func() {})
	require.NoError(t, err, "after the first quits, a new launch becomes the instance")
	release2()
}

func TestStaleSocketIsReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stale.sock")
	ln, err := net.Listen("unix", path)
	require.NoError(t, err)
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // a crashed instance leaves its socket file behind
	_, err = os.Stat(path)
	require.NoError(t, err)

	release, err := Acquire(path, func() {})
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
