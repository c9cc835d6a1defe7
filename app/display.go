package main

// displayProblem says why the tray app cannot open a window here, or "" when it can. Without
// it, GLFW panics with a stack trace when there is no X11 or Wayland session (an SSH login, a
// server), which tells a user nothing about what to do instead.
func displayProblem(goos string, getenv func(string) string) string {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
			return "no desktop session (neither DISPLAY nor WAYLAND_DISPLAY is set): the tray app needs one. " +
				"Without a desktop, run 'awcal daemon' (or 'awcal service install' for a systemd user service), " +
				"or 'awcal sync' from cron, and 'awcal preview' to see the blocks"
		}
	}
	return ""
}
