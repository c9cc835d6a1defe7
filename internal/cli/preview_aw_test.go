package cli

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/privacy"
)

func previewAW(t *testing.T, cfgPath string, extra ...string) (int, previewJSON, string) {
	t.Helper()
	args := append([]string{"preview", "--config", cfgPath, "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-02T18:00:00Z", "--json"}, extra...)
	code, stdout, stderr := runCmd(t, nil, args...)
	var out previewJSON
	if code == ExitOK {
		require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	}
	return code, out, stderr
}

type previewBrief struct{ Profile, Title, Category string }

func previewBriefs(out previewJSON) []previewBrief {
	var bs []previewBrief
	for _, b := range out.Blocks {
		bs = append(bs, previewBrief{b.Profile, b.Title, b.Category})
	}
	return bs
}

func TestPreviewFromAWServer(t *testing.T) {
	_, cfgPath, cfg := syncSetup(t)

	code, out, stderr := previewAW(t, cfgPath)
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, []previewBrief{
		{"coding", "Code - main.go", "Work"},
		{"meetings", "Standup", "Meetings"},
		{"coding", "Code - sync.go", "Work"},
	}, previewBriefs(out))
	assert.Equal(t, at(9, 0), out.Blocks[0].Start)
	assert.Equal(t, at(10, 0), out.Blocks[0].End)
	_, err := os.Stat(cfg.Calendar.Path)
	assert.ErrorIs(t, err, os.ErrNotExist, "a preview writes no calendar")
	_, err = os.Stat(config.StatePath(cfgPath))
	assert.ErrorIs(t, err, os.ErrNotExist, "a preview writes no state")

	// The configured privacy rules apply, as in a sync.
	cfg.Privacy.Rules = []privacy.Rule{
		{Bucket: "window", Field: "title", Pattern: "standup", Action: privacy.Drop},
		{Bucket: "window", Field: "title", Pattern: "sync.go", Action: privacy.Redact},
	}
	require.NoError(t, config.Save(cfgPath, cfg))
	code, out, stderr = previewAW(t, cfgPath)
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, []previewBrief{
		{"coding", "Code - main.go", "Work"},
		{"coding", "Code - " + activity.RedactedValue, "Work"},
	}, previewBriefs(out))

	// --profiles replaces the configured profiles.
	profiles := writeFile(t, "p.json", `[{"id": "calls", "name": "Calls", "category": "Calls", "threshold": 1,
		"primary": [{"bucket": "window", "field": "app", "pattern": "zoom"}]}]`)
	cfg.Privacy.Rules = nil
	require.NoError(t, config.Save(cfgPath, cfg))
	code, out, stderr = previewAW(t, cfgPath, "--profiles", profiles)
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, []previewBrief{{"calls", "zoom - Standup", "Calls"}}, previewBriefs(out))

	// The text table.
	code, stdout, stderr := runCmd(t, nil, "preview", "--config", cfgPath, "--from", "2026-03-02", "--to", "2026-03-03")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "Code - main.go")
	assert.Contains(t, stdout, "3 blocks from")
}

func TestPreviewFromAWServerErrors(t *testing.T) {
	aw, cfgPath, _ := syncSetup(t)
	aw.SetFault(awtest.Fault{Status: 500})
	code, _, stderr := previewAW(t, cfgPath)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, stderr, "500 Internal Server Error")
	aw.ClearFault()

	code, _, stderr = runCmd(t, nil, "preview", "--config", cfgPath, "--from", "2026-03-02T10:00:00Z", "--to", "2026-03-02T09:00:00Z")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "--to must be after --from")
}
