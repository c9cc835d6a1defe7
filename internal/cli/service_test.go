//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeSystemctl replaces systemctl with a script that records its arguments, one call a line,
// and fails with "Failed to connect to bus" when failing is set.
func fakeSystemctl(t *testing.T, failing bool) (calls func() []string) {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\n"
	if failing {
		script += "echo 'Failed to connect to bus: No medium found' >&2\nexit 1\n"
	} else {
		script += "case \"$2\" in is-enabled) echo enabled;; is-active) echo active;; esac\n"
	}
	path := filepath.Join(dir, "systemctl")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o755))
	old := systemctl
	systemctl = path
	t.Cleanup(func() { systemctl = old })
	return func() []string {
		b, err := os.ReadFile(log)
		if os.IsNotExist(err) {
			return nil
		}
		require.NoError(t, err)
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
}

func TestServiceInstallStatusUninstall(t *testing.T) {
	calls := fakeSystemctl(t, false)
	home := t.TempDir()
	environ := map[string]string{"HOME": home}
	unit := filepath.Join(home, ".config", "systemd", "user", "awcal.service")
	cfg := filepath.Join(t.TempDir(), "my config%.json")

	code, stdout, stderr := runCmd(t, environ, "service", "install", "--config", cfg)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "Enabled and started awcal.service")
	b, err := os.ReadFile(unit)
	require.NoError(t, err)
	exe, err := os.Executable()
	require.NoError(t, err)
	assert.Contains(t, string(b), "\nExecStart="+systemdQuote(exe)+` daemon --config "`+strings.ReplaceAll(cfg, "%", "%%")+"\"\n")
	assert.Contains(t, string(b), "\nWantedBy=default.target\n")
	assert.Equal(t, []string{"--user daemon-reload", "--user enable --now awcal.service"}, calls())

	code, stdout, stderr = runCmd(t, environ, "service", "status")
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, "Unit file: "+unit+"\nenabled: enabled\nactive: active\n", stdout)

	code, stdout, stderr = runCmd(t, environ, "service", "uninstall")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "Stopped, disabled and removed awcal.service")
	assert.NoFileExists(t, unit)
	assert.Equal(t, "--user disable --now awcal.service", calls()[4])
	assert.Equal(t, "--user daemon-reload", calls()[5])

	code, stdout, _ = runCmd(t, environ, "service", "uninstall")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, stdout, "is not installed")
}

func TestServiceInstallWithoutUserManager(t *testing.T) {
	fakeSystemctl(t, true)
	home := t.TempDir()
	code, _, stderr := runCmd(t, map[string]string{"HOME": home}, "service", "install")
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, stderr, "systemctl --user daemon-reload failed: Failed to connect to bus: No medium found")
	assert.Contains(t, stderr, "the unit is written: start it with 'systemctl --user enable --now awcal.service'")
	assert.FileExists(t, filepath.Join(home, ".config", "systemd", "user", "awcal.service"))
}

func TestServiceUsage(t *testing.T) {
	code, _, stderr := runCmd(t, nil, "service")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "install|uninstall|status|unit")
	code, _, stderr = runCmd(t, nil, "service", "restart")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, `unknown action "restart"`)
	code, _, stderr = runCmd(t, nil, "service", "status", "--config", "x.json")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "--config goes with install or unit")
}

func TestServiceUnitQuoting(t *testing.T) {
	assert.Equal(t, "/usr/bin/awcal", systemdQuote("/usr/bin/awcal"))
	assert.Equal(t, `"/home/ann/my apps/awcal"`, systemdQuote("/home/ann/my apps/awcal"))
	assert.Equal(t, `"/a/\"b\"/100%%/$$HOME"`, systemdQuote(`/a/"b"/100%/$HOME`))
	assert.Contains(t, serviceUnit("/usr/bin/awcal", ""), "\nExecStart=/usr/bin/awcal daemon\n")
}
