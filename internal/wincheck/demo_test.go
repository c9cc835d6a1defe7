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

// demoApp is the Windows build's desktop app (`awcal.exe demo`: the tray app on generated
// activity and a throw-away calendar) running under Wine on an X display.
type demoApp struct {
	display string
	cmd     *exec.Cmd
	out     *testreal.Output // its log
	exited  chan struct{}    // closed once it has ended (cmd.ProcessState is then set)
}

// startDemo starts `awcal.exe demo` (make windows-check names the exe) after checking that
// the X tools the test uses are installed, kills it when t ends, and waits for its first
// sync, which wrote blocks.
func startDemo(t *testing.T, tools ...string) *demoApp {
	t.Helper()
	exe := os.Getenv("AWCAL_WINDOWS_EXE")
	if exe == "" {
		t.Skip("set AWCAL_WINDOWS_EXE and AWCAL_WINE_EXEC (make windows-check does)")
	}
	for _, tool := range append([]string{"Xvfb", "xwininfo", "import"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			testreal.Missing(t, "%s is not installed: %v", tool, err)
		}
	}
	exe, err := filepath.Abs(exe)
	require.NoError(t, err)
	// Wine's desktop process draws on the display of the Wine session's first program: make
	// windows-check starts the session on an Xvfb display (xvfb-run) and passes it as DISPLAY.
	// Run alone, the app's own Wine session starts on a display of the test's.
	d := &demoApp{display: os.Getenv("DISPLAY"), out: &testreal.Output{}, exited: make(chan struct{})}
	if d.display == "" {
		d.display = testreal.StartXvfb(t)
	}

	d.cmd = exec.Command(os.Getenv("AWCAL_WINE_EXEC"), exe, "demo")
	d.cmd.Dir = t.TempDir()
	d.cmd.Env = append(os.Environ(), "DISPLAY="+d.display)
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
	require.NoError(t, d.cmd.Start())
	go func() { _ = d.cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() {
		_ = d.cmd.Process.Kill()
		<-d.exited
		t.Logf("awcal.exe demo:\n%s", d.out.String())
	})

	testreal.WaitFor(t, 90*time.Second, "the demo's first sync", func() bool {
		return strings.Contains(d.out.String(), "sync done")
	})
	assert.Regexp(t, `sync done".*created=[1-9]`, d.out.String(), "the first sync wrote blocks")
	return d
}

// tree lists the display's windows (xwininfo -tree: id, "name": ("instance" "class"), geometry).
func (d *demoApp) tree() string {
	out, _ := exec.Command("xwininfo", "-display", d.display, "-root", "-tree").CombinedOutput()
	return string(out)
}

// screenshot saves the whole screen as a PNG in path.
func (d *demoApp) screenshot(path string) bool {
	return exec.Command("import", "-display", d.display, "-window", "root", path).Run() == nil
}
