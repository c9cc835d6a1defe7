package wincheck

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awcal/awcal/internal/testreal"
)

// TestWindowsAppOpensItsWindow starts the Windows build's desktop app (`awcal.exe demo`: the
// tray app on generated activity and a throw-away calendar) under Wine on an Xvfb display: its
// first sync runs, and its settings window opens and is drawn (OpenGL through Wine).
func TestWindowsAppOpensItsWindow(t *testing.T) {
	app := startDemo(t)
	testreal.WaitFor(t, 60*time.Second, "the settings window", func() bool {
		return strings.Contains(app.tree(), `"awcal demo settings"`)
	})
	// The window is drawn once its preview has computed: wait for a drawn screen, not a time.
	shot := filepath.Join(t.TempDir(), "window.png")
	testreal.WaitFor(t, 60*time.Second, "the window to be drawn", func() bool {
		return app.screenshot(shot) && testreal.DistinctColours(t, shot) > 64
	})
}
