package config

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/profile"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// writeFile writes a config, its "@ROOT@" paths expanded (see abs), into a fresh temp folder
// and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(path, expandRoot(t, []byte(content)), 0o600))
	return path
}

// problemsOf returns "path: message" for every problem of a *ValidationError.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve, "want a *ValidationError, got %v", err)
	return ve.Problems
}

func TestLoadValidFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c, err := Load(fixture(t, "valid/"+filepath.Base(f)))
			require.NoError(t, err)
			assert.Equal(t, CurrentVersion, c.Version)
			assert.NoError(t, c.Validate(), "a loaded config is valid")
		})
	}
}

func TestLoadFullFixtureValues(t *testing.T) {
	c, err := Load(fixture(t, "valid/full.json"))
	require.NoError(t, err)
	start := time.Date(2025, 3, 1, 7, 0, 0, 0, time.UTC)
	assert.Equal(t, "http://localhost:5600", c.ActivityWatch.URL)
	assert.Equal(t, []string{"laptop"}, c.ActivityWatch.Hostnames)
	assert.Equal(t, Calendar{Kind: CalendarCalDAV, URL: "https://dav.example.com/dav/", Username: "ann",
		CalendarPath: "/dav/calendars/ann/activity/", TrustedCertificate: "/etc/awcal/dav.pem"}, c.Calendar)
	require.NotNil(t, c.Sync.CustomStart)
	assert.True(t, start.Equal(*c.Sync.CustomStart), "customStart is %v", c.Sync.CustomStart)
	assert.Equal(t, 4*time.Hour+30*time.Minute, c.ContinuityCap())
	assert.Equal(t, 5*time.Minute, c.Interval())
	assert.False(t, c.AFKMasking)
	assert.Equal(t, `(?i)\b(zoom|teams)\b`, c.AlwaysActivePattern)
	assert.Equal(t, []privacy.Rule{
		{Bucket: "web", Field: "url", Pattern: "bank", Action: privacy.Drop},
		{Bucket: "window", Field: "title", Pattern: "^Signal", Regex: true, Action: privacy.Redact},
	}, c.Privacy.Rules)
	require.Len(t, c.Profiles, 1)
	assert.Equal(t, profile.Rule{Bucket: "afk", Field: "status", Pattern: "afk"}, c.Profiles[0].Supporting[0])
	assert.Nil(t, c.Profiles[0].HardBreak, "an empty list is nil in memory")
}

func TestLoadMissingKeysTakeDefaults(t *testing.T) {
	c, err := Load(fixture(t, "valid/minimal.json"))
	require.NoError(t, err)
	want := defaults(abs("/home/ann/.local/share/awcal/activity.ics"))
	assert.Equal(t, want, *c)
}

func TestLoadProfileElementDefaults(t *testing.T) {
	path := writeFile(t, `{"version": 1, "calendar": {"kind": "ics", "path": "@ROOT@/a.ics"},
		"profiles": [{"id": "p1", "name": "Coding", "primary": [{"bucket": "window", "pattern": "code"}]}]}`)
	c, err := Load(path)
	require.NoError(t, err)
	require.Len(t, c.Profiles, 1)
	p := c.Profiles[0]
	assert.True(t, p.Enabled, "a profile without \"enabled\" is enabled")
	assert.Equal(t, profile.DefaultThreshold, p.Threshold)
	assert.Equal(t, profile.DefaultSoftBreak, p.SoftBreak)
	assert.Equal(t, profile.DefaultTitleTemplate, p.TitleTemplate)
	assert.Equal(t, profile.DefaultCategory, p.Category)
	assert.Equal(t, []profile.Rule{{Bucket: "window", Pattern: "code"}}, p.Primary)
}

func TestLoadProblems(t *testing.T) {
	const ics = `"calendar": {"kind": "ics", "path": "@ROOT@/a.ics"}`
	tests := []struct {
		name string
		json string
		want []string // "path: message" prefixes, in order
	}{
		{"unknown key with a suggestion", `{"version": 1, ` + ics + `, "sync": {"stratgy": "custom"}}`,
			[]string{`$.sync.stratgy: unknown key (did you mean "strategy"?)`}},
		{"unknown key far from any", `{"version": 1, ` + ics + `, "colour": "red"}`,
			[]string{`$.colour: unknown key`}},
		{"keys are case-sensitive", `{"version": 1, ` + ics + `, "AFKMasking": true}`,
			[]string{`$.AFKMasking: unknown key (did you mean "afkMasking"?)`}},
		{"odd key is quoted", `{"version": 1, ` + ics + `, "a b": 1}`,
			[]string{`$["a b"]: unknown key`}},
		{"unknown key in a profile rule", `{"version": 1, ` + ics + `, "profiles": [{"id": "a", "name": "A", "primary": [{"pattern": "x", "regexp": true}]}]}`,
			[]string{`$.profiles[0].primary[0].regexp: unknown key (did you mean "regex"?)`}},
		{"duplicate key", `{"version": 1, ` + ics + `, "afkMasking": true, "afkMasking": false}`,
			[]string{`$.afkMasking: duplicate key`}},
		{"wrong types, all reported", `{"version": 1, ` + ics + `, "afkMasking": "yes", "sync": {"intervalMinutes": "10", "autoSync": 1}, "browsers": {}}`,
			[]string{`$.afkMasking: must be true or false`, `$.sync.intervalMinutes: must be a number`,
				`$.sync.autoSync: must be true or false`, `$.browsers: must be a list`}},
		{"null scalar", `{"version": 1, ` + ics + `, "afkMasking": null}`,
			[]string{`$.afkMasking: must be true or false`}},
		{"bad time", `{"version": 1, ` + ics + `, "sync": {"strategy": "custom", "customStart": "yesterday", "customEnd": "2025-01-01T00:00:00Z"}}`,
			[]string{`$.sync.customStart: must be an RFC 3339 time`}},
		{"number out of range", `{"version": 1, ` + ics + `, "sync": {"intervalMinutes": 1e999}}`,
			[]string{`$.sync.intervalMinutes: number out of range`}},
		{"interval below 1", `{"version": 1, ` + ics + `, "sync": {"intervalMinutes": 0.5}}`,
			[]string{`$.sync.intervalMinutes: must be ≥ 1`}},
		{"interval above a day", `{"version": 1, ` + ics + `, "sync": {"intervalMinutes": 1441}}`,
			[]string{`$.sync.intervalMinutes: must be ≤ 1440`}},
		{"unknown review mode", `{"version": 1, ` + ics + `, "sync": {"review": "ask"}}`,
			[]string{`$.sync.review: must be "off", "tentative" or "hold", not "ask"`}},
		{"lookback and cap", `{"version": 1, ` + ics + `, "sync": {"firstSyncLookbackHours": 0, "continuityCapHours": 49}}`,
			[]string{`$.sync.firstSyncLookbackHours: must be > 0`, `$.sync.continuityCapHours: must be ≤ 48`}},
		{"caldav needs a url", `{"version": 1, "calendar": {"kind": "caldav"}}`,
			[]string{`$.calendar.url: required`}},
		{"ics needs a path", `{"version": 1, "calendar": {"kind": "ics"}}`,
			[]string{`$.calendar.path: required for kind "ics"`}},
		{"relative ics path", `{"version": 1, "calendar": {"kind": "ics", "path": "~/activity.ics"}}`,
			[]string{`$.calendar.path: must be a full path`}},
		{"a missing calendar is an ics calendar without a path", `{"version": 1}`,
			[]string{`$.calendar.path: required for kind "ics"`}},
		{"unknown calendar kind", `{"version": 1, "calendar": {"kind": "webcal"}}`,
			[]string{`$.calendar.kind: must be "ics" or "caldav", not "webcal"`}},
		{"urls parse", `{"version": 1, "activitywatch": {"url": "http://[::1"}, "calendar": {"kind": "caldav", "url": "ftp://x/"}}`,
			[]string{`$.activitywatch.url: is not a valid URL`, `$.calendar.url: must start with http:// or https://`}},
		{"url without host", `{"version": 1, "activitywatch": {"url": "http://"}, ` + ics + `}`,
			[]string{`$.activitywatch.url: must name a host`}},
		{"custom needs both ends", `{"version": 1, ` + ics + `, "sync": {"strategy": "custom"}}`,
			[]string{`$.sync.customStart: required for strategy "custom"`, `$.sync.customEnd: required for strategy "custom"`}},
		{"custom needs start before end", `{"version": 1, ` + ics + `, "sync": {"strategy": "custom", "customStart": "2025-01-02T00:00:00Z", "customEnd": "2025-01-01T00:00:00Z"}}`,
			[]string{`$.sync.customEnd: must be after customStart`}},
		{"empty range", `{"version": 1, ` + ics + `, "sync": {"strategy": "custom", "customStart": "2025-01-01T00:00:00Z", "customEnd": "2025-01-01T01:00:00+01:00"}}`,
			[]string{`$.sync.customEnd: must be after customStart`}},
		{"feed port and token", `{"version": 1, ` + ics + `, "feed": {"enabled": true, "port": 80, "token": "a/b"}}`,
			[]string{`$.feed.port: must be a port from 1024 to 65535`, `$.feed.token: may hold only letters, digits, - and _`}},
		{"unknown strategy", `{"version": 1, ` + ics + `, "sync": {"strategy": "lastChecked"}}`,
			[]string{`$.sync.strategy: must be "last-checked" or "custom", not "lastChecked"`}},
		{"always-active pattern", `{"version": 1, ` + ics + `, "alwaysActivePattern": "(?=zoom)"}`,
			[]string{`$.alwaysActivePattern: invalid regex at position 1`}},
		{"browsers", `{"version": 1, ` + ics + `, "browsers": [{"name": "Firefox", "apps": ["Firefox"]}, {"name": "", "apps": []}, {"name": "edge", "apps": ["msedge", " "]}, {"name": "edge", "apps": ["x"]}]}`,
			[]string{`$.browsers[0].name: must be lower case`, `$.browsers[1].name: required`, `$.browsers[1].apps: needs at least one`,
				`$.browsers[2].apps[1]: empty app name`, `$.browsers[3].name: browser "edge" is listed twice`}},
		{"buckets and hosts", `{"version": 1, ` + ics + `, "activitywatch": {"buckets": ["a", "", "a"], "hostnames": ["h", "h"]}}`,
			[]string{`$.activitywatch.buckets[1]: empty bucket id`, `$.activitywatch.buckets[2]: bucket id "a" is listed twice`,
				`$.activitywatch.hostnames[1]: host name "h" is listed twice`}},
		{"privacy rules", `{"version": 1, ` + ics + `, "privacy": {"rules": [{"pattern": "x", "action": "hide"}, {"pattern": "", "action": "drop"}, {"pattern": "a(b", "regex": true, "action": "redact"}, {"bucket": "browser", "pattern": "x", "action": "drop"}]}}`,
			[]string{`$.privacy.rules[0].action: must be "drop" or "redact", not "hide"`, `$.privacy.rules[1].pattern: pattern is empty`,
				`$.privacy.rules[2].pattern: invalid regex at position 2`, `$.privacy.rules[3].bucket: unknown bucket "browser"`}},
		{"profiles", `{"version": 1, ` + ics + `, "profiles": [
			{"id": "a", "name": "A"},
			{"id": "a", "name": "", "color": "blue", "threshold": -1},
			{"id": "c", "name": "C", "primary": [{"pattern": "x"}, {"pattern": "(ab", "regex": true}], "hardBreak": [{"pattern": ""}]}]}`,
			[]string{`$.profiles[1].id: duplicate id`, `$.profiles[1].name: name is empty`, `$.profiles[1].color: bad colour "blue"`,
				`$.profiles[1].threshold: bad minutes`, `$.profiles[2].primary[1].pattern: invalid regex at position 1`,
				`$.profiles[2].hardBreak[0].pattern: pattern is empty`}},
		{"not an object", `[1, 2]`, []string{`$: must be an object`}},
		{"bad version", `{"version": "1"}`, []string{`$.version: must be a format version from 0 to 1`}},
		{"fractional version", `{"version": 1.5}`, []string{`$.version: must be a format version from 0 to 1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(writeFile(t, tt.json))
			require.Error(t, err)
			assert.Nil(t, c)
			got := problemsOf(t, err)
			require.Len(t, got, len(tt.want), "problems: %v", got)
			for i, w := range tt.want {
				assert.True(t, strings.HasPrefix(got[i].String(), w), "problem %d is %q, want it to start with %q", i, got[i], w)
			}
			assert.Contains(t, err.Error(), "fix the file, or move it away to get a fresh default")
		})
	}
}

func TestLoadProblemLines(t *testing.T) {
	path := writeFile(t, `{
  "version": 1,
  "calendar": {
    "kind": "ics"
  },
  "sync": {
    "stratgy": "custom",
    "intervalMinutes": 0
  }
}
`)
	_, err := Load(path)
	got := problemsOf(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, Problem{Path: "$.calendar.path", Line: 3, Message: got[0].Message}, got[0], "a missing key is reported at its object")
	assert.Equal(t, Problem{Path: "$.sync.stratgy", Line: 7, Message: `unknown key (did you mean "strategy"?)`}, got[1])
	assert.Equal(t, Problem{Path: "$.sync.intervalMinutes", Line: 8, Message: "must be ≥ 1"}, got[2])
	assert.Contains(t, err.Error(), "\n\tline 7: $.sync.stratgy: unknown key")
	assert.Contains(t, err.Error(), path)
}

func TestLoadWrongTypeIsNotAlsoValidated(t *testing.T) {
	// A value of the wrong type keeps its default; validating it would only repeat the problem.
	path := writeFile(t, `{"version": 1, "calendar": {"kind": 3}}`)
	_, err := Load(path)
	got := problemsOf(t, err)
	require.Len(t, got, 2, "%v", got)
	assert.Equal(t, "$.calendar.kind", got[0].Path)
	assert.Equal(t, "must be a string", got[0].Message)
	assert.Equal(t, "$.calendar.path", got[1].Path, "the default kind ics still needs a path")
}

func TestLoadRejectsPasswords(t *testing.T) {
	const secret = "hunter2-do-not-print"
	tests := []struct {
		name, json, path string
	}{
		{"in calendar", `{"version": 1, "calendar": {"kind": "caldav", "url": "https://dav.example.com/", "password": "` + secret + `"}}`, "$.calendar.password"},
		{"at the top", `{"version": 1, "calendar": {"kind": "ics", "path": "@ROOT@/a.ics"}, "caldavPassword": "` + secret + `"}`, "$.caldavPassword"},
		{"in a list element", `{"version": 1, "calendar": {"kind": "ics", "path": "@ROOT@/a.ics"}, "browsers": [{"name": "x", "apps": ["x"], "Password": "` + secret + `"}]}`, "$.browsers[0].Password"},
		{"in an old config", `{"caldav": {"url": "https://dav.example.com/", "password": "` + secret + `"}}`, "$.calendar.password"},
		{"in a url", `{"version": 1, "calendar": {"kind": "caldav", "url": "https://ann:` + secret + `@dav.example.com/"}}`, "$.calendar.url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tt.json))
			got := problemsOf(t, err)
			require.Len(t, got, 1, "%v", got)
			assert.Equal(t, tt.path, got[0].Path)
			assert.Contains(t, got[0].Message, "'awcal password set'")
			assert.NotContains(t, err.Error(), secret, "the password never reaches an error message")
		})
	}
}

func TestLoadSyntaxErrors(t *testing.T) {
	tests := []struct {
		name         string
		json         string
		line, column int
		msg          string
	}{
		{"missing comma", "{\n  \"version\": 1\n  \"sync\": {}\n}", 3, 3, "invalid character"},
		{"trailing comma", "{\n  \"version\": 1,\n}", 3, 1, "invalid character '}'"},
		{"truncated", "{\n  \"version\": 1,\n  \"sync\": {", 3, 12, "unexpected end of file"},
		{"empty", "  \n", 1, 1, "the file is empty"},
		{"data after the end", "{}\n{}", 2, 1, ""},
		{"column counts characters", "{\"é\": 1 x}", 1, 9, "invalid character 'x'"},
		{"bad literal in a nested value", "{\n  \"version\": 1,\n  \"sync\": {\"autoSync\": tru}\n}", 3, 27, "in literal true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.json)
			_, err := Load(path)
			var se *SyntaxError
			require.ErrorAs(t, err, &se, "got %v", err)
			assert.Equal(t, tt.line, se.Line, "line")
			assert.Equal(t, tt.column, se.Column, "column")
			assert.Contains(t, se.Msg, tt.msg)
			assert.Contains(t, err.Error(), path)
			assert.Contains(t, err.Error(), "fix the file, or move it away to get a fresh default")
		})
	}
}

func TestLoadNewerVersion(t *testing.T) {
	_, err := Load(writeFile(t, `{"version": 99, "whatever": {}}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "format version 99")
	assert.Contains(t, err.Error(), "upgrade awcal")
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.json"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestMigrations(t *testing.T) {
	assert.Len(t, migrations, CurrentVersion, "one migration per old version")
	files, err := filepath.Glob("testdata/migrations/v*.json")
	require.NoError(t, err)
	var seen []string
	for _, f := range files {
		if strings.HasSuffix(f, ".golden.json") {
			continue
		}
		seen = append(seen, f)
		t.Run(filepath.Base(f), func(t *testing.T) {
			path := fixture(t, "migrations/"+filepath.Base(f))
			before, err := os.ReadFile(path)
			require.NoError(t, err)
			c, err := Load(path)
			require.NoError(t, err)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, before, after, "Load never rewrites the file")

			got, err := marshal(c)
			require.NoError(t, err)
			golden := strings.TrimSuffix(filepath.Base(f), ".json") + ".golden.json"
			if *update {
				require.NotEqual(t, "windows", runtime.GOOS, "update the golden files on Linux: their paths are written back as @ROOT@/home/…")
				unexpanded := strings.ReplaceAll(string(got), `"/home/`, `"`+rootPlaceholder+`/home/`)
				require.NoError(t, os.WriteFile(filepath.Join("testdata", "migrations", golden), []byte(unexpanded), 0o644))
			}
			goldenPath := fixture(t, "migrations/"+golden)
			want, err := os.ReadFile(goldenPath)
			require.NoError(t, err, "run go test -update to create the golden file")
			assert.Equal(t, string(want), string(got))

			reloaded, err := Load(goldenPath)
			require.NoError(t, err, "the migrated config loads as the current version")
			assert.Equal(t, c, reloaded)
		})
	}
	for v := range CurrentVersion {
		assert.FileExists(t, filepath.Join("testdata", "migrations", "v"+strconv.Itoa(v)+".json"), "a fixture for version %d", v)
	}
	assert.NotEmpty(t, seen)
}

func TestMigrationConflicts(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"caldav and icsFile", `{"caldav": {"url": "https://x/"}, "icsFile": "@ROOT@/a.ics"}`, `$.icsFile: an old config cannot have both`},
		{"caldav and calendar", `{"caldav": {"url": "https://x/"}, "calendar": {"kind": "ics", "path": "@ROOT@/a.ics"}}`, `$.calendar: an old config cannot have "calendar"`},
		{"caldav not an object", `{"caldav": "https://x/", "calendar": {"kind": "ics", "path": "@ROOT@/a.ics"}}`, `$.calendar: an old config cannot have "calendar"`},
		{"caldav a string", `{"caldav": "https://x/"}`, `$.caldav: must be an object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tt.json))
			got := problemsOf(t, err)
			require.NotEmpty(t, got)
			assert.True(t, strings.HasPrefix(got[0].String(), tt.want), "got %v", got)
		})
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	end := start.Add(10 * time.Hour)
	full, err := Load(fixture(t, "valid/full.json"))
	require.NoError(t, err)
	configs := map[string]Config{
		"default": Default(annEnv().get),
		"full":    *full,
		"custom": func() Config {
			c := defaults(abs("/a.ics"))
			c.SetStrategy(StrategyCustom)
			c.Sync.CustomStart, c.Sync.CustomEnd = &start, &end
			c.AlwaysActivePattern = `<zoom> & "teams"`
			return c
		}(),
	}
	for name, c := range configs {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sub", "config.json")
			require.NoError(t, Save(path, &c))
			got, err := Load(path)
			require.NoError(t, err)
			assert.Equal(t, c, *got)

			data, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(data), "{\n  \"version\": 1,\n"), "indented JSON:\n%s", data)
			assert.NotContains(t, string(data), "null", "empty lists are written as []")
			assert.NotContains(t, string(data), `\u003c`, "no HTML escaping")
			if runtime.GOOS != "windows" {
				fi, err := os.Stat(path)
				require.NoError(t, err)
				assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
				di, err := os.Stat(filepath.Dir(path))
				require.NoError(t, err)
				assert.Equal(t, fs.FileMode(0o700), di.Mode().Perm())
			}
		})
	}
}

func TestSaveRejectsInvalidAndWritesNothing(t *testing.T) {
	path := writeFile(t, "previous content")
	c := defaults(abs("/a.ics"))
	c.Sync.IntervalMinutes = 0
	c.ActivityWatch.URL = "not a url"
	err := Save(path, &c)
	got := problemsOf(t, err)
	require.Len(t, got, 2, "%v", got)
	assert.Equal(t, "$.activitywatch.url", got[0].Path)
	assert.Equal(t, "$.sync.intervalMinutes", got[1].Path)
	data, rerr := os.ReadFile(path)
	require.NoError(t, rerr)
	assert.Equal(t, "previous content", string(data))
}

func TestStrategyContract(t *testing.T) {
	const customFile = `{"version": 1, "calendar": {"kind": "ics", "path": "@ROOT@/a.ics"},
		"sync": {"strategy": "custom", "autoSync": true, "customStart": "2025-01-01T00:00:00Z", "customEnd": "2025-01-02T00:00:00Z"}}`

	t.Run("after Load", func(t *testing.T) {
		c, err := Load(writeFile(t, customFile))
		require.NoError(t, err)
		assert.False(t, c.Sync.AutoSync, "custom strategy ⇒ auto sync off, whatever the file says")
		assert.False(t, c.AutoSyncEnabled())
	})
	t.Run("after SetStrategy", func(t *testing.T) {
		c := defaults(abs("/a.ics"))
		require.True(t, c.AutoSyncEnabled())
		c.SetStrategy(StrategyCustom)
		assert.False(t, c.Sync.AutoSync)
		assert.False(t, c.AutoSyncEnabled())
		c.SetStrategy(StrategyLastChecked)
		assert.False(t, c.AutoSyncEnabled(), "switching back leaves auto sync off until the user turns it on")
		c.Sync.AutoSync = true
		assert.True(t, c.AutoSyncEnabled())
	})
	t.Run("after Save", func(t *testing.T) {
		start, end := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
		c := defaults(abs("/a.ics"))
		c.Sync.Strategy = StrategyCustom // set directly, as a careless UI might
		c.Sync.AutoSync = true
		c.Sync.CustomStart, c.Sync.CustomEnd = &start, &end
		path := filepath.Join(t.TempDir(), "config.json")
		require.NoError(t, Save(path, &c))
		assert.False(t, c.Sync.AutoSync, "Save normalises the caller's config too")
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Contains(t, string(data), `"autoSync": false`)
	})
}

func TestAutoSyncEnabled(t *testing.T) {
	tests := []struct {
		strategy string
		autoSync bool
		want     bool
	}{
		{StrategyLastChecked, true, true},
		{StrategyLastChecked, false, false},
		{StrategyCustom, true, false}, // an unnormalised config still never auto-syncs
		{StrategyCustom, false, false},
	}
	for _, tt := range tests {
		c := Config{Sync: Sync{Strategy: tt.strategy, AutoSync: tt.autoSync}}
		assert.Equal(t, tt.want, c.AutoSyncEnabled(), "%s, autoSync %v", tt.strategy, tt.autoSync)
	}
}

func TestLoadOrCreate(t *testing.T) {
	env := annEnv()
	env["XDG_DATA_HOME"] = abs("/data")

	t.Run("first run writes the default", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "awcal", "config.json")
		c, created, err := LoadOrCreate(path, env.get)
		require.NoError(t, err)
		assert.True(t, created)
		assert.Equal(t, Default(env.get), *c)
		assert.Equal(t, perOS(filepath.Join(abs("/data"), "awcal", "activity.ics"),
			filepath.Join(abs("/home/ann"), "Library", "Application Support", "awcal", "activity.ics"),
			`C:\Users\ann\AppData\Local\awcal\activity.ics`), c.Calendar.Path)
		if runtime.GOOS != "windows" {
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
			di, err := os.Stat(filepath.Dir(path))
			require.NoError(t, err)
			assert.Equal(t, fs.FileMode(0o700), di.Mode().Perm())
		}

		again, created, err := LoadOrCreate(path, env.get)
		require.NoError(t, err)
		assert.False(t, created, "the second run loads the file")
		assert.Equal(t, c, again)
	})

	t.Run("no data folder puts the calendar beside the config", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "config.json")
		c, created, err := LoadOrCreate(path, mapEnv{}.get)
		require.NoError(t, err)
		assert.True(t, created)
		assert.Equal(t, filepath.Join(filepath.Dir(path), "activity.ics"), c.Calendar.Path)
	})

	broken := map[string]string{
		"syntax":  `{"version": 1,`,
		"invalid": `{"version": 1, "sync": {"intervalMinutes": -1}}`,
		"newer":   `{"version": 2}`,
	}
	for name, content := range broken {
		t.Run("a broken file is kept: "+name, func(t *testing.T) {
			path := writeFile(t, content)
			c, created, err := LoadOrCreate(path, env.get)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.False(t, created)
			data, rerr := os.ReadFile(path)
			require.NoError(t, rerr)
			assert.Equal(t, content, string(data), "the file is neither reset nor rewritten")
		})
	}
}

func TestDefault(t *testing.T) {
	c := Default(annEnv().get)
	assert.Equal(t, CurrentVersion, c.Version)
	assert.Equal(t, "http://127.0.0.1:5600", c.ActivityWatch.URL)
	wantPath := perOS(filepath.Join(abs("/home/ann"), ".local", "share", "awcal", "activity.ics"),
		filepath.Join(abs("/home/ann"), "Library", "Application Support", "awcal", "activity.ics"),
		`C:\Users\ann\AppData\Local\awcal\activity.ics`)
	assert.Equal(t, Calendar{Kind: CalendarICS, Path: wantPath}, c.Calendar)
	assert.Equal(t, Sync{Strategy: StrategyLastChecked, AutoSync: true, IntervalMinutes: 10, FirstSyncLookbackHours: 24, ContinuityCapHours: 6, Review: ReviewOff}, c.Sync)
	assert.Equal(t, 10*time.Minute, c.Interval())
	assert.Equal(t, 24*time.Hour, c.FirstSyncLookback())
	assert.Equal(t, 6*time.Hour, c.ContinuityCap())
	assert.True(t, c.AFKMasking)
	assert.True(t, c.AutoSyncEnabled())
	assert.Equal(t, privacy.Settings{DropIncognito: true}, c.Privacy)
	assert.Equal(t, profile.Starters(), c.Profiles)
	assert.NoError(t, c.Validate())

	names := make([]string, len(c.Browsers))
	for i, b := range c.Browsers {
		names[i] = b.Name
	}
	assert.IsIncreasing(t, names, "browsers sorted by name")
	for _, want := range []string{"firefox", "chrome", "chromium", "edge", "brave", "opera", "vivaldi", "safari", "arc"} {
		assert.Contains(t, names, want)
	}
	assert.Equal(t, activity.DefaultBrowsers(), c.BrowserTable(), "the engine's table, one copy")
}

func TestBrowserTable(t *testing.T) {
	assert.Nil(t, Config{}.BrowserTable(), "no browsers: the engine's built-in table")
	c := Config{Browsers: []Browser{{Name: "firefox", Apps: []string{"Firefox"}}}}
	table := c.BrowserTable()
	assert.Equal(t, map[string][]string{"firefox": {"Firefox"}}, table)
	table["firefox"][0] = "changed"
	assert.Equal(t, "Firefox", c.Browsers[0].Apps[0], "the table is a copy")
}

func TestDurations(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		unit time.Duration
		want time.Duration
	}{
		{"fractional minutes", 2.5, time.Minute, 150 * time.Second},
		{"zero", 0, time.Hour, 0},
		{"negative", -1, time.Hour, 0},
		{"huge", 1e300, time.Hour, time.Duration(1<<63 - 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, duration(tt.in, tt.unit))
		})
	}
}

// TestDecoderCoversConfig walks the Config type: every field must be of a kind the strict
// decoder handles, so that a new field cannot reach users as "unsupported type".
func TestDecoderCoversConfig(t *testing.T) {
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		if typ == timeType {
			return
		}
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice:
			walk(path+"[]", typ.Elem())
		case reflect.Struct:
			for i := range typ.NumField() {
				walk(path+"."+typ.Field(i).Name, typ.Field(i).Type)
			}
		case reflect.String, reflect.Bool, reflect.Float64, reflect.Int:
		default:
			t.Errorf("%s: kind %s is not decoded", path, typ.Kind())
		}
	}
	walk("Config", reflect.TypeFor[Config]())
}

func TestValidationErrorMessage(t *testing.T) {
	e := &ValidationError{Problems: []Problem{{Path: "$.a", Message: "bad"}}}
	assert.Equal(t, "invalid config, 1 problem:\n\t$.a: bad", e.Error())
	e = &ValidationError{File: "/c.json", Problems: []Problem{{Path: "$.a", Line: 2, Message: "bad"}, {Path: "$.b", Message: "worse"}}}
	assert.Equal(t, "config /c.json has 2 problems (fix the file, or move it away to get a fresh default):\n\tline 2: $.a: bad\n\t$.b: worse", e.Error())
	assert.True(t, errors.As(error(e), new(*ValidationError)))
}

// TestLoadKeepsSavedStarterProfiles: a config saved with the starter profiles of an earlier
// version keeps them as they were (templates, soft breaks) when the starters change.
func TestLoadKeepsSavedStarterProfiles(t *testing.T) {
	path := writeFile(t, `{"version": 1, "calendar": {"kind": "ics", "path": "@ROOT@/a.ics"},
		"profiles": [{"id": "coding", "name": "Coding", "category": "Work", "threshold": 5, "softBreak": 3,
		"titleTemplate": "{app} - {title}", "enabled": true,
		"primary": [{"bucket": "window", "field": "app", "pattern": "^(code)$", "regex": true}]}]}`)
	c, err := Load(path)
	require.NoError(t, err)
	require.Len(t, c.Profiles, 1)
	assert.Equal(t, "{app} - {title}", c.Profiles[0].TitleTemplate)
	assert.NotEqual(t, profile.Starters()[0].TitleTemplate, c.Profiles[0].TitleTemplate, "the starter changed since")
	assert.Equal(t, 3.0, c.Profiles[0].SoftBreak)
	assert.NotEqual(t, profile.Starters()[0].SoftBreak, c.Profiles[0].SoftBreak, "the starter's soft break changed since")
}
