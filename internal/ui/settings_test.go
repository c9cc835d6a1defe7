package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/awimport"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/secret"
)

func baseConfig() *config.Config {
	c := config.Default(func(string) string { return "" })
	c.Calendar.Path = "/tmp/awcal-test/activity.ics"
	c.Profiles = testProfiles()
	return &c
}

// customRangeConfig is baseConfig with the custom strategy over 2–4 March 2026, as a config
// file may set it.
func customRangeConfig() *config.Config {
	c := baseConfig()
	from, to := time.Date(2026, 3, 2, 0, 0, 0, 0, time.Local), time.Date(2026, 3, 4, 0, 0, 0, 0, time.Local)
	c.Sync.CustomStart, c.Sync.CustomEnd = &from, &to
	c.SetStrategy(config.StrategyCustom)
	return c
}

// newTestSettings builds a settings window whose background work runs synchronously.
func newTestSettings(t *testing.T, c *config.Config, saved *[]*config.Config) *Settings {
	t.Helper()
	test.NewTempApp(t)
	deps := testDeps(saved)
	s := NewSettings(test.NewTempApp(t), deps, c, false)
	s.async = inline
	s.profiles.async = inline
	s.preview.async = inline
	s.preview.debounce = 0
	return s
}

func TestSettingsOneWayToBackfill(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	require.True(t, s.sync.autoSync.Checked, "the default config syncs automatically")
	require.False(t, s.sync.autoSync.Disabled())
	assert.False(t, s.sync.custom.Visible(), "no custom range: nothing to say about one")

	opened := 0
	s.OnBackfill = func() { opened++ }
	test.Tap(s.sync.backfill)
	assert.Equal(t, 1, opened, "the Sync tab's backfill is the backfill dialog")
	assert.False(t, s.Unsaved(), "opening it changes no setting (auto sync stays on)")
	assert.True(t, s.cfg.AutoSyncEnabled())
	for _, it := range s.sync.fields.Items {
		_, isRange := it.Widget.(*widget.DateEntry)
		assert.False(t, isRange, "no second backfill through a saved date range")
	}
}

func TestSettingsCustomStrategyFromTheFile(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, customRangeConfig(), &saved)
	require.True(t, s.sync.custom.Visible(), "a custom range set in the file is shown")
	assert.False(t, s.sync.autoSync.Checked)
	assert.True(t, s.sync.autoSync.Disabled(), "the strategy contract: no auto sync while custom")
	assert.True(t, s.sync.interval.Disabled())
	tapCheck(s.sync.autoSync)
	assert.False(t, s.cfg.Sync.AutoSync, "a disabled check ignores taps")
	assert.False(t, s.Unsaved())

	test.Tap(s.sync.lastChecked)
	assert.False(t, s.sync.custom.Visible())
	assert.False(t, s.sync.autoSync.Disabled())
	assert.True(t, s.sync.autoSync.Checked)
	s.Save()
	require.Len(t, saved, 1, s.summary.Text)
	assert.Equal(t, config.StrategyLastChecked, saved[0].Sync.Strategy)
	assert.True(t, saved[0].AutoSyncEnabled())
}

func TestSettingsInlineValidation(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	require.NoError(t, s.aw.url.Validate())
	require.False(t, s.save.Disabled())

	for _, tc := range []struct {
		name  string
		edit  func()
		entry func() error
	}{
		{"aw-server URL", func() { s.aw.url.SetText("ftp://nowhere") }, s.aw.url.Validate},
		{"interval", func() { s.sync.interval.SetText("often") }, s.sync.interval.Validate},
		{"calendar file", func() { s.cal.icsPath.SetText("") }, s.cal.icsPath.Validate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.aw.url.SetText(config.DefaultActivityWatchURL)
			s.sync.interval.SetText("10")
			s.cal.icsPath.SetText("/tmp/awcal-test/activity.ics")
			require.NoError(t, tc.entry())
			tc.edit()
			assert.Error(t, tc.entry(), "the field is flagged as it is typed")
			assert.True(t, s.save.Disabled(), "an invalid config cannot be saved")
			assert.NotEmpty(t, s.summary.Text)
		})
	}
	t.Run("a bad profile rule is named by profile", func(t *testing.T) {
		s.aw.url.SetText(config.DefaultActivityWatchURL)
		s.sync.interval.SetText("10")
		s.cal.icsPath.SetText("/tmp/awcal-test/activity.ics")
		s.profiles.list.Select(0)
		row := s.profiles.primary.rows[0]
		tapCheck(row.regex)
		row.pattern.SetText("(code")
		assert.Contains(t, s.summary.Text, "Coding → primary rule 1: pattern: invalid regex", "named as the window shows it, not as a config path")
		assert.True(t, s.save.Disabled())
		row.pattern.SetText("code")
		assert.Empty(t, s.summary.Text)
		assert.False(t, s.save.Disabled())
	})
	s.Save()
	assert.Len(t, saved, 1)
}

func TestSettingsPasswordGoesToKeyring(t *testing.T) {
	var saved []*config.Config
	c := baseConfig()
	s := newTestSettings(t, c, &saved)
	var stored [][3]string
	s.deps.SetPassword = func(url, user, pass string) (func() error, error) {
		stored = append(stored, [3]string{url, user, pass})
		return func() error { return nil }, nil
	}
	s.cal.kind.SetSelected(calendarCalDAV)
	assert.True(t, s.cal.icsBox.Hidden)
	assert.True(t, s.cal.davBox.Visible())
	s.cal.davURL.SetText("https://dav.example.com/")
	s.cal.davUser.SetText("ann")
	test.Type(s.cal.davPass, "hunter2")
	s.Save()
	require.Len(t, saved, 1, s.summary.Text)
	assert.Equal(t, [][3]string{{"https://dav.example.com/", "ann", "hunter2"}}, stored)
	assert.Equal(t, config.CalendarCalDAV, saved[0].Calendar.Kind)
	assert.NotContains(t, string(mustJSON(t, saved[0])), "hunter2", "the password never reaches the config")
	assert.Empty(t, s.cal.davPass.Text, "the entry forgets it after saving")
}

// TestSettingsPlainHTTPOptIn is part of defect 5 of issue 13: plain http:// to another
// machine is an explicit choice, with a warning in the window while it is made.
func TestSettingsPlainHTTPOptIn(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.cal.kind.SetSelected(calendarCalDAV)
	s.cal.davURL.SetText("http://nas.lan:5232/")
	s.cal.davUser.SetText("ann")
	assert.False(t, s.cal.davPlainHTTP.Checked, "off unless chosen")
	assert.False(t, s.cal.davWarning.Visible())
	tapCheck(s.cal.davPlainHTTP)
	assert.True(t, s.cal.davWarning.Visible())
	assert.Contains(t, s.cal.davWarning.Text, "unencrypted")
	s.Save()
	require.Len(t, saved, 1, s.summary.Text)
	assert.True(t, saved[0].Calendar.AllowPlainHTTP)
	tapCheck(s.cal.davPlainHTTP)
	assert.False(t, s.cal.davWarning.Visible())
}

func TestSettingsPrivacyRulesRoundTrip(t *testing.T) {
	var saved []*config.Config
	c := baseConfig()
	c.Privacy = privacy.Settings{DropIncognito: true, Rules: []privacy.Rule{
		{Bucket: "any", Field: "title", Pattern: "bank|1password", Regex: true, Action: privacy.Drop},
		{Bucket: "web", Field: "url", Pattern: "mail", Action: privacy.Redact},
	}}
	s := newTestSettings(t, c, &saved)
	require.Len(t, s.priv.rules.rows, 2)
	assert.Equal(t, "bank|1password", s.priv.rules.rows[0].pattern.Text)
	assert.Equal(t, "Redact", s.priv.rules.rows[1].action.Selected)

	t.Run("invalid pattern flagged inline", func(t *testing.T) {
		s.priv.rules.rows[0].pattern.SetText("bank(")
		assert.True(t, s.priv.rules.rows[0].problem.Visible())
		assert.Contains(t, s.priv.rules.rows[0].problem.Text, "pattern")
		assert.True(t, s.save.Disabled())
		s.priv.rules.rows[0].pattern.SetText("bank|1password")
		assert.False(t, s.priv.rules.rows[0].problem.Visible())
	})
	tapCheck(s.priv.incognito)
	s.Save()
	require.Len(t, saved, 1, s.summary.Text)
	assert.Equal(t, c.Privacy.Rules, saved[0].Privacy.Rules)
	assert.False(t, saved[0].Privacy.DropIncognito)
}

func TestSettingsFirstStartOffersDemo(t *testing.T) {
	test.NewTempApp(t)
	var saved []*config.Config
	deps := testDeps(&saved)
	deps.Activity = func(string) ActivitySource {
		return fakeSource{err: assert.AnError}
	}
	demo := false
	s := NewSettings(test.NewTempApp(t), deps, baseConfig(), true)
	s.OnTryDemo = func() { demo = true }
	s.async = inline
	s.Show() // the first Show checks aw-server
	assert.True(t, s.aw.demo.Visible(), "unreachable aw-server on first start offers the demo")
	test.Tap(s.aw.demo)
	assert.True(t, demo)
	assert.Contains(t, s.aw.status.Text, assert.AnError.Error())

	t.Run("reachable lists hosts and buckets", func(t *testing.T) {
		s.deps.Activity = func(string) ActivitySource { return fakeSource{buckets: sampleDay()} }
		s.aw.testConnection()
		assert.False(t, s.aw.demo.Visible())
		assert.Equal(t, []string{"host"}, s.aw.hosts.Options)
		assert.Contains(t, s.aw.buckets.Options, "aw-watcher-afk_host")
		assert.Contains(t, s.aw.status.Text, "3 buckets")
	})
}

func TestSettingsAutostart(t *testing.T) {
	var saved []*config.Config
	a := &Autostart{Path: t.TempDir() + "/autostart/awcal.desktop", Exec: "/opt/awcal/awcal"}
	test.NewTempApp(t)
	deps := testDeps(&saved)
	deps.Autostart = a
	s := NewSettings(test.NewTempApp(t), deps, baseConfig(), false)
	s.async = inline
	require.NotNil(t, s.sync.autostart)
	assert.False(t, s.sync.autostart.Checked)
	tapCheck(s.sync.autostart)
	s.Save()
	require.Len(t, saved, 1, s.summary.Text)
	assert.True(t, a.Enabled())
}

func TestDescribeNamesProfiles(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	for path, want := range map[string]string{
		"$.profiles[1].primary[0].pattern": "Research → primary rule 1: pattern: bad",
		"$.profiles[0].hardBreak[2].field": "Coding → hard-break rule 3: field: bad",
		"$.profiles[0].supporting[1]":      "Coding → supporting rule 2: bad",
		"$.profiles[1].softBreak":          "Research → soft break: bad",
		"$.profiles[1]":                    "Research: bad",
		"$.profiles[7].name":               "Profile 8 → name: bad",
		"$.sync.intervalMinutes":           "Sync → every (minutes): bad",
		"$.activitywatch.url":              "ActivityWatch → aw-server URL: bad",
		"$.privacy.rules[1].pattern":       "Privacy → rule 2: pattern: bad",
		"$.browsers[0].apps[1]":            "Sync → browser 1: apps: bad",
		"$.somethingNew":                   "somethingNew: bad",
	} {
		assert.Equal(t, want, s.describe(config.Problem{Path: path, Message: "bad"}), path)
	}
}

func TestSettingsImportPrivacyFilters(t *testing.T) {
	var saved []*config.Config
	c := baseConfig()
	c.Privacy.Rules = []privacy.Rule{{Bucket: "any", Field: "title", Pattern: "bank", Action: privacy.Drop}}
	s := newTestSettings(t, c, &saved)
	filters := []activitywatch.PrivacyFilter{
		{Enabled: true, BucketPrefix: "aw-watcher-window", Field: "title", Pattern: "(?i)secret chat", Action: "drop"},
		{Enabled: true, BucketPrefix: "aw-watcher-web", Field: "url", Pattern: "mail\\.example", Action: "redact", Replacement: "[mail]"},
		{Enabled: false, Field: "title", Pattern: "diary", Action: "drop"},
		{Enabled: true, Field: "url.host", Pattern: "x", Action: "drop"},
	}
	s.deps.Activity = func(string) ActivitySource {
		return fakeSource{buckets: sampleDay(), settings: activitywatch.Settings{PrivacyFilters: filters}}
	}
	require.True(t, s.priv.importBtn.Visible())

	test.Tap(s.priv.importBtn)
	want, _ := awimport.PrivacyRules(filters, fakeSource{buckets: sampleDay()}.bucketList(), c.Privacy.Rules)
	require.Len(t, want, 2)
	assert.Equal(t, append(c.Privacy.Rules, want...), s.cfg.Privacy.Rules, "added after the existing rules, as the command line converts them")
	require.Len(t, s.priv.rules.rows, 3, "each imported rule has its row in the editor")
	assert.Equal(t, "Redact", s.priv.rules.rows[2].action.Selected)
	assert.Contains(t, s.priv.status.Text, "Added 2 privacy rules")
	assert.Contains(t, s.priv.status.Text, `show as "(private)"`)
	assert.Contains(t, s.priv.status.Text, "Skipped 2:")
	assert.Contains(t, s.priv.status.Text, "disabled in ActivityWatch")
	assert.False(t, s.priv.importBtn.Disabled())

	t.Run("again adds nothing", func(t *testing.T) {
		test.Tap(s.priv.importBtn)
		assert.Len(t, s.cfg.Privacy.Rules, 3)
		assert.Contains(t, s.priv.status.Text, "No new privacy rules to import.")
		assert.Contains(t, s.priv.status.Text, "already among the privacy rules")
	})
	t.Run("saved with the config", func(t *testing.T) {
		s.Save()
		require.Len(t, saved, 1, s.summary.Text)
		assert.Equal(t, s.cfg.Privacy.Rules, saved[0].Privacy.Rules)
	})
	t.Run("no filters stored", func(t *testing.T) {
		s.deps.Activity = func(string) ActivitySource { return fakeSource{buckets: sampleDay()} }
		test.Tap(s.priv.importBtn)
		assert.Equal(t, "aw-server stores no privacy filters: nothing to import.", s.priv.status.Text)
	})
	t.Run("aw-server unreachable", func(t *testing.T) {
		s.deps.Activity = func(string) ActivitySource { return fakeSource{err: errors.New("aw-server is not reachable")} }
		test.Tap(s.priv.importBtn)
		assert.Equal(t, "Import failed: aw-server is not reachable", s.priv.status.Text)
		assert.Len(t, s.cfg.Privacy.Rules, 3)
	})
}

// purgeCalls records the calls of Deps.PurgeProfile and of Save, in order.
type purgeCalls struct {
	calls []string
	count int
	err   error
}

func (p *purgeCalls) purge(_ context.Context, id string, dryRun bool) (int, error) {
	if dryRun {
		p.calls = append(p.calls, "count "+id)
		return p.count, p.err
	}
	p.calls = append(p.calls, "purge "+id)
	return p.count, p.err
}

// newPurgeSettings is a settings window whose saves and purges are recorded in one list.
func newPurgeSettings(t *testing.T, pc *purgeCalls) (*Settings, *[]*config.Config) {
	t.Helper()
	saved := &[]*config.Config{}
	s := newTestSettings(t, baseConfig(), saved)
	save := s.deps.Save
	s.deps.Save = func(c *config.Config) error {
		pc.calls = append(pc.calls, "save")
		return save(c)
	}
	s.deps.PurgeProfile = pc.purge
	s.profiles.deps = s.deps
	return s, saved
}

// deleteCoding deletes the selected first profile ("Coding") through the confirmation.
func deleteCoding(t *testing.T, s *Settings) {
	t.Helper()
	s.profiles.list.Select(0)
	test.Tap(s.profiles.del)
	assert.Contains(t, dialogText(s.win), `Delete "Coding"?`)
	tapDialogButton(t, s.win, "Delete")
}

func TestSettingsDeletedProfileEventsGoAfterSave(t *testing.T) {
	pc := &purgeCalls{count: 12}
	s, saved := newPurgeSettings(t, pc)

	deleteCoding(t, s)
	assert.Equal(t, []string{"Research"}, names(s.cfg.Profiles))
	assert.Equal(t, []string{"count p-code"}, pc.calls, "the count is a dry run")
	text := dialogText(s.win)
	assert.Contains(t, text, "Also delete its 12 past events from the calendar?")
	assert.Contains(t, text, "after you press Save", "the dialog says when")
	tapDialogButton(t, s.win, "Delete after Save")
	assert.Equal(t, []string{"count p-code"}, pc.calls, "nothing is deleted before the profile is gone from the saved config")
	assert.Contains(t, s.profiles.status.Text, "will be deleted when you press Save")

	var order []string
	s.OnSaved = func(*config.Config) { order = append(order, "app has the new config") }
	s.Save()
	require.Len(t, *saved, 1, s.summary.Text)
	assert.Equal(t, []string{"count p-code", "save", "purge p-code"}, pc.calls)
	assert.Equal(t, []string{"app has the new config"}, order)
	assert.Equal(t, `Deleted 12 past events of "Coding" from the calendar.`, s.profiles.status.Text)

	s.Save()
	assert.Equal(t, []string{"count p-code", "save", "purge p-code", "save"}, pc.calls, "a purge runs once")
}

func TestSettingsDeletedProfileEventsKept(t *testing.T) {
	for _, tc := range []struct {
		name   string
		count  int
		err    error
		answer string // the button tapped in the second dialog, "" when none opens
		status string
	}{
		{"no events", 0, nil, "", `"Coding" has no events in the calendar.`},
		{"kept", 3, nil, "Keep them", `The past events of "Coding" stay in the calendar.`},
		{"count failed", 0, errors.New("the calendar file is locked"), "",
			`Could not count the past events of "Coding" (the calendar file is locked). They stay in the calendar; 'awcal profiles purge --profile p-code' deletes them later.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pc := &purgeCalls{count: tc.count, err: tc.err}
			s, saved := newPurgeSettings(t, pc)
			deleteCoding(t, s)
			if tc.answer != "" {
				tapDialogButton(t, s.win, tc.answer)
			} else {
				assert.Empty(t, dialogText(s.win), "no question to ask")
			}
			assert.Equal(t, tc.status, s.profiles.status.Text)
			s.Save()
			require.Len(t, *saved, 1, s.summary.Text)
			assert.Equal(t, []string{"count p-code", "save"}, pc.calls, "nothing deleted")
		})
	}
}

func TestSettingsPurgeSkippedWhenTheCalendarChanges(t *testing.T) {
	pc := &purgeCalls{count: 4}
	s, saved := newPurgeSettings(t, pc)
	deleteCoding(t, s)
	tapDialogButton(t, s.win, "Delete after Save")
	s.cal.icsPath.SetText("/tmp/awcal-test/other.ics")
	s.Save()
	require.Len(t, *saved, 1, s.summary.Text)
	assert.Equal(t, []string{"count p-code", "save"}, pc.calls, "never deleted from a calendar they were not counted in")
	assert.Contains(t, s.profiles.status.Text, "were not deleted")
}

func TestSettingsPurgeFailureSaysHowToFinish(t *testing.T) {
	pc := &purgeCalls{count: 4}
	s, _ := newPurgeSettings(t, pc)
	deleteCoding(t, s)
	tapDialogButton(t, s.win, "Delete after Save")
	pc.err = errors.New("writing the calendar: the CalDAV server did not answer")
	s.Save()
	assert.Equal(t, []string{"count p-code", "save", "purge p-code"}, pc.calls)
	assert.Contains(t, s.profiles.status.Text, "the CalDAV server did not answer")
	assert.Contains(t, s.profiles.status.Text, "'awcal profiles purge --profile p-code' finishes the job")
}

func TestSettingsNoPurgeOffer(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	require.Nil(t, s.deps.PurgeProfile)
	deleteCoding(t, s)
	assert.Equal(t, []string{"Research"}, names(s.cfg.Profiles))
	assert.Empty(t, dialogText(s.win))
}

func TestSettingsSubscriptionFeed(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	f := s.cal.feed
	require.False(t, f.enabled.Checked, "the feed is opt-in")
	assert.True(t, f.port.Disabled())
	assert.True(t, f.copy.Disabled())
	assert.Empty(t, f.url.Text)

	tapCheck(f.enabled)
	assert.True(t, s.cfg.Feed.Enabled)
	assert.False(t, f.copy.Disabled())
	assert.Equal(t, "http://127.0.0.1:5680/awcal.ics", f.url.Text)

	tapCheck(f.token)
	require.Regexp(t, `^[A-Za-z0-9_-]{22}$`, s.cfg.Feed.Token)
	assert.Equal(t, "http://127.0.0.1:5680/"+s.cfg.Feed.Token+"/awcal.ics", f.url.Text)

	f.port.SetText("56801")
	assert.Equal(t, 56801, s.cfg.Feed.Port)
	test.Tap(f.copy)
	assert.Equal(t, "http://127.0.0.1:56801/"+s.cfg.Feed.Token+"/awcal.ics", fyne.CurrentApp().Clipboard().Content())
	assert.Contains(t, f.status.Text, "Subscription URL copied")

	s.Save()
	require.Len(t, saved, 1, "summary: %s", s.summary.Text)
	assert.Equal(t, config.Feed{Enabled: true, Port: 56801, Token: s.cfg.Feed.Token}, saved[0].Feed)

	f.port.SetText("80")
	s.Save()
	assert.Len(t, saved, 1, "a privileged port is refused")
	assert.Contains(t, f.port.Validate().Error(), "must be a port from 1024 to 65535")

	tapCheck(f.token)
	assert.Empty(t, s.cfg.Feed.Token, "unticking forgets the token")
}

func TestCopyFeedURLSaysWhatToDo(t *testing.T) {
	a := test.NewTempApp(t)
	c := *baseConfig()
	assert.Contains(t, CopyFeedURL(a, c), "turn it on in Settings → Calendar")
	assert.Empty(t, a.Clipboard().Content())
	c.Calendar = config.Calendar{Kind: config.CalendarCalDAV, URL: "https://dav.example.com/"}
	c.Feed.Enabled = true
	assert.Contains(t, CopyFeedURL(a, c), "subscribe calendar apps to the CalDAV calendar itself")
	assert.Empty(t, a.Clipboard().Content())
}

// memKeyring is an OS keyring in memory.
type memKeyring map[string]string

func (m memKeyring) keyring() Keyring {
	return Keyring{
		Get: func(a string) (string, error) {
			if p, ok := m[a]; ok {
				return p, nil
			}
			return "", secret.ErrNotFound
		},
		Set:    func(a, p string) error { m[a] = p; return nil },
		Delete: func(a string) error { delete(m, a); return nil },
	}
}

func TestSettingsSaveIsAllOrNothing(t *testing.T) {
	const url = "https://dav.example.com/"
	account := secret.Account("ann", url)
	for _, tc := range []struct {
		name   string
		before memKeyring
	}{
		{"a previous password comes back", memKeyring{account: "old-pw"}},
		{"a first password goes again", memKeyring{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var saved []*config.Config
			s := newTestSettings(t, baseConfig(), &saved)
			keys := memKeyring{}
			for k, v := range tc.before {
				keys[k] = v
			}
			s.deps.SetPassword = keys.keyring().setPassword
			s.deps.Save = func(*config.Config) error { return errors.New("writing config.json: disk full") }
			s.cal.kind.SetSelected(calendarCalDAV)
			s.cal.davURL.SetText(url)
			s.cal.davUser.SetText("ann")
			test.Type(s.cal.davPass, "new-pw")
			s.Save()
			assert.Equal(t, tc.before, keys, "a config that could not be written leaves the keyring as it was")
			assert.Contains(t, s.summary.Text, "disk full")
			assert.Contains(t, s.summary.Text, "previous one again")

			// Once the config can be written, the same Save stores both.
			s.deps.Save = func(c *config.Config) error { saved = append(saved, c); return nil }
			s.Save()
			require.Len(t, saved, 1, s.summary.Text)
			assert.Equal(t, memKeyring{account: "new-pw"}, keys)
		})
	}
}

func TestSettingsDiscoverDropsStaleAnswers(t *testing.T) {
	s := newTestSettings(t, baseConfig(), new([]*config.Config))
	var pending []func()
	s.async = func(f func()) { pending = append(pending, f) }
	s.deps.Discover = func(_ context.Context, c config.Calendar, _ string) ([]CalendarChoice, error) {
		return []CalendarChoice{{Path: "/cal/", Name: "Calendar on " + c.URL}}, nil
	}
	s.cal.kind.SetSelected(calendarCalDAV)
	s.cal.davUser.SetText("ann")
	s.cal.davURL.SetText("https://old.example.com/")
	s.cal.discover()
	s.cal.davURL.SetText("https://new.example.com/")
	s.cal.discover()
	require.Len(t, pending, 2)
	pending[1]()
	pending[0]() // the first server answers last
	assert.Equal(t, []string{"Calendar on https://new.example.com/"}, s.cal.davCal.Options)

	// An answer for a server edited away since is dropped as well.
	pending = nil
	s.cal.discover()
	s.cal.davUser.SetText("bob")
	pending[0]()
	assert.Equal(t, []string{"Calendar on https://new.example.com/"}, s.cal.davCal.Options)
	assert.Equal(t, "https://new.example.com/", s.cfg.Calendar.URL)
}

func TestSettingsClosingTheWindowCancelsItsReads(t *testing.T) {
	s := newTestSettings(t, baseConfig(), new([]*config.Config))
	var pending []func()
	s.async = func(f func()) { pending = append(pending, f) }
	var seen []error
	s.deps.Discover = func(ctx context.Context, _ config.Calendar, _ string) ([]CalendarChoice, error) {
		seen = append(seen, ctx.Err())
		return nil, ctx.Err()
	}
	s.cal.kind.SetSelected(calendarCalDAV)
	s.checked = true // no automatic aw-server check on Show
	s.Show()
	s.cal.discover()
	// The window's Close button and its title bar's close both do this; the calendar kind was
	// edited, so it asks first.
	s.close()
	tapDialogButton(t, s.win, "Close without saving")
	require.Len(t, pending, 1)
	pending[0]()
	require.Len(t, seen, 1)
	assert.ErrorIs(t, seen[0], context.Canceled, "the read started for the window stops when it closes")

	// Shown again, the window's reads run.
	s.Show()
	s.cal.kind.SetSelected(calendarCalDAV)
	s.cal.discover()
	pending[len(pending)-1]() // after the aw-server check of a Show after a discard
	require.Len(t, seen, 2)
	assert.NoError(t, seen[1])
}

func TestSettingsReviewSelector(t *testing.T) {
	var saved []*config.Config
	c := baseConfig()
	c.Sync.Review = config.ReviewTentative
	s := newTestSettings(t, c, &saved)
	assert.Equal(t, reviewLabels[1].label, s.sync.review.Selected, "the configured mode is shown")
	s.sync.review.SetSelected(reviewLabels[2].label)
	s.Save()
	require.Len(t, saved, 1, "summary: %s", s.summary.Text)
	assert.Equal(t, config.ReviewHold, saved[0].Sync.Review)
}

func TestSettingsImportAlwaysActivePattern(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	cats := []activitywatch.Category{{Name: []string{"Calls"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "zoom"}}}
	// The profile editor keeps its own copy of the window's services.
	s.profiles.deps.Activity = func(string) ActivitySource {
		return fakeSource{buckets: sampleDay(), settings: activitywatch.Settings{Categories: cats, AlwaysActivePattern: "zoom|Jitsi Meet"}}
	}

	test.Tap(s.profiles.importAW)
	assert.Equal(t, "zoom|Jitsi Meet", s.cfg.AlwaysActivePattern, "the Import button takes aw-webui's always-active pattern too")
	assert.Contains(t, s.profiles.status.Text, "Always-active pattern set to /zoom|Jitsi Meet/ (was the built-in default for calls).")
	s.Save()
	require.Len(t, saved, 1, s.summary.Text)
	assert.Equal(t, "zoom|Jitsi Meet", saved[0].AlwaysActivePattern)

	t.Run("a pattern RE2 refuses is named and not taken", func(t *testing.T) {
		s.profiles.deps.Activity = func(string) ActivitySource {
			return fakeSource{buckets: sampleDay(), settings: activitywatch.Settings{Categories: cats, AlwaysActivePattern: "call(?=ing)"}}
		}
		test.Tap(s.profiles.importAW)
		assert.Equal(t, "zoom|Jitsi Meet", s.cfg.AlwaysActivePattern)
		assert.Contains(t, s.profiles.status.Text, "always-active pattern /call(?=ing)/ not imported")
	})
}
