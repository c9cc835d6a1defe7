//go:build linux || freebsd || openbsd || netbsd || dragonfly

package trayhost

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/godbus/dbus/v5"
)

// ErrNoBus means there is no session bus to ask, so no tray host either.
var ErrNoBus = errors.New("no session D-Bus")

// Present reports whether a tray host owns WatcherName on the session bus. getenv reads
// DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR; it never starts a bus (godbus would run
// dbus-launch and leave a stray dbus-daemon). No bus is (false, an error matching ErrNoBus).
func Present(getenv func(string) string) (bool, error) {
	addr := getenv("DBUS_SESSION_BUS_ADDRESS")
	if addr == "" || addr == "autolaunch:" {
		sock := filepath.Join(getenv("XDG_RUNTIME_DIR"), "bus")
		if getenv("XDG_RUNTIME_DIR") == "" {
			return false, ErrNoBus
		}
		if _, err := os.Stat(sock); err != nil {
			return false, fmt.Errorf("%w: %w", ErrNoBus, err)
		}
		addr = "unix:path=" + sock
	}
	conn, err := dbus.Connect(addr)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrNoBus, err)
	}
	defer conn.Close()
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, WatcherName).Store(&owned); err != nil {
		return false, fmt.Errorf("asking the session bus for a tray host: %w", err)
	}
	return owned, nil
}
