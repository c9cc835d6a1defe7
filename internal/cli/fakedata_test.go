package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/fakedata"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	code = Main(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func TestFakedataWritesAReadableExport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.json")
	code, stdout, stderr := runCLI(t, "fakedata", "--days", "3", "--seed", "7", "--intensity", "heavy",
		"--start", "2026-02-02", "--host", "laptop", "-o", path)
	require.Equal(t, ExitOK, code, stderr)
	assert.Empty(t, stderr)
	assert.Regexp(t, `^wrote \d+ events in 5 buckets \(2026-02-02 to 2026-02-04, heavy, seed 7\) to `, stdout)

	fi, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS != "windows" { // no Unix permission bits there
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "an export holds private-looking data")
	}

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	got, stats, err := activitywatch.ReadExport(f)
	require.NoError(t, err, "the project's own export reader must read the file")
	assert.Empty(t, stats.Malformed)

	want := fakedata.Generate(fakedata.Options{Start: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), Days: 3,
		Seed: 7, Intensity: fakedata.Heavy, Hostname: "laptop"})
	slices.SortFunc(want, func(a, b activity.BucketEvents) int { return strings.Compare(a.Bucket.ID, b.Bucket.ID) })
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].Bucket.ID, got[i].Bucket.ID)
		assert.Equal(t, want[i].Bucket.Type, got[i].Bucket.Type)
		require.Len(t, got[i].Events, len(want[i].Events), want[i].Bucket.ID)
		for j, e := range got[i].Events {
			w := want[i].Events[j]
			if e.ID != w.ID || !e.Timestamp.Equal(w.Timestamp) || e.Duration != w.Duration {
				t.Fatalf("%s event %d: want %d %v %v, got %d %v %v", want[i].Bucket.ID, j,
					w.ID, w.Timestamp, w.Duration, e.ID, e.Timestamp, e.Duration)
			}
		}
	}
}

func TestFakedataIsReproducible(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	require.NoError(t, os.WriteFile(b, []byte("old content"), 0o600))
	for _, p := range []string{a, b} {
		code, _, stderr := runCLI(t, "fakedata", "--days", "2", "--seed", "3", "-o", p)
		require.Equal(t, ExitOK, code, stderr)
	}
	ab, err := os.ReadFile(a)
	require.NoError(t, err)
	bb, err := os.ReadFile(b)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(ab, bb), "the same flags must give the same bytes (and replace an old file)")

	code, stdout, stderr := runCLI(t, "fakedata", "--days", "2", "--seed", "3", "-o", "-")
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, string(ab), stdout, "-o - writes the export to standard output")
}

func TestFakedataTimeZone(t *testing.T) {
	if _, err := time.LoadLocation("Europe/Paris"); err != nil {
		t.Skip("no time zone database on this machine")
	}
	code, stdout, stderr := runCLI(t, "fakedata", "--days", "1", "--tz", "Europe/Paris", "-o", "-")
	require.Equal(t, ExitOK, code, stderr)
	got, _, err := activitywatch.ReadExport(strings.NewReader(stdout))
	require.NoError(t, err)
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, b := range got {
		if b.Bucket.Type == activity.TypeAFK {
			last := b.Events[0]
			assert.True(t, last.End().Equal(time.Date(2026, 1, 6, 0, 0, 0, 0, paris)),
				"the day ends at midnight in Paris, got %v", last.End())
		}
	}
}

func TestFakedataUsageErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.json")
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"no output file", []string{"--days", "2"}, "-o FILE is required"},
		{"zero days", []string{"--days", "0", "-o", out}, "--days 0 is out of range: use 1 to 366"},
		{"too many days", []string{"--days", "400", "-o", out}, "--days 400 is out of range"},
		{"unknown intensity", []string{"--intensity", "extreme", "-o", out}, `unknown intensity "extreme"`},
		{"bad start", []string{"--start", "2026-13-01", "-o", out}, `--start "2026-13-01" is not a date: use YYYY-MM-DD`},
		{"bad time zone", []string{"--tz", "Mars/Olympus", "-o", out}, `--tz "Mars/Olympus" is not a known time zone`},
		{"empty host", []string{"--host", "", "-o", out}, "--host must not be empty"},
		{"not a number", []string{"--days", "many", "-o", out}, `invalid value "many" for flag -days`},
		{"unknown flag", []string{"--weeks", "2", "-o", out}, "flag provided but not defined: -weeks"},
		{"stray argument", []string{"-o", out, "extra"}, "unexpected arguments: extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"fakedata"}, tt.args...)...)
			assert.Equal(t, ExitUsage, code)
			assert.Contains(t, stderr, tt.msg)
			if !strings.HasPrefix(tt.name, "stray") { // parseFlags reports stray arguments alone
				assert.Contains(t, stderr, "Usage: awcal fakedata")
			}
			assert.Empty(t, stdout)
			assert.NoFileExists(t, out, "nothing is written on a usage error")
		})
	}
}

func TestFakedataHelp(t *testing.T) {
	code, _, stderr := runCLI(t, "fakedata", "-h")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, stderr, "2026-01-05", "the help names the fixed default start")
}

func TestFakedataWriteFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-folder", "x.json")
	code, stdout, stderr := runCLI(t, "fakedata", "--days", "1", "-o", path)
	assert.Equal(t, ExitFailure, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "check that the folder exists and is writable")
	assert.NoFileExists(t, path)
}
