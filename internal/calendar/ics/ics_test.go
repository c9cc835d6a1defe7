package ics

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/calendartest"
)

// harness reaches the file directly, as another calendar client would.
type harness struct{ s *Store }

func newHarness(t *testing.T) calendartest.Harness {
	return &harness{s: openStore(t, filepath.Join(t.TempDir(), "activity.ics"))}
}

func openStore(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

func (h *harness) Store() calendar.Store { return h.s }

// otherClientCalendar is the file another client would start with.
const otherClientCalendar = "BEGIN:VCALENDAR\r\nPRODID:-//Other//Client 1.0//EN\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"

func (h *harness) AddForeign(t *testing.T, uid, ics string) {
	raw, err := os.ReadFile(h.s.path)
	if errors.Is(err, fs.ErrNotExist) {
		raw, err = []byte(otherClientCalendar), nil
	}
	require.NoError(t, err)
	i := strings.LastIndex(string(raw), "END:VCALENDAR")
	require.GreaterOrEqual(t, i, 0)
	out := string(raw[:i]) + ics + string(raw[i:])
	require.NoError(t, os.WriteFile(h.s.path, []byte(out), 0o600))
}

func (h *harness) Foreign(t *testing.T, uid string) string {
	raw, err := os.ReadFile(h.s.path)
	require.NoError(t, err)
	block, ok := findEvent(string(raw), uid)
	require.True(t, ok, "foreign event %s is gone from the file", uid)
	return block
}

// Tamper edits the event's SUMMARY in place, as a calendar client would.
func (h *harness) Tamper(t *testing.T, uid string) {
	raw, err := os.ReadFile(h.s.path)
	require.NoError(t, err)
	block, ok := findEvent(string(raw), uid)
	require.True(t, ok, "event %s not in the file", uid)
	edited := strings.Replace(block, "\r\nSUMMARY:", "\r\nSUMMARY:edited elsewhere ", 1)
	require.NotEqual(t, block, edited, "event %s has no SUMMARY to edit", uid)
	require.NoError(t, os.WriteFile(h.s.path, []byte(strings.Replace(string(raw), block, edited, 1)), 0o600))
}

func (h *harness) Raw(t *testing.T, uid string) string {
	raw, err := os.ReadFile(h.s.path)
	require.NoError(t, err)
	block, ok := findEvent(string(raw), uid)
	require.True(t, ok, "event %s not in the file", uid)
	return block
}

// Edit rewrites the event's text in the file, as another calendar client would.
func (h *harness) Edit(t *testing.T, uid string, edit func(string) string) {
	raw, err := os.ReadFile(h.s.path)
	require.NoError(t, err)
	block, ok := findEvent(string(raw), uid)
	require.True(t, ok, "event %s not in the file", uid)
	require.NoError(t, os.WriteFile(h.s.path, []byte(strings.Replace(string(raw), block, edit(block), 1)), 0o600))
}

func (h *harness) Remove(t *testing.T, uid string) { h.Edit(t, uid, func(string) string { return "" }) }

// findEvent finds a VEVENT by plain text search (not with the parser under test).
func findEvent(raw, uid string) (string, bool) {
	for rest := raw; ; {
		i := strings.Index(rest, "BEGIN:VEVENT\r\n")
		if i < 0 {
			return "", false
		}
		rest = rest[i:]
		j := strings.Index(rest, "END:VEVENT\r\n")
		if j < 0 {
			return "", false
		}
		block := rest[:j+len("END:VEVENT\r\n")]
		if strings.Contains(block, "\r\nUID:"+uid+"\r\n") {
			return block, true
		}
		rest = rest[len(block):]
	}
}

func TestConformance(t *testing.T) {
	calendartest.Run(t, newHarness)
}

var day = time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)

func newEvent(title string, startHour int) calendar.Event {
	start := day.Add(time.Duration(startHour) * time.Hour)
	return calendar.Event{UID: calendar.NewUID(), ProfileID: "coding", Title: title, Start: start,
		End: start.Add(45 * time.Minute), Category: "Work", Color: "#3a7bd5", Description: "code: 45 min"}
}

func creates(evs ...calendar.Event) []calendar.Change {
	out := make([]calendar.Change, len(evs))
	for i, e := range evs {
		out[i] = calendar.Change{Op: calendar.Create, Event: e}
	}
	return out
}

func readAll(t *testing.T, s *Store) []calendar.Event {
	t.Helper()
	evs, err := s.Owned(context.Background(), day.AddDate(-1, 0, 0), day.AddDate(1, 0, 0))
	require.NoError(t, err)
	return evs
}

// richFile is another client's calendar with everything awcal must keep: calendar properties,
// a VTIMEZONE, a VTODO, foreign events with folding (space and tab), lower-case names, quoted
// parameters, an alarm, a blank line, and bytes after END:VCALENDAR's line break.
const richFile = "BEGIN:VCALENDAR\r\n" +
	"PRODID:-//Other//Client 1.0//EN\r\n" +
	"VERSION:2.0\r\n" +
	"X-WR-CALNAME:My calendar\r\n" +
	"CALSCALE:GREGORIAN\r\n" +
	"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n" +
	"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nDTSTART:19700329T020000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n" +
	"BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nDTSTART:19701025T030000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
	"BEGIN:VEVENT\r\nUID:lunch@example.com\r\nDTSTAMP:20250301T080000Z\r\n" +
	"DTSTART;TZID=Europe/Berlin:20250310T120000\r\nDTEND;TZID=Europe/Berlin:20250310T130000\r\n" +
	"SUMMARY:Lunch with a description that another client folded at an odd\r\n\tplace with a tab\r\n" +
	"attendee;cn=\"Doe, Jane\":mailto:jane@example.com\r\n" +
	"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\nDESCRIPTION:Lunch\r\nEND:VALARM\r\n" +
	"END:VEVENT\r\n" +
	"\r\n" +
	"BEGIN:VTODO\r\nUID:todo-1@example.com\r\nDTSTAMP:20250301T080000Z\r\nSUMMARY:Buy milk\r\nEND:VTODO\r\n" +
	"BEGIN:VEVENT\r\nUID:standup@example.com\r\nDTSTAMP:20250301T080000Z\r\n" +
	"DTSTART:20250310T090000Z\r\nDURATION:PT15M\r\nSUMMARY:Standup\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

func TestForeignContentSurvivesByteForByte(t *testing.T) {
	tests := []struct {
		name string
		file string
	}{
		{"CRLF file", richFile},
		{"LF file", strings.ReplaceAll(richFile, "\r\n", "\n")},
		{"byte order mark", "\uFEFF" + richFile},
		{"trailing blank lines", richFile + "\r\n\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cal.ics")
			require.NoError(t, os.WriteFile(path, []byte(tc.file), 0o644))
			s := openStore(t, path)
			ctx := context.Background()

			a, b := newEvent("A", 9), newEvent("B", 14)
			require.NoError(t, s.Apply(ctx, creates(a, b)))
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			lf := !strings.Contains(tc.file, "\r\n")
			if lf {
				assert.NotContains(t, string(after), "\r\n", "an LF file stays LF")
			}
			withoutOurs := string(after)
			for _, e := range readAll(t, s) {
				crlf := withoutOurs
				if lf {
					crlf = strings.ReplaceAll(withoutOurs, "\n", "\r\n")
				}
				block, ok := findEvent(crlf, e.UID)
				require.True(t, ok, "event %s not found in\n%s", e.UID, crlf)
				if lf {
					block = strings.ReplaceAll(block, "\r\n", "\n")
				}
				withoutOurs = strings.Replace(withoutOurs, block, "", 1)
			}
			assert.Equal(t, tc.file, withoutOurs, "only awcal's events may be added")

			evs := readAll(t, s)
			require.Len(t, evs, 2)
			upd := evs[0]
			upd.Title = "A, grown"
			upd.End = upd.End.Add(time.Hour)
			require.NoError(t, s.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: upd}}))
			require.Len(t, readAll(t, s), 2)

			var dels []calendar.Change
			for _, e := range readAll(t, s) {
				dels = append(dels, calendar.Change{Op: calendar.Delete, Event: e})
			}
			require.NoError(t, s.Apply(ctx, dels))
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, tc.file, string(got), "create, update and delete must leave the file as it was")
		})
	}
}

func TestNewFileAndFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "awcal")
	path := filepath.Join(dir, "activity.ics")
	s := openStore(t, path)
	ctx := context.Background()

	evs, err := s.Owned(ctx, day, day.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Empty(t, evs, "a missing file is an empty calendar")
	require.NoError(t, s.Apply(ctx, nil))
	_, err = os.Stat(dir)
	require.ErrorIs(t, err, fs.ErrNotExist, "nothing is created before the first write")

	e := newEvent("First", 9)
	require.NoError(t, s.Apply(ctx, creates(e)))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	di, err := os.Stat(dir)
	require.NoError(t, err)
	// Windows has no Unix permission bits (files there are private through the ACL of the
	// user's profile folder).
	if runtime.GOOS != "windows" {
		assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "a new calendar file is private")
		assert.Equal(t, fs.FileMode(0o700), di.Mode().Perm(), "a new folder is private")
	}

	require.NoError(t, s.Apply(ctx, []calendar.Change{{Op: calendar.Delete, Event: readAll(t, s)[0]}}))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(emptyCalendar), string(raw), "a calendar with no events is still a valid file")
	assert.Contains(t, string(raw), "PRODID:-//awcal//awcal//EN\r\nVERSION:2.0\r\n")
}

func TestBlankFileIsAnEmptyCalendar(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	require.NoError(t, os.WriteFile(path, []byte("\n"), 0o600))
	s := openStore(t, path)
	assert.Empty(t, readAll(t, s))
	require.NoError(t, s.Apply(context.Background(), creates(newEvent("x", 9))))
	assert.Len(t, readAll(t, s), 1)
}

func TestExistingPermissionsKept(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits to keep")
	}
	path := filepath.Join(t.TempDir(), "cal.ics")
	require.NoError(t, os.WriteFile(path, []byte(otherClientCalendar), 0o640))
	require.NoError(t, os.Chmod(path, 0o640))
	s := openStore(t, path)
	require.NoError(t, s.Apply(context.Background(), creates(newEvent("x", 9))))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm())
}

func TestUnparseableFileIsNeverOverwritten(t *testing.T) {
	head := "BEGIN:VCALENDAR\r\nPRODID:x\r\nVERSION:2.0\r\n"
	ev := "BEGIN:VEVENT\r\nUID:a@example.com\r\nDTSTART:20250310T090000Z\r\nEND:VEVENT\r\n"
	tests := []struct {
		name, file string
		line       int
		reason     string
	}{
		{"not a calendar", "hello\r\n", 1, "expected BEGIN:VCALENDAR, found \"hello\""},
		{"no BEGIN:VCALENDAR", "BEGIN:VEVENT\r\nEND:VEVENT\r\n", 1, "expected BEGIN:VCALENDAR"},
		{"cut short", head + ev + "BEGIN:VEVENT\r\nUID:b\r\n", 8, "BEGIN:VEVENT is never closed"},
		{"no END:VCALENDAR", head + ev, 1, "BEGIN:VCALENDAR is never closed"},
		{"mismatched END", head + "BEGIN:VEVENT\r\nUID:a\r\nEND:VTODO\r\nEND:VCALENDAR\r\n", 6, "END:VTODO does not close BEGIN:VEVENT of line 4"},
		{"missing colon", head + ev + "BEGIN:VEVENT\r\nSUMMARY no colon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 9, "expected ':'"},
		{"unterminated quote", head + "X-A;P=\"open:value\r\nEND:VCALENDAR\r\n", 4, "unterminated quoted value"},
		{"quote in unquoted value", head + "X-A;P=a\"b:v\r\nEND:VCALENDAR\r\n", 4, "double quote"},
		{"parameter without =", head + "X-A;P:v\r\nEND:VCALENDAR\r\n", 4, "has no '='"},
		{"bad name", head + "X A:v\r\nEND:VCALENDAR\r\n", 4, "expected ':'"},
		{"continuation first", " folded\r\n" + head + "END:VCALENDAR\r\n", 1, "continuation"},
		{"second calendar", head + "END:VCALENDAR\r\n" + head + "END:VCALENDAR\r\n", 5, "content after END:VCALENDAR"},
		{"owned UID twice", head + ownedEvent(uidA) + ownedEvent(uidA) + "END:VCALENDAR\r\n", 12, "is in the file twice (BEGIN at lines 4 and 12)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cal.ics")
			require.NoError(t, os.WriteFile(path, []byte(tc.file), 0o600))
			before, err := os.Stat(path)
			require.NoError(t, err)
			s := openStore(t, path)

			_, ownedErr := s.Owned(context.Background(), day, day.Add(time.Hour))
			applyErr := s.Apply(context.Background(), creates(newEvent("x", 9)))
			for _, err := range []error{ownedErr, applyErr} {
				var pe *ParseError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tc.line, pe.Line, "%v", err)
				assert.Contains(t, err.Error(), tc.reason)
				assert.Contains(t, err.Error(), fmt.Sprintf("calendar file %s does not parse at line %d: ", path, tc.line))
				assert.Contains(t, err.Error(), "fix or move it, awcal will not overwrite it")
			}
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, tc.file, string(got), "the file must stay as it was")
			after, err := os.Stat(path)
			require.NoError(t, err)
			assert.True(t, os.SameFile(before, after) && before.ModTime().Equal(after.ModTime()), "the file must not be replaced")
		})
	}
}

const uidA = "0123456789abcdef0123456789abcdef@awcal"

func ownedEvent(uid string) string {
	return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250310T090000Z\r\n" +
		"DTEND:20250310T100000Z\r\nSUMMARY:ours\r\n" + calendar.MarkerProperty + ":coding\r\nEND:VEVENT\r\n"
}

func TestUnreadableOwnedEventNamesItsLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	bad := strings.Replace(ownedEvent(uidA), "DTSTART:20250310T090000Z", "DTSTART:yesterday", 1)
	require.NoError(t, os.WriteFile(path, []byte(otherClientCalendar[:len(otherClientCalendar)-len("END:VCALENDAR\r\n")]+
		bad+"END:VCALENDAR\r\n"), 0o600))
	s := openStore(t, path)
	_, err := s.Owned(context.Background(), day, day.Add(time.Hour))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "awcal's event at line 4 cannot be read")
	assert.Contains(t, err.Error(), uidA)
}

func TestCrashBeforeRenameKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cal.ics")
	s := openStore(t, path)
	ctx := context.Background()
	first := newEvent("first", 9)
	require.NoError(t, s.Apply(ctx, creates(first)))
	old, err := os.ReadFile(path)
	require.NoError(t, err)

	// The process dies after writing the temp file and before renaming it: the temp file
	// stays behind and the rename never happens.
	crash := errors.New("killed before rename")
	s.writeFile = func(p string, data []byte, _ fs.FileMode, _ func([]byte, bool) error) error {
		require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".tmp-1234"), data, 0o600))
		return crash
	}
	err = s.Apply(ctx, creates(newEvent("lost", 10)))
	require.ErrorIs(t, err, crash)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(old), string(got), "the old file must be intact")
	assert.Equal(t, []string{first.UID}, uidsOf(readAll(t, s)), "the store still reads the old file")

	// The next run (a fresh process) writes normally despite the leftover temp file.
	s2 := openStore(t, path)
	require.NoError(t, s2.Apply(ctx, creates(newEvent("retry", 11))))
	assert.Len(t, readAll(t, s2), 2)
}

func uidsOf(evs []calendar.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.UID
	}
	return out
}

func TestUpdateWithSameContentKeepsBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	s := openStore(t, path)
	ctx := context.Background()
	require.NoError(t, s.Apply(ctx, creates(newEvent("same", 9))))
	before, err := os.Stat(path)
	require.NoError(t, err)
	s.now = func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }

	e := readAll(t, s)[0]
	require.NoError(t, s.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: e}}))
	after, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after), "an update that changes nothing must not rewrite the file")
	assert.Equal(t, e.Version, readAll(t, s)[0].Version)
}

func TestCacheFollowsOutsideEdits(t *testing.T) {
	h := newHarness(t).(*harness)
	ctx := context.Background()
	e := newEvent("cached", 9)
	require.NoError(t, h.s.Apply(ctx, creates(e)))
	first := readAll(t, h.s)
	require.Len(t, first, 1)

	h.Tamper(t, e.UID)
	second := readAll(t, h.s)
	require.Len(t, second, 1)
	assert.Equal(t, "edited elsewhere cached", second[0].Title, "an outside edit must be seen")
	assert.NotEqual(t, first[0].Version, second[0].Version)

	// Apply brings the cache up to date itself: what it reports matches a fresh parse.
	upd := second[0]
	upd.Title = "ours again"
	require.NoError(t, h.s.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: upd}}))
	fromCache := readAll(t, h.s)
	fresh := readAll(t, openStore(t, h.s.path))
	assert.Equal(t, fresh, fromCache)
}

func TestTwoStoresInOneProcessShareTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	a, b := openStore(t, path), openStore(t, path)
	ctx := context.Background()
	require.NoError(t, a.Apply(ctx, creates(newEvent("a", 9))))
	require.NoError(t, b.Apply(ctx, creates(newEvent("b", 10))))
	assert.Len(t, readAll(t, a), 2)
}

func TestEditHiddenFromStatCannotBeOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	s := openStore(t, path)
	ctx := context.Background()
	require.NoError(t, s.Apply(ctx, creates(newEvent("before", 9))))
	read := readAll(t, s)[0]
	fi, err := os.Stat(path)
	require.NoError(t, err)

	// Another program edits in place, same size, and the mtime comes out the same (a coarse
	// clock): the stat check cannot see it.
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	edited := strings.Replace(string(raw), "SUMMARY:before", "SUMMARY:BEFORE", 1)
	require.NotEqual(t, string(raw), edited)
	require.NoError(t, os.WriteFile(path, []byte(edited), 0o600))
	require.NoError(t, os.Chtimes(path, fi.ModTime(), fi.ModTime()))

	upd := read
	upd.Title = "ours"
	err = s.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: upd}})
	require.ErrorIs(t, err, calendar.ErrConflict, "Apply compares bytes, not just the stat")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, edited, string(got), "the other program's edit survives")
	assert.Equal(t, "BEFORE", readAll(t, s)[0].Title, "after a conflict the re-read sees the edit")
}
