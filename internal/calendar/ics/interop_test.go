package ics

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/testreal"
)

// debianPython is Debian's interpreter, which has python3-icalendar (the python3 on PATH may be
// another one without Debian's modules).
const debianPython = "/usr/bin/python3"

// readWithPython prints what python3-icalendar reads from a file, as JSON.
const readWithPython = `
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = {"prodid": str(cal.get('PRODID')), "version": str(cal.get('VERSION')), "events": [], "todos": 0}
for c in cal.walk():
    if c.name == 'VTODO':
        out["todos"] += 1
    if c.name != 'VEVENT':
        continue
    cats = c.get('CATEGORIES')
    names = []
    for cat in (cats if isinstance(cats, list) else [cats] if cats is not None else []):
        names += [str(x) for x in cat.cats]
    out["events"].append({
        "uid": str(c.get('UID')),
        "summary": str(c.get('SUMMARY', '')),
        "description": str(c.get('DESCRIPTION', '')),
        "start": c.decoded('DTSTART').isoformat(),
        "end": c.decoded('DTEND').isoformat() if 'DTEND' in c else None,
        "categories": names,
        "profile": str(c.get('X-AWCAL-PROFILE', '')),
        "color": str(c.get('COLOR', '')),
    })
print(json.dumps(out))
`

type pyEvent struct {
	UID, Summary, Description, Start, Profile, Color string
	End                                              *string
	Categories                                       []string
}

func TestPythonIcalendarReadsTheFile(t *testing.T) {
	if err := exec.Command(debianPython, "-c", "import icalendar").Run(); err != nil {
		testreal.Missing(t, "Debian's python3-icalendar is missing: %v", err)
	}

	path := filepath.Join(t.TempDir(), "cal.ics")
	require.NoError(t, os.WriteFile(path, []byte(richFile), 0o600))
	s := openStore(t, path)
	loc, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	long := newEvent(`Coding — awcal: "plan", fix; ship \ `+strings.Repeat("Überprüfung ✓ ", 12), 9)
	long.Description = "code: 40 min\nfirefox: 20 min, docs; more"
	night := newEvent("Across midnight and DST", 0)
	night.Start = time.Date(2025, 3, 29, 23, 0, 0, 0, loc)
	night.End = time.Date(2025, 3, 30, 4, 0, 5, 0, loc)
	night.Category = "Deep work"
	empty := newEvent("Empty", 15)
	empty.End = empty.Start
	ours := []calendar.Event{long, night, empty}
	require.NoError(t, s.Apply(context.Background(), creates(ours...)))

	out, err := exec.Command(debianPython, "-c", readWithPython, path).Output()
	require.NoError(t, err, "python3-icalendar could not read the file: %s", exitStderr(err))
	var got struct {
		ProdID, Version string
		Events          []pyEvent
		Todos           int
	}
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, "-//Other//Client 1.0//EN", got.ProdID, "the other client's PRODID is kept")
	assert.Equal(t, "2.0", got.Version)
	assert.Equal(t, 1, got.Todos, "the VTODO is still there")

	byUID := map[string]pyEvent{}
	for _, e := range got.Events {
		byUID[e.UID] = e
	}
	assert.Contains(t, byUID, "lunch@example.com")
	assert.Contains(t, byUID, "standup@example.com")
	for _, want := range ours {
		want = calendar.Normalize(want)
		e, ok := byUID[want.UID]
		require.True(t, ok, "python did not find %s", want.UID)
		assert.Equal(t, want.Title, e.Summary)
		assert.Equal(t, want.Description, e.Description)
		assert.Equal(t, want.ProfileID, e.Profile)
		assert.Equal(t, []string{want.Category}, e.Categories)
		assert.Equal(t, "royalblue", e.Color)
		start, err := time.Parse(time.RFC3339, e.Start)
		require.NoError(t, err)
		assert.True(t, want.Start.Equal(start), "start %s, python read %s", want.Start, start)
		if want.End.Equal(want.Start) {
			assert.Nil(t, e.End, "an empty event has no DTEND")
			continue
		}
		require.NotNil(t, e.End)
		end, err := time.Parse(time.RFC3339, *e.End)
		require.NoError(t, err)
		assert.True(t, want.End.Equal(end), "end %s, python read %s", want.End, end)
	}
}

func exitStderr(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
