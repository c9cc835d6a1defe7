package cli

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/ics"
)

// purgeForeign is a person's own event carrying the purged profile's marker under a foreign
// UID: the purge must leave it byte-identical.
const purgeForeign = "BEGIN:VEVENT\r\nUID:dentist-1@example.com\r\nDTSTAMP:20260301T080000Z\r\n" +
	"DTSTART:20260302T113000Z\r\nDTEND:20260302T120000Z\r\nSUMMARY:Dentist\r\n" +
	"X-AWCAL-PROFILE:p-old\r\nEND:VEVENT\r\n"

// purgeSetup is a config whose .ics calendar holds a foreign event, three events of the
// deleted profile p-old and one of p-keep.
func purgeSetup(t *testing.T) (cfgPath, icsPath string) {
	t.Helper()
	_, cfgPath, cfg := syncSetup(t)
	icsPath = cfg.Calendar.Path
	require.NoError(t, os.WriteFile(icsPath, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\n"+
		purgeForeign+"END:VCALENDAR\r\n"), 0o600))
	st, err := ics.Open(icsPath)
	require.NoError(t, err)
	defer st.Close()
	ev := func(profileID, title string, start time.Time) calendar.Change {
		return calendar.Change{Op: calendar.Create, Event: calendar.Event{UID: calendar.NewUID(), ProfileID: profileID,
			Title: title, Start: start, End: start.Add(30 * time.Minute), Category: "Work", Color: "#4c8bf5"}}
	}
	require.NoError(t, st.Apply(context.Background(), []calendar.Change{
		ev("p-old", "Old last year", at(9, 0).AddDate(-1, 0, 0)),
		ev("p-old", "Old morning", at(9, 0)),
		ev("p-old", "Old afternoon", at(15, 0)),
		ev("p-keep", "Kept morning", at(10, 0)),
	}))
	return cfgPath, icsPath
}

// ownedTitles lists "profile: title" of every owned event in the file.
func ownedTitles(t *testing.T, icsPath string) []string {
	t.Helper()
	st, err := ics.Open(icsPath)
	require.NoError(t, err)
	defer st.Close()
	evs, err := st.Owned(context.Background(), time.Unix(0, 0), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	var out []string
	for _, e := range evs {
		out = append(out, e.ProfileID+": "+e.Title)
	}
	return out
}

func TestProfilesPurge(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStdout []string
		wantLeft   []string
	}{
		{
			name:       "every event of the profile",
			args:       []string{"--profile", "p-old"},
			wantStdout: []string{"Old last year", "Old morning", "Old afternoon", "Deleted 3 events of profile p-old from "},
			wantLeft:   []string{"p-keep: Kept morning"},
		},
		{
			name:       "a range",
			args:       []string{"--profile", "p-old", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-02T12:00:00Z"},
			wantStdout: []string{"Old morning", "Deleted 1 events of profile p-old"},
			wantLeft:   []string{"p-old: Old last year", "p-keep: Kept morning", "p-old: Old afternoon"},
		},
		{
			name:       "only a start",
			args:       []string{"--profile", "p-old", "--from", "2026-03-02T12:00:00Z"},
			wantStdout: []string{"Old afternoon", "Deleted 1 events"},
			wantLeft:   []string{"p-old: Old last year", "p-old: Old morning", "p-keep: Kept morning"},
		},
		{
			name:       "a dry run",
			args:       []string{"--profile", "p-old", "--dry-run"},
			wantStdout: []string{"Old last year", "Dry run: 3 events of profile p-old would be deleted"},
			wantLeft:   []string{"p-old: Old last year", "p-old: Old morning", "p-keep: Kept morning", "p-old: Old afternoon"},
		},
		{
			name:       "a profile without events",
			args:       []string{"--profile", "p-none"},
			wantStdout: []string{"No events of profile p-none in "},
			wantLeft:   []string{"p-old: Old last year", "p-old: Old morning", "p-keep: Kept morning", "p-old: Old afternoon"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfgPath, icsPath := purgeSetup(t)
			before, err := os.ReadFile(icsPath)
			require.NoError(t, err)
			code, stdout, stderr := runCmd(t, nil, append([]string{"profiles", "purge", "--config", cfgPath}, tt.args...)...)
			require.Equal(t, ExitOK, code, stderr)
			for _, s := range tt.wantStdout {
				assert.Contains(t, stdout, s)
			}
			assert.Equal(t, tt.wantLeft, ownedTitles(t, icsPath))
			after, err := os.ReadFile(icsPath)
			require.NoError(t, err)
			assert.Contains(t, string(after), purgeForeign, "the foreign event stays byte-identical")
			if len(tt.wantLeft) == 4 {
				assert.Equal(t, before, after, "nothing to delete writes nothing")
			}
			assert.True(t, strings.HasPrefix(string(after), "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\n"))
		})
	}
}

func TestProfilesPurgeErrors(t *testing.T) {
	cfgPath, icsPath := purgeSetup(t)
	before, err := os.ReadFile(icsPath)
	require.NoError(t, err)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{name: "no profile", args: []string{"profiles", "purge", "--config", cfgPath}, wantCode: ExitUsage, wantStderr: "--profile is required"},
		{name: "bad time", args: []string{"profiles", "purge", "--config", cfgPath, "--profile", "p-old", "--from", "yesterday"}, wantCode: ExitUsage, wantStderr: `--from "yesterday" is not a time`},
		{name: "range backwards", args: []string{"profiles", "purge", "--config", cfgPath, "--profile", "p-old", "--from", "2026-03-03", "--to", "2026-03-02"}, wantCode: ExitUsage, wantStderr: "must be before --to"},
		{name: "stray argument", args: []string{"profiles", "purge", "--config", cfgPath, "--profile", "p-old", "extra"}, wantCode: ExitUsage, wantStderr: "unexpected arguments"},
		{name: "unknown subcommand", args: []string{"profiles", "wipe"}, wantCode: ExitUsage, wantStderr: "purge --profile ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, nil, tt.args...)
			assert.Equal(t, tt.wantCode, code)
			assert.Contains(t, stderr, tt.wantStderr)
			after, err := os.ReadFile(icsPath)
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
}

// Purging a profile that is still enabled works, with a note that syncs will write its new
// blocks again.
func TestProfilesPurgeEnabledProfile(t *testing.T) {
	_, cfgPath, cfg := syncSetup(t)
	require.NotEmpty(t, cfg.Profiles)
	p := cfg.Profiles[0]
	require.True(t, p.Enabled)
	code, stdout, stderr := runCmd(t, nil, "sync", "--config", cfgPath, "--from", "2026-03-02", "--to", "2026-03-03")
	require.Equal(t, ExitOK, code, stderr)
	require.NotContains(t, stdout, " 0 created")

	code, stdout, stderr = runCmd(t, nil, "profiles", "purge", "--config", cfgPath, "--profile", p.ID)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stderr, "is still enabled in the config")
	assert.Contains(t, stdout, "Deleted ")
	for _, s := range ownedTitles(t, cfg.Calendar.Path) {
		assert.False(t, strings.HasPrefix(s, p.ID+": "), "%s is left", s)
	}
}

func TestProfilesPurgeKeepsEditedEvents(t *testing.T) {
	cfgPath, icsPath := purgeSetup(t)
	raw, err := os.ReadFile(icsPath)
	require.NoError(t, err)
	edited := strings.Replace(string(raw), "SUMMARY:Old morning", "SUMMARY:Old morning (my notes)", 1)
	require.NotEqual(t, string(raw), edited)
	require.NoError(t, os.WriteFile(icsPath, []byte(edited), 0o600))

	code, stdout, stderr := runCmd(t, nil, "profiles", "purge", "--config", cfgPath, "--profile", "p-old")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "Kept 1 events of profile p-old that you edited or approved (--include-edited deletes them too).")
	assert.Contains(t, stdout, "Deleted 2 events")
	assert.Equal(t, []string{"p-old: Old morning (my notes)", "p-keep: Kept morning"}, ownedTitles(t, icsPath))

	code, stdout, stderr = runCmd(t, nil, "profiles", "purge", "--config", cfgPath, "--profile", "p-old", "--include-edited")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "Deleted 1 events")
	assert.Equal(t, []string{"p-keep: Kept morning"}, ownedTitles(t, icsPath))
}
