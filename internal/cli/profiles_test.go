package cli

import (
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/profile"
)

// awCategories is aw-webui's "classes" setting as aw-server stores it.
var awCategories = []any{
	map[string]any{"name": []any{"Work"}, "rule": map[string]any{"type": nil}, "data": map[string]any{"color": "#0000FF"}},
	map[string]any{"name": []any{"Work", "Programming"}, "rule": map[string]any{"type": "regex", "regex": "Code|vim", "ignore_case": true}},
	map[string]any{"name": []any{"Media", "Video"}, "rule": map[string]any{"type": "regex", "regex": "YouTube"}, "data": map[string]any{"color": "#FF0000"}},
	map[string]any{"name": []any{"Lookahead"}, "rule": map[string]any{"type": "regex", "regex": "foo(?=bar)"}},
	map[string]any{"name": []any{"Uncategorized"}, "rule": map[string]any{"type": "none"}},
}

func profileByID(ps []profile.Profile, id string) (profile.Profile, bool) {
	i := slices.IndexFunc(ps, func(p profile.Profile) bool { return p.ID == id })
	if i < 0 {
		return profile.Profile{}, false
	}
	return ps[i], true
}

func TestProfilesImportAW(t *testing.T) {
	aw, cfgPath, cfg := syncSetup(t)
	aw.SetSettings(map[string]any{"classes": awCategories, "always_active_pattern": "zoom|Microsoft Teams"})
	starters := len(cfg.Profiles)

	before, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	code, stdout, stderr := runCmd(t, nil, "profiles", "import-aw", "--config", cfgPath, "--dry-run")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "aw-work-programming")
	assert.Contains(t, stdout, "Dry run: 2 profiles would be added")
	assert.Contains(t, stdout, "the always-active pattern would be set to /zoom|Microsoft Teams/")
	after, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	assert.Equal(t, before, after, "a dry run saves nothing")

	code, stdout, stderr = runCmd(t, nil, "profiles", "import-aw", "--config", cfgPath)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "Added 2 profiles")
	assert.Contains(t, stdout, "Always-active pattern set to /zoom|Microsoft Teams/")
	assert.Contains(t, stderr, `Skipped "Lookahead"`, "a JavaScript-only regex is reported, not imported")
	got, err := config.Load(cfgPath)
	require.NoError(t, err)
	require.Len(t, got.Profiles, starters+2)
	assert.Equal(t, "zoom|Microsoft Teams", got.AlwaysActivePattern, "aw-webui's always-active pattern is imported")

	prog, ok := profileByID(got.Profiles, "aw-work-programming")
	require.True(t, ok)
	assert.Equal(t, "Work > Programming", prog.Name)
	assert.Equal(t, "Work", prog.Category)
	assert.Equal(t, "#0000FF", prog.Color, "a sub-category inherits its parent's colour")
	assert.Equal(t, []profile.Rule{
		{Bucket: "window", Field: "app", Pattern: "Code|vim", Regex: true},
		{Bucket: "window", Field: "title", Pattern: "Code|vim", Regex: true},
	}, prog.Primary)
	assert.Equal(t, []profile.Rule{{Bucket: "web", Field: "title", Pattern: "Code|vim", Regex: true}}, prog.Supporting)
	assert.True(t, prog.Enabled)

	video, ok := profileByID(got.Profiles, "aw-media-video")
	require.True(t, ok)
	assert.Equal(t, "#FF0000", video.Color)
	assert.Equal(t, "(?-i)YouTube", video.Primary[0].Pattern, "aw-webui's case-sensitive regex stays case-sensitive")
	m, err := video.Primary[0].Compile()
	require.NoError(t, err)
	assert.True(t, m.Match("currentwindow", map[string]any{"app": "YouTube"}))
	assert.False(t, m.Match("currentwindow", map[string]any{"app": "youtube"}))

	// The person edits an imported profile; importing again adds nothing and changes nothing.
	prog.Threshold = 9
	for i := range got.Profiles {
		if got.Profiles[i].ID == prog.ID {
			got.Profiles[i] = prog
		}
	}
	require.NoError(t, config.Save(cfgPath, got))
	code, stdout, stderr = runCmd(t, nil, "profiles", "import-aw", "--config", cfgPath)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "No new categories")
	again, err := config.Load(cfgPath)
	require.NoError(t, err)
	assert.Equal(t, got.Profiles, again.Profiles)
}

func TestProfilesImportAWErrors(t *testing.T) {
	aw, cfgPath, _ := syncSetup(t)
	code, _, stderr := runCmd(t, nil, "profiles")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "import-aw")
	code, stdout, _ := runCmd(t, nil, "profiles", "--help")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, stdout, "import-aw")

	aw.SetFault(awtest.Fault{Status: 500})
	code, _, stderr = runCmd(t, nil, "profiles", "import-aw", "--config", cfgPath)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, stderr, "500")
}

func TestProfilesImportAWAlwaysActiveRE2Refuses(t *testing.T) {
	aw, cfgPath, _ := syncSetup(t)
	aw.SetSettings(map[string]any{"always_active_pattern": "call(?!back)"})
	before, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	code, stdout, stderr := runCmd(t, nil, "profiles", "import-aw", "--config", cfgPath)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stderr, "Skipped always-active pattern /call(?!back)/ not imported", "a JavaScript-only pattern is reported")
	assert.Contains(t, stdout, "No new categories")
	after, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing to import saves nothing")
}
