package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/awcal/awcal/internal/atomicfile"
)

const serviceUsage = `install|uninstall|status|unit [--config FILE]

Runs 'awcal daemon' as a systemd user service (awcal.service), for servers and desktops
without a tray. install writes ~/.config/systemd/user/awcal.service (or under
$XDG_CONFIG_HOME), then enables and starts it; uninstall stops, disables and removes it;
status shows whether it is installed, enabled and running; unit prints the unit file.
--config (install, unit) makes the service use that config file instead of the default.
Its log: journalctl --user -u awcal. Quit the tray app first: the two never share a config.`

// serviceName is the systemd user unit's name; the Debian package ships the same unit.
const serviceName = "awcal.service"

// systemctl is the command the service actions run (tests replace it).
var systemctl = "systemctl"

func runService(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(env.Stderr, "Usage: awcal service %s\n", serviceUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return ExitOK
		}
		return ExitUsage
	}
	action := args[0]
	fs := newFlagSet(env, "service "+action, serviceUsage)
	configFlag := fs.String("config", "", "config file for the service's daemon (install, unit)")
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal service %s: "+format+"\n", append([]any{action}, a...)...)
		return ExitFailure
	}
	if *configFlag != "" && action != "install" && action != "unit" {
		fmt.Fprintf(env.Stderr, "awcal service %s: --config goes with install or unit\n", action)
		return ExitUsage
	}
	cfgPath := ""
	if *configFlag != "" {
		abs, err := filepath.Abs(*configFlag)
		if err != nil {
			return fail("%v", err)
		}
		cfgPath = abs
	}

	switch action {
	case "unit":
		exe, err := os.Executable()
		if err != nil {
			return fail("finding this program: %v", err)
		}
		fmt.Fprint(env.Stdout, serviceUnit(exe, cfgPath))
		return ExitOK
	case "install", "uninstall", "status":
	default:
		fmt.Fprintf(env.Stderr, "awcal service: unknown action %q: use install, uninstall, status or unit\n", action)
		return ExitUsage
	}
	unitPath, err := serviceUnitPath(env.Getenv)
	if err != nil {
		return fail("%v", err)
	}
	switch action {
	case "install":
		exe, err := os.Executable()
		if err != nil {
			return fail("finding this program: %v", err)
		}
		if err := os.MkdirAll(filepath.Dir(unitPath), 0o755); err != nil {
			return fail("creating %s: %v", filepath.Dir(unitPath), err)
		}
		if err := atomicfile.WriteFile(unitPath, []byte(serviceUnit(exe, cfgPath)), 0o644); err != nil {
			return fail("%v", err)
		}
		fmt.Fprintf(env.Stdout, "Wrote %s.\n", unitPath)
		for _, a := range [][]string{{"daemon-reload"}, {"enable", "--now", serviceName}} {
			if err := runSystemctl(ctx, env, a...); err != nil {
				return fail("%v; the unit is written: start it with 'systemctl --user enable --now %s' once the systemd user manager runs", err, serviceName)
			}
		}
		fmt.Fprintf(env.Stdout, "Enabled and started %s: awcal now syncs in the background at every login. Its log: journalctl --user -u awcal\n", serviceName)
	case "uninstall":
		if _, err := os.Stat(unitPath); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(env.Stdout, "%s is not installed (no %s); nothing to do.\n", serviceName, unitPath)
			return ExitOK
		}
		if err := runSystemctl(ctx, env, "disable", "--now", serviceName); err != nil {
			return fail("%v; the unit file %s is left in place", err, unitPath)
		}
		if err := os.Remove(unitPath); err != nil {
			return fail("%v", err)
		}
		if err := runSystemctl(ctx, env, "daemon-reload"); err != nil {
			return fail("%v", err)
		}
		fmt.Fprintf(env.Stdout, "Stopped, disabled and removed %s.\n", serviceName)
	case "status":
		if _, err := os.Stat(unitPath); err == nil {
			fmt.Fprintf(env.Stdout, "Unit file: %s\n", unitPath)
		} else {
			fmt.Fprintf(env.Stdout, "Unit file: none in %s (run 'awcal service install'; a packaged unit may still exist)\n", filepath.Dir(unitPath))
		}
		for _, q := range []string{"is-enabled", "is-active"} {
			out, err := exec.CommandContext(ctx, systemctl, "--user", q, serviceName).Output()
			state := strings.TrimSpace(string(out))
			if state == "" && err != nil {
				state = "unknown (" + err.Error() + ")"
			}
			fmt.Fprintf(env.Stdout, "%s: %s\n", strings.TrimPrefix(q, "is-"), state)
		}
	}
	return ExitOK
}

// runSystemctl runs "systemctl --user args...", passing its output through.
func runSystemctl(ctx context.Context, env Env, args ...string) error {
	cmd := exec.CommandContext(ctx, systemctl, append([]string{"--user"}, args...)...)
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = env.Stdout, &errOut
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errOut.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("systemctl --user %s failed: %s", strings.Join(args, " "), msg)
	}
	return nil
}

// serviceUnitPath is where a user's own systemd units live: $XDG_CONFIG_HOME/systemd/user
// (an absolute $XDG_CONFIG_HOME), else ~/.config/systemd/user.
func serviceUnitPath(getenv func(string) string) (string, error) {
	base := getenv("XDG_CONFIG_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("finding the systemd user folder: $HOME is not defined")
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "systemd", "user", serviceName), nil
}

// serviceUnit is the systemd user unit that runs exe's daemon, on cfgPath when it is set.
func serviceUnit(exe, cfgPath string) string {
	cmd := systemdQuote(exe) + " daemon"
	if cfgPath != "" {
		cmd += " --config " + systemdQuote(cfgPath)
	}
	return `[Unit]
Description=awcal: ActivityWatch activity as calendar blocks
After=network-online.target

[Service]
Type=exec
ExecStart=` + cmd + `
Restart=on-failure
RestartSec=30s
# The daemon lets a sync that is writing finish (up to 30 s) after SIGTERM.
TimeoutStopSec=60s

[Install]
WantedBy=default.target
`
}

// systemdQuote quotes one ExecStart word: double quotes with backslash escapes, and "%" doubled
// (systemd expands specifiers in ExecStart).
func systemdQuote(s string) string {
	s = strings.ReplaceAll(s, "%", "%%")
	if !strings.ContainsAny(s, " \t\"'\\;$") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", "$$")
	return `"` + r.Replace(s) + `"`
}
