package wincheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/testreal"
)

// TestWindowsAppOpensItsWindow starts the Windows build's desktop app (`awcal.exe demo`: the
// tray app on generated activity and a throw-away calendar) under Wine on an Xvfb display: its
// first sync runs, and its settings window opens and is drawn (OpenGL through Wine).
func TestWindowsAppOpensItsWindow(t *testing.T) {
	exe := os.Getenv("AWCAL_WINDOWS_EXE")
	if exe == "" {
		t.Skip("set AWCAL_WINDOWS_EXE and AWCAL_WINE_EXEC (make windows-check does)")
	}
	for _, tool := range []string{"Xvfb", "xwininfo", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			testreal.Missing(t, "%s is not installed: %v", tool, err)
		}
	}
	exe, err := filepath.Abs(exe)
	require.NoError(t, err)
	// Wine's desktop process draws on the display of the Wine session's first program: make
	// windows-check starts the session on an Xvfb display (xvfb-run) and passes it as DISPLAY.
	// Run alone, the app's own Wine session starts on a display of the test's.
	display := os.Getenv("DISPLAY")
	if display == "" {
		display = testreal.StartXvfb(t)
	}

	app := exec.Command(os.Getenv("AWCAL_WINE_EXEC"), exe, "demo")
	app.Dir = t.TempDir()
	app.Env = append(os.Environ(), "DISPLAY="+display)
	var out testreal.Output
	app.Stdout, app.Stderr = &out, &out
	require.NoError(t, app.Start())
	exited := make(chan struct{})
	go func() { _ = app.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = app.Process.Kill()
		<-exited
		t.Logf("awcal.exe demo:\n%s", out.String())
	})

	testreal.WaitFor(t, 90*time.Second, "the demo's first sync", func() bool {
		return strings.Contains(out.String(), "sync done")
	})
	assert.Regexp(t, `sync done".*created=[1-9]`, out.String(), "the first sync wrote blocks")
	testreal.WaitFor(t, 60*time.Second, "the settings window", func() bool {
		tree, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").CombinedOutput()
		return strings.Contains(string(tree), `"awcal demo settings"`)
	})
	// The window is drawn once its preview has computed: wait for a drawn screen, not a time.
	shot := filepath.Join(t.TempDir(), "window.png")
	testreal.WaitFor(t, 60*time.Second, "the window to be drawn", func() bool {
		if err := exec.Command("import", "-display", display, "-window", "root", shot).Run(); err != nil {
			return false
		}
		return testreal.DistinctColours(t, shot) > 64
	})
}
