//go:build linux || freebsd || netbsd || openbsd || dragonfly

package secret

import (
	"fmt"
	"os"
	"path/filepath"
)

// checkBus refuses before go-keyring is called when no session bus can be found: godbus
// would otherwise run dbus-launch, which starts a stray dbus-daemon (and, through D-Bus
// activation, a locked gnome-keyring) that outlives awcal. The search mirrors godbus's own:
// DBUS_SESSION_BUS_ADDRESS, then the systemd user bus in /run/user/UID.
func checkBus() error {
	if memory.Load() {
		return nil
	}
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	dir := fmt.Sprintf("/run/user/%d", os.Getuid())
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return nil
		}
	}
	return errNoBusAddress
}
