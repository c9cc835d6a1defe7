package awimport

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/privacy"
)

// awWebUIDefaults is aw-webui's DEFAULT_PRIVACY_FILTERS (src/util/privacyFilters.ts) as
// aw-server stores the "privacy_filters" setting.
const awWebUIDefaults = `[
  {"enabled": true, "bucket_prefix": "aw-watcher-window", "field": "title",
   "pattern": "(?i)(private browsing|incognito)", "action": "drop"},
  {"enabled": true, "bucket_prefix": "aw-watcher-window", "field": "title",
   "pattern": "(?i).*banking.*", "action": "redact", "replacement": "REDACTED"}
]`

// serverBuckets are the buckets of the fake aw-server: the standard watchers on one host and
// a third-party watcher with its own type.
var serverBuckets = []activity.Bucket{
	{ID: "aw-watcher-window_laptop", Type: activity.TypeWindow, Hostname: "laptop"},
	{ID: "aw-watcher-afk_laptop", Type: activity.TypeAFK, Hostname: "laptop"},
	{ID: "aw-watcher-web-firefox_laptop", Type: activity.TypeWeb, Hostname: "laptop"},
	{ID: "aw-watcher-input_laptop", Type: "os.hid.input", Hostname: "laptop"},
}

// fromServer stores filters (JSON as aw-webui writes it) in a fake aw-server, reads them back
// through the client as the CLI and the settings window do, and imports them.
func fromServer(t *testing.T, filtersJSON string, existing []privacy.Rule) ([]privacy.Rule, []string) {
	t.Helper()
	aw := awtest.New(t)
	for _, b := range serverBuckets {
		aw.AddBucket(b)
	}
	var filters any
	require.NoError(t, json.Unmarshal([]byte(filtersJSON), &filters))
	aw.SetSettings(map[string]any{"privacy_filters": filters, "theme": "dark"})
	c := activitywatch.New(aw.URL())
	settings, err := c.Settings(context.Background())
	require.NoError(t, err)
	buckets, err := c.Buckets(context.Background())
	require.NoError(t, err)
	return PrivacyRules(settings.PrivacyFilters, buckets, existing)
}

func TestPrivacyRules(t *testing.T) {
	tests := []struct {
		name     string
		filters  string
		existing []privacy.Rule
		want     []privacy.Rule
		skipped  []string // substrings, one per skipped filter, in order
	}{
		{
			name:    "aw-webui's defaults",
			filters: awWebUIDefaults,
			want: []privacy.Rule{
				{Bucket: "window", Field: "title", Pattern: "(?i)(private browsing|incognito)", Regex: true, Action: privacy.Drop},
				{Bucket: "window", Field: "title", Pattern: "(?i).*banking.*", Regex: true, Action: privacy.Redact},
			},
		},
		{
			name: "case-sensitive patterns stay case-sensitive",
			filters: `[
				{"enabled": true, "field": "title", "pattern": "Bank", "action": "drop"},
				{"enabled": true, "field": "title", "pattern": "(?i:Bank)ing", "action": "drop"},
				{"enabled": true, "field": "title", "pattern": "(?s-i)Vault", "action": "drop"},
				{"enabled": true, "field": "title", "pattern": "(?si)vault", "action": "redact"}
			]`,
			want: []privacy.Rule{
				{Bucket: "any", Field: "title", Pattern: "(?-i)Bank", Regex: true, Action: privacy.Drop},
				{Bucket: "any", Field: "title", Pattern: "(?-i)(?i:Bank)ing", Regex: true, Action: privacy.Drop},
				{Bucket: "any", Field: "title", Pattern: "(?-i)(?s-i)Vault", Regex: true, Action: privacy.Drop},
				{Bucket: "any", Field: "title", Pattern: "(?si)vault", Regex: true, Action: privacy.Redact},
			},
		},
		{
			name: "bucket prefixes become bucket types",
			filters: `[
				{"enabled": true, "bucket_prefix": "aw-watcher-web-firefox", "field": "url", "pattern": "(?i)bank", "action": "drop"},
				{"enabled": true, "bucket_prefix": "aw-watcher-window_laptop", "field": "app", "pattern": "(?i)signal", "action": "redact", "replacement": "x"},
				{"enabled": true, "bucket_prefix": "aw-watcher-vscode", "field": "file", "pattern": "(?i)secret", "action": "redact", "replacement": "x"},
				{"enabled": true, "bucket_prefix": "aw-watcher-input", "field": "presses", "pattern": "(?i)x", "action": "drop"},
				{"enabled": true, "bucket_prefix": "aw-watcher-", "field": "title", "pattern": "(?i)diary", "action": "drop"},
				{"enabled": true, "bucket_prefix": "aw-watcher-android", "field": "app", "pattern": "(?i)tinder", "action": "drop"}
			]`,
			want: []privacy.Rule{
				{Bucket: "web", Field: "url", Pattern: "(?i)bank", Regex: true, Action: privacy.Drop},
				{Bucket: "window", Field: "app", Pattern: "(?i)signal", Regex: true, Action: privacy.Redact},
				{Bucket: "editor", Field: "file", Pattern: "(?i)secret", Regex: true, Action: privacy.Redact},
				{Bucket: "os.hid.input", Field: "presses", Pattern: "(?i)x", Regex: true, Action: privacy.Drop},
				{Bucket: "any", Field: "title", Pattern: "(?i)diary", Regex: true, Action: privacy.Drop},
				{Bucket: "any", Field: "app", Pattern: "(?i)tinder", Regex: true, Action: privacy.Drop},
			},
		},
		{
			name: "filters awcal cannot import are skipped with the reason",
			filters: `[
				{"enabled": false, "bucket_prefix": "aw-watcher-window", "field": "title", "pattern": "(?i)bank", "action": "drop"},
				{"enabled": true, "field": "title", "pattern": "(?i)foo(?=bar)", "action": "drop"},
				{"enabled": true, "bucket_prefix": "my-notes-watcher", "field": "title", "pattern": "x", "action": "drop"},
				{"enabled": true, "bucket_prefix": "aw-watcher-webhook", "field": "title", "pattern": "x", "action": "drop"},
				{"enabled": true, "field": "url.host", "pattern": "(?i)bank", "action": "drop"},
				{"enabled": true, "field": "", "pattern": "x", "action": "drop"},
				{"enabled": true, "field": "title", "pattern": "x", "action": "hide"},
				{"enabled": true, "bucket_prefix": "aw-watcher-window", "field": "title", "pattern": "(?i)ok", "action": "drop"}
			]`,
			want: []privacy.Rule{
				{Bucket: "window", Field: "title", Pattern: "(?i)ok", Regex: true, Action: privacy.Drop},
			},
			skipped: []string{
				`filter 1 (drop title ~ /(?i)bank/ in buckets starting "aw-watcher-window"): disabled in ActivityWatch`,
				`filter 2 (drop title ~ /(?i)foo(?=bar)/ in every bucket): invalid regex at position 8`,
				`filter 3 (drop title ~ /x/ in buckets starting "my-notes-watcher"): bucket prefix "my-notes-watcher" selects no bucket`,
				`filter 4 (drop title ~ /x/ in buckets starting "aw-watcher-webhook"): bucket prefix "aw-watcher-webhook" selects no bucket`,
				`filter 5 (drop url.host ~ /(?i)bank/ in every bucket): field "url.host" is a path into nested data`,
				`filter 6 (drop (no field) ~ /x/ in every bucket): names no field`,
				`filter 7 (hide title ~ /x/ in every bucket): action "hide" is neither drop nor redact`,
			},
		},
		{
			name:    "rules already present are not added again",
			filters: awWebUIDefaults,
			existing: []privacy.Rule{
				{Bucket: "Window", Field: "Title", Pattern: "(?i)(private browsing|incognito)", Regex: true, Action: privacy.Drop},
			},
			want: []privacy.Rule{
				{Bucket: "window", Field: "title", Pattern: "(?i).*banking.*", Regex: true, Action: privacy.Redact},
			},
			skipped: []string{`filter 1 (drop title ~ /(?i)(private browsing|incognito)/ in buckets starting "aw-watcher-window"): already among the privacy rules`},
		},
		{
			name: "two filters that give one rule add it once",
			filters: `[
				{"enabled": true, "bucket_prefix": "aw-watcher-window_laptop", "field": "title", "pattern": "(?i)bank", "action": "drop"},
				{"enabled": true, "bucket_prefix": "aw-watcher-window_desktop", "field": "title", "pattern": "(?i)bank", "action": "drop"}
			]`,
			want: []privacy.Rule{
				{Bucket: "window", Field: "title", Pattern: "(?i)bank", Regex: true, Action: privacy.Drop},
			},
			skipped: []string{`filter 2 (drop title ~ /(?i)bank/ in buckets starting "aw-watcher-window_desktop"): gives the same rule as an earlier filter`},
		},
		{
			name:    "no filters stored",
			filters: `null`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, skipped := fromServer(t, tt.filters, tt.existing)
			assert.Equal(t, tt.want, got)
			require.Len(t, skipped, len(tt.skipped), "skipped: %q", skipped)
			for i, s := range tt.skipped {
				assert.Contains(t, skipped[i], s)
			}
			// Every imported rule is one the config accepts and the filter compiles.
			cfg := config.Default(func(string) string { return "" })
			cfg.Calendar.Path = filepath.Join(t.TempDir(), "activity.ics") // a full path on every OS
			cfg.Privacy.Rules = append(tt.existing, got...)
			require.NoError(t, cfg.Validate())
			_, err := privacy.New(cfg.Privacy)
			require.NoError(t, err)
		})
	}
}

// The imported rules hide what aw-server's filters hide, with aw-server's case sensitivity and
// bucket scope.
func TestPrivacyRulesMatchesLikeAWServer(t *testing.T) {
	rules, skipped := fromServer(t, `[
		{"enabled": true, "bucket_prefix": "aw-watcher-window", "field": "title",
		 "pattern": "(?i)(private browsing|incognito)", "action": "drop"},
		{"enabled": true, "bucket_prefix": "aw-watcher-window", "field": "title",
		 "pattern": "Bank of", "action": "redact", "replacement": "REDACTED"}
	]`, nil)
	require.Empty(t, skipped)
	f := mustFilter(t, privacy.Settings{Rules: rules})

	in := []activity.BucketEvents{
		windowBucket(
			ev(0, map[string]any{"app": "Firefox", "title": "Mail - Mozilla Firefox Private Browsing"}),
			ev(1, map[string]any{"app": "Firefox", "title": "INCOGNITO tab"}),
			ev(2, map[string]any{"app": "Firefox", "title": "Bank of Example — statement"}),
			ev(3, map[string]any{"app": "Firefox", "title": "bank of example (lower case)"}),
		),
		// The window watcher's rules leave the browser watcher's bucket alone.
		webBucket(ev(4, map[string]any{"url": "https://example.com", "title": "Bank of Example incognito"})),
	}
	out, st := f.Apply(in)
	assert.Equal(t, []string{"Firefox", "Firefox"}, values(out[:1], "app"))
	assert.Equal(t, []string{activity.RedactedValue, "bank of example (lower case)"}, values(out[:1], "title"),
		"the case-sensitive filter redacts only the exact case")
	assert.Equal(t, []string{"Bank of Example incognito"}, values(out[1:], "title"))
	assert.Equal(t, 2, st.Dropped)
	assert.Equal(t, 1, st.Redacted)
}

func TestSetsIgnoreCase(t *testing.T) {
	for pattern, want := range map[string]bool{
		"(?i)x":      true,
		"(?is)x":     true,
		"(?s-m)(?i)": false, // only a leading setting counts; "(?-i)" in front is harmless
		"(?-i)x":     false,
		"(?i-i)x":    false,
		"(?i:x)y":    false,
		"(?i":        false,
		"x(?i)":      false,
		"":           false,
	} {
		t.Run(pattern, func(t *testing.T) {
			assert.Equal(t, want, setsIgnoreCase(pattern))
		})
	}
}

func mustFilter(t *testing.T, s privacy.Settings) *privacy.Filter {
	t.Helper()
	f, err := privacy.New(s)
	require.NoError(t, err)
	return f
}

func ev(min int, data map[string]any) activity.Event {
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	return activity.Event{Timestamp: t0.Add(time.Duration(min) * time.Minute), Duration: 60, Data: data}
}

func webBucket(events ...activity.Event) activity.BucketEvents {
	return activity.BucketEvents{Bucket: activity.Bucket{ID: "aw-watcher-web-firefox_host", Type: activity.TypeWeb, Hostname: "host"}, Events: events}
}

func windowBucket(events ...activity.Event) activity.BucketEvents {
	return activity.BucketEvents{Bucket: activity.Bucket{ID: "aw-watcher-window_host", Type: activity.TypeWindow, Hostname: "host"}, Events: events}
}

// values lists the displayed value of key for every event, in order.
func values(bs []activity.BucketEvents, key string) []string {
	var out []string
	for _, b := range bs {
		for _, e := range b.Events {
			out = append(out, fmt.Sprint(privacy.Redacted(e)[key]))
		}
	}
	return out
}
