package syncer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/ics"
)

// TestForeignCopyOfOwnedUIDDoesNotStopSync is defect 9 of issue 13: a foreign copy of an owned
// event's UID stopped every sync with "event is not owned by awcal". The run leaves both copies
// alone, says which UID appears twice and where, and syncs everything else.
func TestForeignCopyOfOwnedUIDDoesNotStopSync(t *testing.T) {
	w := newWorld(t, coding, meetings)
	path := filepath.Join(t.TempDir(), "cal.ics")
	st, err := ics.Open(path)
	require.NoError(t, err)
	w.store, w.mem = st, nil
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	w.mustSync(hm(10, 0))
	owned := w.owned()
	require.Len(t, owned, 1)
	uid := owned[0].UID

	// A calendar app copies the block (same UID, without awcal's marker).
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	text := string(raw)
	begin := strings.Index(text, "BEGIN:VEVENT")
	end := strings.Index(text, "END:VEVENT\r\n") + len("END:VEVENT\r\n")
	var copied []string
	for _, line := range strings.SplitAfter(text[begin:end], "\r\n") {
		if !strings.HasPrefix(line, calendar.MarkerProperty) {
			copied = append(copied, line)
		}
	}
	at := strings.LastIndex(text, "END:VCALENDAR")
	require.NoError(t, os.WriteFile(path, []byte(text[:at]+strings.Join(copied, "")+text[at:]), 0o600))

	// The session goes on, and a meeting follows.
	w.window(hm(10, 0), hm(10, 30), "Code", "main.go")
	w.window(hm(10, 30), hm(11, 0), "zoom", "Planning")
	rep, err := w.sync(hm(11, 30))
	require.NoError(t, err)
	require.Len(t, rep.Notices, 1)
	assert.Contains(t, rep.Notices[0], "event "+uid+" appears twice in the calendar ("+path+", lines ")
	assert.Contains(t, rep.Notices[0], "delete one of them")
	assert.Equal(t, []brief{
		{"coding", "Code - main.go", hm(9, 0), hm(10, 0)},   // left alone, not grown
		{"coding", "Code - main.go", hm(10, 0), hm(10, 30)}, // the rest of the session
		{"meetings", "Planning", hm(10, 30), hm(11, 0)},
	}, briefs(w.owned()))
}
