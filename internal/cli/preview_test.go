package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// writeExport writes buckets as an aw-server-rust export and returns its path.
func writeExport(t *testing.T, buckets []activity.BucketEvents) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, fakedata.WriteExport(&buf, buckets))
	path := filepath.Join(t.TempDir(), "export.json")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	return path
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// twoDays is a generated heavy Monday and Tuesday.
func twoDays() ([]activity.BucketEvents, fakedata.Options) {
	opts := fakedata.Options{Days: 2, Seed: 11, Intensity: fakedata.Heavy}
	return fakedata.Generate(opts), opts
}

func decodePreview(t *testing.T, stdout string) previewJSON {
	t.Helper()
	var out previewJSON
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&out), stdout)
	return out
}

func TestPreviewJSONMatchesTheEngine(t *testing.T) {
	buckets, opts := twoDays()
	path := writeExport(t, buckets)
	code, stdout, stderr := runCLI(t, "preview", "--export", path, "--json")
	require.Equal(t, ExitOK, code, stderr)
	assert.Empty(t, stderr)
	out := decodePreview(t, stdout)

	// The default range is the whole export.
	var first, last time.Time
	for _, b := range buckets {
		for _, e := range b.Events {
			if first.IsZero() || e.Timestamp.Before(first) {
				first = e.Timestamp
			}
			if e.End().After(last) {
				last = e.End()
			}
		}
	}
	assert.Equal(t, first.UTC(), out.From)
	assert.Equal(t, last.Add(time.Microsecond).UTC(), out.To)
	day0, _ := fakedata.Day(opts, 0)
	assert.Equal(t, day0.Format(time.DateOnly), out.From.Format(time.DateOnly))

	e, err := engine.New(profile.Starters(), engine.DefaultOptions())
	require.NoError(t, err)
	want := e.Derive(engine.Input{From: out.From, To: out.To, Buckets: buckets})
	require.NotEmpty(t, want.Blocks)
	require.Len(t, out.Blocks, len(want.Blocks))
	categories := map[string]string{}
	for _, p := range profile.Starters() {
		categories[p.ID] = p.Category
	}
	for i, b := range out.Blocks {
		w := want.Blocks[i]
		assert.Equal(t, w.ProfileID, b.Profile)
		assert.Equal(t, w.Title, b.Title)
		assert.True(t, w.Start.Equal(b.Start) && w.End.Equal(b.End), "block %d times", i)
		assert.Equal(t, categories[b.Profile], b.Category)
		require.NotEmpty(t, b.Evidence)
		assert.Equal(t, w.Evidence[0].Label, b.Evidence[0].Label)
		assert.Equal(t, w.Evidence[0].Duration.Seconds(), b.Evidence[0].Seconds)
	}
	assert.Equal(t, want.Diagnostics.Events, out.Diagnostics.Events)
	assert.Positive(t, out.Diagnostics.Slices)
	assert.Contains(t, stdout, `"start": "`+want.Blocks[0].Start.UTC().Format(time.RFC3339Nano)+`"`, "RFC 3339 in UTC")
}

func TestPreviewTable(t *testing.T) {
	buckets, _ := twoDays()
	path := writeExport(t, buckets)
	code, stdout, stderr := runCLI(t, "preview", "--export", path)
	require.Equal(t, ExitOK, code, stderr)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	require.Greater(t, len(lines), 3)
	assert.Regexp(t, `^PROFILE +TITLE +START +END +DURATION$`, lines[0])
	assert.Regexp(t, `^\d+ blocks from \d+ events, `, lines[len(lines)-1])
	rows := lines[1 : len(lines)-1]
	assert.True(t, strings.HasPrefix(lines[len(lines)-1], strconv.Itoa(len(rows))+" blocks "), "the summary counts the rows")
	names := map[string]bool{}
	for _, p := range profile.Starters() {
		names[p.Name] = true
	}
	for _, r := range rows {
		assert.True(t, names[strings.Fields(r)[0]], "row names a starter profile: %q", r)
		assert.Regexp(t, `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +(\d+h)?(\d+m)?\d+s$`, r)
	}
}

func TestPreviewProfilesFile(t *testing.T) {
	buckets := []activity.BucketEvents{{
		Bucket: activity.Bucket{ID: "aw-watcher-window_h", Type: activity.TypeWindow, Hostname: "h"},
		Events: []activity.Event{
			{ID: 2, Timestamp: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), Duration: 600, Data: map[string]any{"app": "Slack", "title": "general"}},
			{ID: 1, Timestamp: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Duration: 1800, Data: map[string]any{"app": "Code", "title": "main.go"}},
		},
	}}
	path := writeExport(t, buckets)
	array := `[{"id": "c", "name": "Code", "category": "Dev", "primary": [{"bucket": "window", "field": "app", "pattern": "code"}]}]`
	object := `{"version": 1, "profiles": [{"id": "c", "name": "Code", "category": "Dev", "enabled": true, "threshold": 5, "softBreak": 3,
		"titleTemplate": "{title}", "primary": [{"bucket": "window", "field": "app", "pattern": "code"}], "supporting": [], "hardBreak": []}]}`
	tests := []struct {
		name, content string
		wantTitle     string
	}{
		{"an array; left-out keys take the defaults, so it is enabled", array, "Code - main.go"},
		{"an object with a profiles key, like config.json", object, "main.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "preview", "--export", path, "--profiles", writeFile(t, "p.json", tt.content), "--json")
			require.Equal(t, ExitOK, code, stderr)
			out := decodePreview(t, stdout)
			require.Len(t, out.Blocks, 1)
			b := out.Blocks[0]
			assert.Equal(t, previewBlockJSON{Profile: "c", Title: tt.wantTitle, Category: "Dev",
				Start: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC),
				Evidence: []previewEvidenceJSON{{Kind: "window", Label: "Code — main.go", Seconds: 1800}}}, b)
		})
	}
}

func TestPreviewRangeAndMasking(t *testing.T) {
	buckets, opts := twoDays()
	path := writeExport(t, buckets)
	_, day1 := fakedata.Day(opts, 0)
	code, stdout, stderr := runCLI(t, "preview", "--export", path, "--json", "--from", day1.Format(time.RFC3339))
	require.Equal(t, ExitOK, code, stderr)
	out := decodePreview(t, stdout)
	require.NotEmpty(t, out.Blocks)
	for _, b := range out.Blocks {
		assert.False(t, b.Start.Before(day1), "only the second day")
	}

	total := func(args ...string) time.Duration {
		code, stdout, stderr := runCLI(t, append([]string{"preview", "--export", path, "--json"}, args...)...)
		require.Equal(t, ExitOK, code, stderr)
		var d time.Duration
		for _, b := range decodePreview(t, stdout).Blocks {
			d += b.End.Sub(b.Start)
		}
		return d
	}
	assert.Greater(t, total("--no-afk-masking"), total(), "without masking, unattended windows count")
}

func TestPreviewErrors(t *testing.T) {
	buckets, _ := twoDays()
	path := writeExport(t, buckets)
	empty := writeExport(t, []activity.BucketEvents{{Bucket: activity.Bucket{ID: "aw-watcher-window_h", Type: activity.TypeWindow}}})
	badRegex := writeFile(t, "p.json", `[{"id": "x", "name": "X", "primary": [{"bucket": "window", "field": "title", "pattern": "a(?=b)", "regex": true}]}]`)
	typo := writeFile(t, "p.json", `[{"id": "x", "name": "X", "treshold": 3}]`)
	// Nothing listens on port 1: reading from this aw-server fails.
	unreachable := writeFile(t, "c.json", `{"activitywatch": {"url": "http://127.0.0.1:1"}, "calendar": {"kind": "ics", "path": "`+
		filepath.ToSlash(filepath.Join(t.TempDir(), "c.ics"))+`"}}`)
	// This aw-server answers nothing until the request is given up: the profiles are
	// compiled while it is asked, and a broken one has to stop the reading.
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(silent.Close)
	hanging := writeFile(t, "c.json", `{"activitywatch": {"url": "`+silent.URL+`"}, "calendar": {"kind": "ics", "path": "`+
		filepath.ToSlash(filepath.Join(t.TempDir(), "c.ics"))+`"}}`)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no export and no config", nil, ExitUsage, "or preview an export file with --export FILE"},
		{"missing export file", []string{"--export", filepath.Join(t.TempDir(), "nope.json")}, ExitFailure, "opening the export"},
		{"not an export", []string{"--export", writeFile(t, "x.json", `{"a": 1}`)}, ExitFailure, `no "buckets" object`},
		{"an export without events", []string{"--export", empty}, ExitFailure, "holds no events"},
		{"bad time", []string{"--export", path, "--from", "yesterday"}, ExitUsage, `--from "yesterday" is not a time`},
		{"inverted range", []string{"--export", path, "--from", "2026-01-06", "--to", "2026-01-05"}, ExitUsage, "--to must be after --from"},
		{"invalid regex", []string{"--export", path, "--profiles", badRegex}, ExitUsage,
			`profile "X" (x): primary rule 1: invalid regex at position 2`},
		{"a broken profile is reported, not that aw-server is unreachable", []string{"--config", unreachable, "--profiles", badRegex}, ExitUsage,
			`profile "X" (x): primary rule 1: invalid regex at position 2`},
		{"a broken profile stops a reading that hangs", []string{"--config", hanging, "--profiles", badRegex}, ExitUsage,
			`profile "X" (x): primary rule 1: invalid regex at position 2`},
		{"a broken profile is reported, not an empty range", []string{"--export", path, "--profiles", badRegex, "--from", "2026-01-06", "--to", "2026-01-05"}, ExitUsage,
			`profile "X" (x): primary rule 1: invalid regex at position 2`},
		{"unknown key", []string{"--export", path, "--profiles", typo}, ExitUsage, `profile 1: json: unknown field "treshold"`},
		{"not profiles", []string{"--export", path, "--profiles", writeFile(t, "p.json", `"x"`)}, ExitUsage, "want a JSON array of profiles"},
		{"unexpected argument", []string{"--export", path, "extra"}, ExitUsage, "unexpected arguments: extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"preview"}, tt.args...)...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.msg)
		})
	}
}

func TestPreviewReportsMalformedEvents(t *testing.T) {
	path := writeFile(t, "export.json", `{"buckets": {"aw-watcher-window_h": {"id": "aw-watcher-window_h", "type": "currentwindow",
		"hostname": "h", "created": "2026-03-02T08:00:00Z", "events": [
		{"timestamp": "2026-03-02T09:00:00Z", "duration": 600, "data": {"app": "Code"}},
		{"timestamp": "2026-03-02T09:10:00Z", "duration": -5, "data": {"app": "Code"}},
		{"timestamp": "not a time", "duration": 5, "data": {"app": "Code"}}]}}}`)
	code, stdout, stderr := runCLI(t, "preview", "--export", path)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "Coding")
	assert.Contains(t, stderr, "skipped 2 malformed events in bucket aw-watcher-window_h")
	code, stdout, _ = runCLI(t, "preview", "--export", path, "--json")
	require.Equal(t, ExitOK, code)
	assert.Equal(t, map[string]int{"aw-watcher-window_h": 2}, decodePreview(t, stdout).Diagnostics.Malformed)
}

func TestPreviewRealAndroidExport(t *testing.T) {
	path := filepath.Join("..", "activitywatch", "testdata", "android-export-rust.json")
	profiles := writeFile(t, "p.json", `[{"id": "xhs", "name": "Xiaohongshu", "titleTemplate": "{app}",
		"primary": [{"bucket": "window", "field": "app", "pattern": "小红书"}]}]`)
	code, stdout, stderr := runCLI(t, "preview", "--export", path, "--profiles", profiles, "--json")
	require.Equal(t, ExitOK, code, stderr)
	out := decodePreview(t, stdout)
	assert.Greater(t, len(out.Blocks), 10)
	assert.Equal(t, 14350-4420, out.Diagnostics.Events, "every window event with a duration; unlock events are instants")
	for _, b := range out.Blocks {
		assert.Equal(t, "小红书", b.Title)
	}
}
