package cli

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/privacy"
)

// awPrivacyFilters is aw-webui's "privacy_filters" setting as aw-server stores it: aw-webui's
// two default filters, a case-sensitive one, a disabled one and one RE2 rejects.
const awPrivacyFilters = `[
  {"enabled": true, "bucket_prefix": "aw-watcher-window", "field": "title",
   "pattern": "(?i)(private browsing|incognito)", "action": "drop"},
  {"enabled": true, "bucket_prefix": "aw-watcher-window", "field": "title",
   "pattern": "(?i).*banking.*", "action": "redact", "replacement": "REDACTED"},
  {"enabled": true, "field": "title", "pattern": "Therapy", "action": "drop"},
  {"enabled": false, "field": "title", "pattern": "(?i)diary", "action": "drop"},
  {"enabled": true, "field": "title", "pattern": "(?<=Dr\\. )\\w+", "action": "redact", "replacement": "X"}
]`

func TestPrivacyImportAW(t *testing.T) {
	aw, cfgPath, _ := syncSetup(t)
	var filters any
	require.NoError(t, json.Unmarshal([]byte(awPrivacyFilters), &filters))
	aw.SetSettings(map[string]any{"privacy_filters": filters})
	mine := privacy.Rule{Bucket: "web", Field: "url", Pattern: "bank", Action: privacy.Drop}
	cfg, err := config.Load(cfgPath)
	require.NoError(t, err)
	cfg.Privacy.Rules = []privacy.Rule{mine}
	require.NoError(t, config.Save(cfgPath, cfg))

	before, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	code, stdout, stderr := runCmd(t, nil, "privacy", "import-aw", "--config", cfgPath, "--dry-run")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "/(?-i)Therapy/")
	assert.Contains(t, stdout, "Dry run: 3 privacy rules would be added")
	after, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	assert.Equal(t, before, after, "a dry run saves nothing")

	code, stdout, stderr = runCmd(t, nil, "privacy", "import-aw", "--config", cfgPath)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "Added 3 privacy rules")
	assert.Contains(t, stdout, `show as "(private)"`)
	assert.Contains(t, stderr, "Skipped filter 4 (drop title ~ /(?i)diary/ in every bucket): disabled in ActivityWatch")
	assert.Contains(t, stderr, "Skipped filter 5 ")
	assert.Contains(t, stderr, "lookahead and lookbehind are not supported")
	got, err := config.Load(cfgPath)
	require.NoError(t, err)
	assert.Equal(t, []privacy.Rule{
		mine,
		{Bucket: "window", Field: "title", Pattern: "(?i)(private browsing|incognito)", Regex: true, Action: privacy.Drop},
		{Bucket: "window", Field: "title", Pattern: "(?i).*banking.*", Regex: true, Action: privacy.Redact},
		{Bucket: "any", Field: "title", Pattern: "(?-i)Therapy", Regex: true, Action: privacy.Drop},
	}, got.Privacy.Rules, "the person's own rules come first and stay as they were")

	// Importing again adds nothing and changes nothing.
	saved, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	code, stdout, stderr = runCmd(t, nil, "privacy", "import-aw", "--config", cfgPath)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "No new privacy rules")
	assert.Contains(t, stderr, "already among the privacy rules")
	again, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	assert.Equal(t, saved, again)
}

func TestPrivacyImportAWErrors(t *testing.T) {
	aw, cfgPath, _ := syncSetup(t)
	tests := []struct {
		name       string
		args       []string
		fault      *awtest.Fault
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "no subcommand", args: []string{"privacy"}, wantCode: ExitUsage, wantStderr: "import-aw"},
		{name: "help", args: []string{"privacy", "--help"}, wantCode: ExitOK, wantStdout: "import-aw"},
		{name: "stray argument", args: []string{"privacy", "import-aw", "--config", cfgPath, "extra"}, wantCode: ExitUsage, wantStderr: "unexpected arguments"},
		{name: "nothing stored", args: []string{"privacy", "import-aw", "--config", cfgPath}, wantCode: ExitOK, wantStdout: "no privacy filters"},
		{name: "aw-server fails", args: []string{"privacy", "import-aw", "--config", cfgPath}, fault: &awtest.Fault{Status: 500}, wantCode: ExitFailure, wantStderr: "500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw.ClearFault()
			if tt.fault != nil {
				aw.SetFault(*tt.fault)
			}
			before, err := os.ReadFile(cfgPath)
			require.NoError(t, err)
			code, stdout, stderr := runCmd(t, nil, tt.args...)
			assert.Equal(t, tt.wantCode, code, stderr)
			assert.Contains(t, stdout, tt.wantStdout)
			assert.Contains(t, stderr, tt.wantStderr)
			after, err := os.ReadFile(cfgPath)
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
}
