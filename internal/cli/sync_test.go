package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/profile"
)

// runCmd runs "awcal args..." through Main.
func runCmd(t *testing.T, environ map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return environ[k] }}
	code = Main(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

var syncDay = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func at(h, m int) time.Time {
	return syncDay.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// syncSetup is an aw-server with a morning of coding and a config that syncs it into an .ics
// file in a temporary folder.
func syncSetup(t *testing.T) (aw *awtest.Server, cfgPath string, cfg *config.Config) {
	t.Helper()
	aw = awtest.New(t)
	aw.AddBucket(activity.Bucket{ID: "aw-watcher-window_laptop", Type: activity.TypeWindow, Hostname: "laptop"})
	aw.AddBucket(activity.Bucket{ID: "aw-watcher-afk_laptop", Type: activity.TypeAFK, Hostname: "laptop"})
	window := func(from, to time.Time, app, title string) {
		aw.AddEvents("aw-watcher-window_laptop", activity.Event{Timestamp: from, Duration: to.Sub(from).Seconds(),
			Data: map[string]any{"app": app, "title": title}})
	}
	window(at(9, 0), at(10, 0), "Code", "main.go - awcal - Visual Studio Code")
	window(at(10, 0), at(10, 30), "zoom", "Standup")
	window(at(13, 0), at(14, 0), "Code", "● sync.go - syncer - Visual Studio Code")

	dir := t.TempDir()
	c := config.Default(func(string) string { return "" })
	c.ActivityWatch.URL = aw.URL()
	c.ActivityWatch.Hostnames = []string{"laptop"}
	c.Calendar = config.Calendar{Kind: config.CalendarICS, Path: filepath.Join(dir, "activity.ics")}
	cfgPath = filepath.Join(dir, "config.json")
	require.NoError(t, config.Save(cfgPath, &c))
	return aw, cfgPath, &c
}

func decodeSync(t *testing.T, stdout string) syncJSON {
	t.Helper()
	var out syncJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	return out
}

func TestSyncCommand(t *testing.T) {
	_, cfgPath, cfg := syncSetup(t)
	icsPath := cfg.Calendar.Path

	code, stdout, stderr := runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T11:00:00Z", "--json")
	require.Equal(t, ExitOK, code, stderr)
	out := decodeSync(t, stdout)
	assert.Equal(t, "last-checked", out.Strategy)
	assert.Equal(t, 2, out.Created)
	require.NotNil(t, out.LastSyncTime)
	assert.Equal(t, at(11, 0), *out.LastSyncTime)
	ics, err := os.ReadFile(icsPath)
	require.NoError(t, err)
	assert.Contains(t, string(ics), "SUMMARY:Coding · awcal")
	assert.Contains(t, string(ics), "X-AWCAL-PROFILE:coding")

	// Again at the same time: nothing to do.
	code, stdout, stderr = runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T11:00:00Z", "--json")
	require.Equal(t, ExitOK, code, stderr)
	out = decodeSync(t, stdout)
	assert.Zero(t, out.Created+out.Updated+out.Deleted)
	again, err := os.ReadFile(icsPath)
	require.NoError(t, err)
	assert.Equal(t, ics, again, "a run with nothing new leaves the file as it was")

	// A dry run in the afternoon shows the plan and writes nothing.
	state := config.StatePath(cfgPath)
	stateBefore, err := os.ReadFile(state)
	require.NoError(t, err)
	code, stdout, stderr = runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T15:00:00Z", "--dry-run", "--json")
	require.Equal(t, ExitOK, code, stderr)
	out = decodeSync(t, stdout)
	assert.True(t, out.DryRun)
	assert.Equal(t, 1, out.Created)
	require.Len(t, out.Changes, 1)
	assert.Equal(t, syncChangeJSON{Op: "create", UID: out.Changes[0].UID, Profile: "coding", Title: "Coding · syncer",
		Start: at(13, 0), End: at(14, 0)}, out.Changes[0])
	after, err := os.ReadFile(icsPath)
	require.NoError(t, err)
	assert.Equal(t, ics, after, "a dry run writes no event")
	stateAfter, err := os.ReadFile(state)
	require.NoError(t, err)
	assert.Equal(t, stateBefore, stateAfter, "a dry run writes no state")

	// The text report.
	code, stdout, stderr = runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T15:00:00Z")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "1 created, 0 updated, 0 deleted")
	assert.Contains(t, stdout, "The next run starts from")
}

func TestSyncCommandCustomRange(t *testing.T) {
	_, cfgPath, _ := syncSetup(t)
	code, _, stderr := runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T11:00:00Z")
	require.Equal(t, ExitOK, code, stderr)

	for i := range 2 {
		code, stdout, stderr := runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T18:00:00Z",
			"--from", "2026-03-02T12:00:00Z", "--to", "2026-03-02T18:00:00Z", "--json")
		require.Equal(t, ExitOK, code, stderr)
		out := decodeSync(t, stdout)
		assert.Equal(t, "custom", out.Strategy)
		require.NotNil(t, out.LastSyncTime)
		assert.Equal(t, at(11, 0), *out.LastSyncTime, "a custom range never moves lastSyncTime")
		assert.Equal(t, 1, out.Created+out.Unchanged, "one block in the range: %+v", out)
		assert.Zero(t, out.Updated+out.Deleted, "%+v", out)
		assert.Equal(t, 1-i, out.Created, "the second run creates nothing: %+v", out)
	}
	st, err := config.LoadState(config.StatePath(cfgPath))
	require.NoError(t, err)
	assert.Equal(t, at(11, 0), st.LastSyncTime.UTC())
}

func TestSyncCommandCalDAV(t *testing.T) {
	useKeyring(t)
	_, cfgPath, cfg := syncSetup(t)
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{})
	cfg.Calendar = caldavConfig(srv)
	require.NoError(t, config.Save(cfgPath, cfg))
	forget(t, srv)

	code, _, stderr := runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T11:00:00Z")
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, stderr, "no password stored")

	code, _, stderr = runCmd(t, nil, "password", "set", "--config", cfgPath)
	require.Equal(t, ExitUsage, code, "an empty standard input is refused: %s", stderr)
	var out, errOut bytes.Buffer
	env := Env{Stdin: strings.NewReader(srv.Password + "\n"), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	require.Equal(t, ExitOK, Main(context.Background(), env, []string{"password", "set", "--config", cfgPath}), errOut.String())

	code, stdout, stderr := runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T11:00:00Z", "--json")
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, 2, decodeSync(t, stdout).Created)
	assert.NotContains(t, stdout+stderr, srv.Password, "the password is never printed")
	assert.Len(t, srv.Resources(t, srv.CalendarPath), 2)
}

func TestSyncCommandErrors(t *testing.T) {
	aw, cfgPath, cfg := syncSetup(t)
	badConfig := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(badConfig, []byte(`{"version": 1, "sync": {"strategy": "sometimes"}}`), 0o600))
	bucketConfig := filepath.Join(t.TempDir(), "config.json")
	c := *cfg
	c.ActivityWatch.Buckets = []string{"aw-watcher-window_desktop"}
	require.NoError(t, config.Save(bucketConfig, &c))
	badProfile := filepath.Join(t.TempDir(), "config.json")
	c = *cfg
	c.Profiles = []profile.Profile{{ID: "x", Name: "X", Enabled: true, Primary: []profile.Rule{{Pattern: "(?=a)", Regex: true}}}}
	data, err := json.Marshal(c)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(badProfile, data, 0o600))

	tests := []struct {
		name   string
		args   []string
		before func()
		code   int
		says   string
	}{
		{"--from without --to", []string{"--config", cfgPath, "--from", "2026-03-02"}, nil, ExitUsage, "--from and --to go together"},
		{"a time that is not one", []string{"--config", cfgPath, "--now", "noon"}, nil, ExitUsage, `--now "noon" is not a time`},
		{"an empty range", []string{"--config", cfgPath, "--from", "2026-03-02", "--to", "2026-03-01"}, nil, ExitUsage, "must be before --to"},
		{"an unexpected argument", []string{"--config", cfgPath, "now"}, nil, ExitUsage, "unexpected arguments"},
		{"an invalid config", []string{"--config", badConfig}, nil, ExitUsage, "sometimes"},
		{"a profile whose regex RE2 refuses", []string{"--config", badProfile}, nil, ExitUsage, "profile"},
		{"a bucket that does not exist", []string{"--config", bucketConfig, "--now", "2026-03-02T11:00:00Z"}, nil, ExitUsage,
			`bucket "aw-watcher-window_desktop" does not exist: pick one of aw-watcher-afk_laptop, aw-watcher-window_laptop`},
		{"aw-server failing", []string{"--config", cfgPath, "--now", "2026-03-02T11:00:00Z"}, func() {
			aw.SetFault(awtest.Fault{Status: 503})
		}, ExitFailure, "503 Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
				defer aw.ClearFault()
			}
			code, stdout, stderr := runCmd(t, nil, append([]string{"sync"}, tt.args...)...)
			assert.Equal(t, tt.code, code, "stdout %s\nstderr %s", stdout, stderr)
			assert.Contains(t, stderr, tt.says)
		})
	}
}

func TestParseTimeArg(t *testing.T) {
	local := func(y int, mo time.Month, d, h, mi int) time.Time {
		return time.Date(y, mo, d, h, mi, 0, 0, time.Local)
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-03-02T09:00:00Z", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		{"2026-03-02T09:00:00+01:00", time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
		{"2026-03-02T09:00:00.5Z", time.Date(2026, 3, 2, 9, 0, 0, 5e8, time.UTC)},
		{"2026-03-02", local(2026, 3, 2, 0, 0)},
		{"2026-03-02T09:30", local(2026, 3, 2, 9, 30)},
		{" 2026-03-02 09:30 ", local(2026, 3, 2, 9, 30)},
	}
	for _, tt := range tests {
		got, err := parseTimeArg("--from", tt.in)
		require.NoError(t, err, tt.in)
		assert.True(t, tt.want.Equal(got), "%q: want %v, got %v", tt.in, tt.want, got)
	}
	for _, bad := range []string{"", "yesterday", "2026-13-01", "09:00"} {
		_, err := parseTimeArg("--from", bad)
		assert.Error(t, err, bad)
	}
}
