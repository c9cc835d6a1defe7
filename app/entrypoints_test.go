package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/cli"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/secret"
	"github.com/awcal/awcal/internal/syncer"
	"github.com/awcal/awcal/internal/ui"
)

// block is what every entry point must agree on: a block as the calendar would hold it.
type block struct {
	Profile, Title string
	Start, End     time.Time
}

func (b block) String() string {
	return fmt.Sprintf("%s %q %s–%s", b.Profile, b.Title, b.Start.UTC().Format("15:04:05"), b.End.UTC().Format("15:04:05"))
}

func newBlock(profile, title string, start, end time.Time) block {
	return block{profile, title, start.UTC().Round(time.Second), end.UTC().Round(time.Second)}
}

func sortBlocks(bs []block) []block {
	slices.SortFunc(bs, func(a, b block) int { return a.Start.Compare(b.Start) })
	return bs
}

// keyring is the OS keyring as the entry points see it: one CalDAV password, and a record of
// the accounts asked for.
type keyring struct {
	account, password string
	mu                sync.Mutex
	asked             []string
}

func (k *keyring) get(account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.asked = append(k.asked, account)
	if account != k.account {
		return "", fmt.Errorf("no password for %s: %w", account, secret.ErrNotFound)
	}
	return k.password, nil
}

func (k *keyring) take() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := k.asked
	k.asked = nil
	return out
}

// TestEveryEntryPointBuildsTheSamePipeline gives one config to every entry point — the tray's
// sync, the settings window's Preview, Test and Discover, `awcal sync` (dry run and real),
// `awcal preview` from aw-server and from an export with --config, `awcal password test` —
// and requires the same blocks and the same store settings from each. The config exercises
// what drifted before the pipeline factory: an aw-server that demands the API key, an
// always-active pattern of its own, a second host the config does not read, and a CalDAV
// server with a self-signed certificate (calendar.trustedCertificate) and the password in
// the keyring.
func TestEveryEntryPointBuildsTheSamePipeline(t *testing.T) {
	const apiKey = "aw-key-123"
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.Local)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }

	aw := awtest.New(t)
	aw.RequireAPIKey(apiKey)
	// awtest's aw-server runs on host "awtest": the config names no host, so that is the one read.
	for _, host := range []string{"awtest", "phone"} {
		aw.AddBucket(activity.Bucket{ID: "aw-watcher-window_" + host, Type: activity.TypeWindow, Hostname: host})
		aw.AddBucket(activity.Bucket{ID: "aw-watcher-afk_" + host, Type: activity.TypeAFK, Hostname: host})
	}
	window := func(host string, from, to time.Time, app, title string) {
		aw.AddEvents("aw-watcher-window_"+host, activity.Event{Timestamp: from, Duration: to.Sub(from).Seconds(),
			Data: map[string]any{"app": app, "title": title}})
	}
	afk := func(host string, from, to time.Time, status string) {
		aw.AddEvents("aw-watcher-afk_"+host, activity.Event{Timestamp: from, Duration: to.Sub(from).Seconds(),
			Data: map[string]any{"status": status}})
	}
	window("awtest", at(9, 0), at(10, 0), "Code", "main.go")
	afk("awtest", at(9, 0), at(10, 0), "not-afk")
	// A call with the screen idle: only the config's always-active pattern keeps it.
	window("awtest", at(14, 0), at(15, 0), "Mumble", "Team call")
	afk("awtest", at(14, 0), at(15, 0), "afk")
	// Another host's activity, which the config does not read.
	window("phone", at(11, 0), at(12, 0), "Code", "phone.go")
	afk("phone", at(11, 0), at(12, 0), "not-afk")

	dav := caldavtest.StartMemory(t, caldavtest.MemoryOptions{TLS: true})
	dir := t.TempDir()
	certPath := filepath.Join(dir, "server.pem")
	require.NoError(t, os.WriteFile(certPath, dav.CertPEM, 0o600))
	keys := &keyring{account: secret.Account(dav.Username, dav.URL), password: dav.Password}

	cfg := config.Default(func(string) string { return "" })
	cfg.ActivityWatch.URL = aw.URL()
	cfg.AFKMasking = true
	cfg.AlwaysActivePattern = `(?i)mumble`
	cfg.Profiles = []profile.Profile{
		{ID: "coding", Name: "Coding", Category: "Work", Threshold: 5, SoftBreak: 3, TitleTemplate: profile.DefaultTitleTemplate, Enabled: true,
			Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "code"}}},
		{ID: "calls", Name: "Calls", Category: "Meetings", Threshold: 5, SoftBreak: 3, TitleTemplate: profile.DefaultTitleTemplate, Enabled: true,
			Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "mumble"}}},
	}
	cfg.Calendar = config.Calendar{Kind: config.CalendarCalDAV, URL: dav.URL, Username: dav.Username,
		CalendarPath: dav.CalendarPath, TrustedCertificate: certPath}
	cfgPath := filepath.Join(dir, "config.json")
	require.NoError(t, config.Save(cfgPath, &cfg))

	environ := map[string]string{pipeline.EnvAWAPIKey: apiKey}
	env := cli.Env{Stdin: strings.NewReader(""), Getenv: func(k string) string { return environ[k] }, Password: keys.get}
	run := func(t *testing.T, args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		e := env
		e.Stdout, e.Stderr = &out, &errOut
		code := cli.Main(context.Background(), e, args)
		require.Equal(t, cli.ExitOK, code, "awcal %s: %s", strings.Join(args, " "), errOut.String())
		return out.String()
	}
	from, to := day.Format(time.RFC3339), day.AddDate(0, 0, 1).Format(time.RFC3339)
	account := []string{keys.account}

	// What a sync with this config must write.
	want := []block{
		newBlock("coding", "Code - main.go", at(9, 0), at(10, 0)),
		newBlock("calls", "Mumble - Team call", at(14, 0), at(15, 0)),
	}

	t.Run("awcal sync --dry-run", func(t *testing.T) {
		var rep struct {
			Changes []struct {
				Op, Profile, Title string
				Start, End         time.Time
			}
		}
		require.NoError(t, json.Unmarshal([]byte(run(t, "sync", "--config", cfgPath, "--from", from, "--to", to, "--dry-run", "--json")), &rep))
		var got []block
		for _, c := range rep.Changes {
			assert.Equal(t, "create", c.Op)
			got = append(got, newBlock(c.Profile, c.Title, c.Start, c.End))
		}
		assert.Equal(t, want, sortBlocks(got))
		assert.Equal(t, account, keys.take(), "the store is opened with the keyring's password")
	})

	previewBlocks := func(t *testing.T, args ...string) []block {
		var out struct {
			Blocks []struct {
				Profile, Title string
				Start, End     time.Time
			}
		}
		require.NoError(t, json.Unmarshal([]byte(run(t, args...)), &out))
		var got []block
		for _, b := range out.Blocks {
			got = append(got, newBlock(b.Profile, b.Title, b.Start, b.End))
		}
		return sortBlocks(got)
	}
	t.Run("awcal preview", func(t *testing.T) {
		assert.Equal(t, want, previewBlocks(t, "preview", "--config", cfgPath, "--from", from, "--to", to, "--json"))
	})
	t.Run("awcal preview --export --config", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, aw.URL()+"/api/0/export", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+apiKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		// The export names no server host: the config names the one to read, as a config
		// for reading an export does.
		xcfg := cfg
		xcfg.ActivityWatch.Hostnames = []string{"awtest"}
		xcfgPath := filepath.Join(dir, "export-config.json")
		require.NoError(t, config.Save(xcfgPath, &xcfg))
		export := filepath.Join(dir, "export.json")
		require.NoError(t, os.WriteFile(export, body, 0o600))
		assert.Equal(t, want, previewBlocks(t, "preview", "--export", export, "--config", xcfgPath, "--from", from, "--to", to, "--json"))
	})

	g := &gui{env: env, cfgPath: cfgPath}
	g.cfg.Store(&cfg)
	sy, err := g.newSyncer()
	require.NoError(t, err)
	t.Cleanup(func() { g.cals.Close() })
	deps := g.deps()

	t.Run("settings window: Preview", func(t *testing.T) {
		res, err := ui.PreviewDay(context.Background(), deps, cfg, day)
		require.NoError(t, err)
		var got []block
		for _, b := range res.Derived {
			got = append(got, newBlock(b.ProfileID, b.Title, b.Start, b.End))
		}
		assert.Equal(t, want, sortBlocks(got))
	})
	t.Run("settings window: Test", func(t *testing.T) {
		require.NoError(t, deps.TestCalendar(context.Background(), cfg.Calendar, ""))
		assert.Equal(t, account, keys.take())
	})
	t.Run("settings window: Discover", func(t *testing.T) {
		cals, err := deps.Discover(context.Background(), cfg.Calendar, "")
		require.NoError(t, err)
		assert.Contains(t, cals, ui.CalendarChoice{Path: dav.CalendarPath, Name: "awcal test"})
		assert.Equal(t, account, keys.take())
	})
	t.Run("tray sync", func(t *testing.T) {
		rep, err := sy.Run(context.Background(), syncer.Request{From: day, To: day.AddDate(0, 0, 1)})
		require.NoError(t, err)
		assert.Equal(t, len(want), rep.Created)
		st, done, err := g.cals.Use(context.Background())
		require.NoError(t, err)
		defer done()
		evs, err := st.Owned(context.Background(), day, day.AddDate(0, 0, 1))
		require.NoError(t, err)
		var got []block
		for _, e := range evs {
			got = append(got, newBlock(e.ProfileID, e.Title, e.Start, e.End))
		}
		assert.Equal(t, want, sortBlocks(got))
		assert.Equal(t, account, keys.take())
	})
	t.Run("awcal sync finds the tray's blocks in place", func(t *testing.T) {
		var rep struct{ Created, Updated, Deleted, Unchanged int }
		require.NoError(t, json.Unmarshal([]byte(run(t, "sync", "--config", cfgPath, "--from", from, "--to", to, "--json")), &rep))
		assert.Equal(t, len(want), rep.Unchanged, "%+v", rep)
		assert.Zero(t, rep.Created+rep.Updated+rep.Deleted, "%+v", rep)
		assert.Equal(t, account, keys.take())
	})
	t.Run("awcal password test", func(t *testing.T) {
		assert.Contains(t, run(t, "password", "test", "--config", cfgPath), "can be read")
		assert.NotEmpty(t, keys.take())
	})
}
