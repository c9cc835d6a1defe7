package wincheck

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/cli"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
)

// Three generated heavy days in UTC, and the range both builds read.
var (
	start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	from  = start.Format(time.RFC3339)
	to    = start.AddDate(0, 0, 3).Format(time.RFC3339)
)

// windows runs awcal.exe under Wine (.ci/wine/exec) in dir and returns its standard output.
func windows(t *testing.T, exe, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Getenv("AWCAL_WINE_EXEC"), append([]string{exe}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "awcal.exe %s: %s", strings.Join(args, " "), stderr.String())
	return stdout.String()
}

// linux runs the same command in this process: the Linux build of the same code.
func linux(t *testing.T, dir string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := cli.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(dir))
	defer os.Chdir(wd)
	require.Equal(t, cli.ExitOK, cli.Main(context.Background(), env, args), stderr.String())
	return stdout.String()
}

// winPath is how Wine's Z: drive names a Unix path.
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

func TestWindowsBuildMatchesLinux(t *testing.T) {
	exe := os.Getenv("AWCAL_WINDOWS_EXE")
	if exe == "" {
		t.Skip("set AWCAL_WINDOWS_EXE and AWCAL_WINE_EXEC (make windows-check does)")
	}
	exe, err := filepath.Abs(exe)
	require.NoError(t, err)

	t.Run("version", func(t *testing.T) {
		out := windows(t, exe, t.TempDir(), "version")
		assert.Regexp(t, `^awcal `+regexp.QuoteMeta(os.Getenv("AWCAL_VERSION"))+`( \([0-9a-f]{12}\))?\r?\n$`, out)
	})

	dir := t.TempDir()
	buckets := fakedata.Generate(fakedata.Options{Start: start, Days: 3, Seed: 11, Intensity: fakedata.Heavy})
	exportJSON := linux(t, dir, "fakedata", "--start", "2026-03-02", "--days", "3", "--seed", "11", "--intensity", "heavy", "-o", "-")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "export.json"), []byte(exportJSON), 0o600))

	t.Run("preview --export", func(t *testing.T) {
		args := []string{"preview", "--export", "export.json", "--from", from, "--to", to, "--json"}
		lin, win := linux(t, dir, args...), windows(t, exe, dir, args...)
		var l, w map[string]any
		require.NoError(t, json.Unmarshal([]byte(lin), &l))
		require.NoError(t, json.Unmarshal([]byte(win), &w))
		require.NotEmpty(t, l["blocks"], "the generated days give blocks")
		assert.Equal(t, l, w, "the same blocks from the same export")
	})

	t.Run("sync to an .ics file", func(t *testing.T) {
		aw := awtest.New(t)
		for _, b := range buckets {
			aw.AddBucket(b.Bucket)
			aw.AddEvents(b.Bucket.ID, b.Events...)
		}
		calendars := map[string]string{}
		reports := map[string]map[string]any{}
		for _, side := range []string{"linux", "windows"} {
			sideDir := filepath.Join(dir, side)
			require.NoError(t, os.MkdirAll(sideDir, 0o700))
			ics := filepath.Join(sideDir, "activity.ics")
			cfg := config.Default(func(string) string { return "" })
			cfg.ActivityWatch.URL = aw.URL()
			cfg.ActivityWatch.Hostnames = []string{fakedata.DefaultHostname}
			cfg.Calendar = config.Calendar{Kind: config.CalendarICS, Path: ics}
			if side == "windows" {
				cfg.Calendar.Path = winPath(ics)
			}
			cfgPath := filepath.Join(sideDir, "config.json")
			// Saved as a Windows build would: the Windows path does not validate on Linux.
			raw, err := json.MarshalIndent(cfg, "", "  ")
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(cfgPath, raw, 0o600))
			args := []string{"sync", "--config", "config.json", "--from", from, "--to", to, "--json"}
			var out string
			if side == "linux" {
				out = linux(t, sideDir, args...)
			} else {
				out = windows(t, exe, sideDir, args...)
			}
			var rep map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
			reports[side] = rep
			b, err := os.ReadFile(ics)
			require.NoError(t, err)
			calendars[side] = string(b)
		}
		assert.NotZero(t, reports["linux"]["created"])
		assert.Equal(t, reports["linux"]["created"], reports["windows"]["created"])
		assert.Equal(t, reports["linux"]["from"], reports["windows"]["from"])
		assert.Equal(t, reports["linux"]["to"], reports["windows"]["to"])
		// DTSTAMP is when each build wrote the event; everything else must be equal.
		stamp := regexp.MustCompile(`(?m)^DTSTAMP:[0-9TZ]+\r\n`)
		l, w := stamp.ReplaceAllString(calendars["linux"], ""), stamp.ReplaceAllString(calendars["windows"], "")
		assert.Contains(t, l, "BEGIN:VEVENT\r\n", "CRLF line ends")
		assert.Equal(t, l, w, "the same calendar, byte for byte but DTSTAMP")
	})
}
