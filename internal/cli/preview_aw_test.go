package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
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
		{"coding", "Coding · awcal", "Work"},
		{"meetings", "Meeting · Standup", "Meetings"},
		{"coding", "Coding · syncer", "Work"},
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
		{"coding", "Coding · awcal", "Work"},
		{"coding", "Coding", "Work"}, // the project is not read from a redacted title
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
	assert.Contains(t, stdout, "Coding · awcal")
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

// TestPreviewExportAndPythonServerAgree: generated heavy days from a Friday over the weekend,
// with the editor left focused on Sunday while the person is away, previewed from an export
// file and from the Python aw-server (24-hour cut-off, millisecond timestamps, 1 ms end
// rounding) with the same config: the same blocks, within a second, whatever the range.
func TestPreviewExportAndPythonServerAgree(t *testing.T) {
	opts := fakedata.Options{Start: time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC), Days: 4, Seed: 3, Intensity: fakedata.Heavy}
	buckets := fakedata.Generate(opts)
	sunday, _ := fakedata.Day(opts, 2)
	require.Equal(t, activity.TypeWindow, buckets[0].Bucket.Type)
	for m := 16 * 60; m > 10*60; m -= 10 { // newest first; later the person is back for a while
		buckets[0].Events = append([]activity.Event{{Timestamp: sunday.Add(time.Duration(m) * time.Minute), Duration: 600,
			Data: map[string]any{"app": "Code", "title": fmt.Sprintf("main.go (%d)", m)}}}, buckets[0].Events...)
	}
	slices.SortStableFunc(buckets[0].Events, func(a, b activity.Event) int { return b.Timestamp.Compare(a.Timestamp) })
	export := writeExport(t, buckets)

	aw := awtest.NewPython(t)
	for _, b := range buckets {
		aw.AddBucket(b.Bucket)
		evs := slices.Clone(b.Events)
		slices.Reverse(evs)
		for i := range evs {
			evs[i].ID = 0 // numbered by the server in order, as an import does
		}
		aw.AddEvents(b.Bucket.ID, evs...)
	}
	c := config.Default(func(string) string { return "" })
	c.ActivityWatch.URL = aw.URL()
	c.ActivityWatch.Hostnames = []string{fakedata.DefaultHostname}
	c.Calendar = config.Calendar{Kind: config.CalendarICS, Path: filepath.Join(t.TempDir(), "activity.ics")}
	cfgPath := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, config.Save(cfgPath, &c))

	preview := func(from, to time.Time, extra ...string) previewJSON {
		t.Helper()
		args := append([]string{"preview", "--config", cfgPath, "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--json"}, extra...)
		code, stdout, stderr := runCmd(t, nil, args...)
		require.Equal(t, ExitOK, code, stderr)
		return decodePreview(t, stdout)
	}
	for _, r := range []struct{ from, to time.Time }{
		{sunday.Add(-3 * time.Hour), sunday.Add(27 * time.Hour)},
		{sunday.Add(9 * time.Hour), sunday.Add(33 * time.Hour)},
		{sunday.Add(-30 * time.Hour), sunday.Add(40 * time.Hour)},
	} {
		served, exported := preview(r.from, r.to), preview(r.from, r.to, "--export", export)
		require.NotEmpty(t, exported.Blocks, "Monday is a heavy workday")
		require.Equal(t, len(exported.Blocks), len(served.Blocks), "from %s\nexport: %v\nserver: %v", r.from, previewBriefs(exported), previewBriefs(served))
		for i, want := range exported.Blocks {
			got := served.Blocks[i]
			assert.Equal(t, want.Profile, got.Profile)
			assert.Equal(t, want.Title, got.Title)
			assert.InDelta(t, 0, want.Start.Sub(got.Start).Seconds(), 1, "block %d start", i)
			assert.InDelta(t, 0, want.End.Sub(got.End).Seconds(), 1, "block %d end", i)
		}
	}
}
