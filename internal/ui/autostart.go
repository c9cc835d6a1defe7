package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/awcal/awcal/internal/atomicfile"
)

// Autostart is the XDG autostart entry that starts awcal at login
// (~/.config/autostart/awcal.desktop, per the freedesktop.org autostart specification).
type Autostart struct {
	// Path is the .desktop file; see AutostartPath.
	Path string
	// Exec is the command line written into the entry (the running binary's absolute path).
	Exec string
}

// AutostartPath returns $XDG_CONFIG_HOME/autostart/awcal.desktop (or ~/.config/…).
func AutostartPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the autostart folder: %w", err)
	}
	return filepath.Join(dir, "autostart", "awcal.desktop"), nil
}

// Enabled reports whether the entry exists and is not hidden.
func (a *Autostart) Enabled() bool {
	b, err := os.ReadFile(a.Path)
	if err != nil {
		return false
	}
	return !strings.Contains(string(b), "\nHidden=true")
}

// Set writes (on) or removes (off) the entry.
func (a *Autostart) Set(on bool) error {
	if !on {
		if err := os.Remove(a.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing the autostart entry %s: %w", a.Path, err)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(a.Path), 0o755); err != nil {
		return fmt.Errorf("creating the autostart folder: %w", err)
	}
	if err := atomicfile.WriteFile(a.Path, []byte(desktopEntry(a.Exec)), 0o644); err != nil {
		return fmt.Errorf("writing the autostart entry: %w", err)
	}
	return nil
}

// desktopEntry is the autostart entry for the binary at exec. The path is quoted as the
// Desktop Entry specification asks for arguments with spaces.
func desktopEntry(exec string) string {
	quoted := exec
	if strings.ContainsAny(exec, " \t\"\\$`") {
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")
		quoted = `"` + r.Replace(exec) + `"`
	}
	return "[Desktop Entry]\nType=Application\nName=awcal\n" +
		"Comment=ActivityWatch activity as calendar blocks\n" +
		"Exec=" + quoted + "\nIcon=awcal\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
}
