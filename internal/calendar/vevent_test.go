package calendar

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin without depending on the machine's zoneinfo
	"unicode/utf8"

	"github.com/emersion/go-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	uidA = "0123456789abcdef0123456789abcdef@awcal"
	uidB = "fedcba9876543210fedcba9876543210@awcal"
)

var stamp = time.Date(2025, 3, 30, 12, 0, 0, 0, time.UTC)

func berlin(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	return loc
}

func utc(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

// goldenCases are the events whose encoding is pinned in testdata/<name>.ics; they also seed
// the fuzz target.
func goldenCases(t testing.TB) []struct {
	name   string
	events []Event
} {
	loc := berlin(t)
	basic := Event{
		UID: uidA, ProfileID: "coding", Title: "Coding — awcal",
		Start: utc(2025, 3, 30, 9, 0, 0), End: utc(2025, 3, 30, 10, 10, 7),
		Category: "Work", Color: "#3a7bd5",
		Description: "code: 55 min\nfirefox: 15 min (docs.rs)",
	}
	return []struct {
		name   string
		events []Event
	}{
		{"empty", nil},
		{"basic", []Event{basic}},
		{"minimal", []Event{{UID: uidA, ProfileID: "p1", Title: "Reading",
			Start: utc(2025, 1, 2, 3, 4, 5), End: utc(2025, 1, 2, 4, 4, 5)}}},
		{"crosses-midnight", []Event{{UID: uidA, ProfileID: "late", Title: "Night shift",
			Start: utc(2025, 6, 1, 22, 30, 0), End: utc(2025, 6, 3, 1, 15, 59), Category: "Ops", Color: "#000000"}}},
		{"empty-event", []Event{{UID: uidA, ProfileID: "p", Title: "Blip",
			Start: utc(2025, 1, 1, 0, 0, 0), End: utc(2025, 1, 1, 0, 0, 0)}}},
		{"escaping", []Event{{UID: uidA, ProfileID: "id,with;specials\\", Title: `a, b; c \ d`,
			Start: utc(2025, 2, 1, 8, 0, 0), End: utc(2025, 2, 1, 9, 0, 0),
			Category: "Work, deep; focus", Color: "teal", Description: "line 1\nline 2\r\nline 3\ttabbed"}}},
		{"long-utf8", []Event{{UID: uidA, ProfileID: "writing",
			Title: strings.Repeat("Überprüfung des Kalenders ✓ ", 6) + "日本語のタイトル🙂",
			Start: utc(2025, 4, 1, 8, 0, 0), End: utc(2025, 4, 1, 8, 30, 0),
			Description: strings.Repeat("ü", 200)}}},
		{"local-subsecond", []Event{{UID: uidA, ProfileID: "dst", Title: "Across the DST change",
			Start: time.Date(2025, 3, 30, 1, 30, 0, 999_999_999, loc),
			End:   time.Date(2025, 3, 30, 3, 30, 0, 123, loc)}}},
		{"two-events", []Event{basic, {UID: uidB, ProfileID: "reading", Title: "Reading",
			Start: utc(2025, 3, 30, 11, 0, 0), End: utc(2025, 3, 30, 11, 45, 0), Category: "Study", Color: "#e0e"}}},
	}
}

func encodeEvents(t testing.TB, events []Event) []byte {
	cal := NewCalendar()
	for _, e := range events {
		cal.Children = append(cal.Children, ToVEvent(e, stamp).Component)
	}
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, cal))
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			got := encodeEvents(t, tc.events)
			path := filepath.Join("testdata", tc.name+".ics")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -update to create the golden file")
			assert.Equal(t, string(want), string(got))

			for i, line := range strings.Split(strings.TrimSuffix(string(got), "\r\n"), "\r\n") {
				assert.LessOrEqual(t, len(line), 75, "line %d is longer than 75 octets: %q", i+1, line)
				assert.True(t, utf8.ValidString(line), "line %d splits a UTF-8 sequence: %q", i+1, line)
				assert.NotContains(t, line, "VALUE=TEXT", "line %d", i+1)
				assert.NotContains(t, line, "\n", "line %d has a bare LF", i+1)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range goldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			cal, err := ical.NewDecoder(bytes.NewReader(encodeEvents(t, tc.events))).Decode()
			require.NoError(t, err)
			assert.Equal(t, ProdID, cal.Props.Get(ical.PropProductID).Value)
			assert.Equal(t, "2.0", cal.Props.Get(ical.PropVersion).Value)
			evs := cal.Events()
			require.Len(t, evs, len(tc.events))
			for i, ev := range evs {
				got, owned, err := FromVEvent(&ev)
				require.NoError(t, err)
				assert.True(t, owned, "an event awcal wrote must read back as owned")
				assert.Equal(t, Normalize(tc.events[i]), got)
				assert.Equal(t, time.UTC, got.Start.Location())
				assert.Equal(t, time.UTC, got.End.Location())
			}
		})
	}
}

func TestRoundTripKeepsLocalInstants(t *testing.T) {
	loc := berlin(t)
	// 01:30 CET and 03:30 CEST on the day of the spring-forward change are one hour apart.
	e := Event{UID: uidA, ProfileID: "p", Start: time.Date(2025, 3, 30, 1, 30, 0, 0, loc),
		End: time.Date(2025, 3, 30, 3, 30, 0, 0, loc)}
	got, owned, err := FromVEvent(ToVEvent(e, stamp))
	require.NoError(t, err)
	require.True(t, owned)
	assert.Equal(t, utc(2025, 3, 30, 0, 30, 0), got.Start)
	assert.Equal(t, time.Hour, got.End.Sub(got.Start))
}

func parseEvent(t testing.TB, lines ...string) *ical.Event {
	text := "BEGIN:VCALENDAR\r\nPRODID:x\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n" +
		strings.Join(lines, "\r\n") + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	cal, err := ical.NewDecoder(strings.NewReader(text)).Decode()
	require.NoError(t, err)
	evs := cal.Events()
	require.Len(t, evs, 1)
	return &evs[0]
}

func TestFromVEvent(t *testing.T) {
	stamp := "DTSTAMP:20250101T000000Z"
	tests := []struct {
		name    string
		lines   []string
		owned   bool
		wantErr bool
		want    Event
	}{
		{name: "foreign: no marker", lines: []string{"UID:" + uidA, stamp, "DTSTART:20250101T100000Z"}},
		{name: "foreign: marker but foreign UID", lines: []string{"UID:meeting-1@example.com", stamp,
			"DTSTART:20250101T100000Z", MarkerProperty + ":coding"}},
		{name: "foreign: UID merely ends in @awcal", lines: []string{"UID:xyz@awcal", stamp,
			"DTSTART:20250101T100000Z", MarkerProperty + ":coding"}},
		{name: "foreign: empty marker", lines: []string{"UID:" + uidA, stamp, "DTSTART:20250101T100000Z",
			MarkerProperty + ":"}},
		{name: "foreign even with broken times", lines: []string{"UID:other", stamp, "DTSTART:garbage"}},
		{name: "owned with TZID and DURATION", owned: true, lines: []string{"UID:" + uidA, stamp,
			"DTSTART;TZID=Europe/Berlin:20250330T013000", "DURATION:PT1H30M", MarkerProperty + ";VALUE=TEXT:coding",
			"SUMMARY:Edited, in a client", "CATEGORIES:Work,Extra", "COLOR:teal"},
			want: Event{UID: uidA, ProfileID: "coding", Title: "Edited, in a client", Category: "Work",
				Color: "teal", Start: utc(2025, 3, 30, 0, 30, 0), End: utc(2025, 3, 30, 2, 0, 0)}},
		{name: "owned without DTEND is empty", owned: true, lines: []string{"UID:" + uidA, stamp,
			"DTSTART:20250101T100000Z", MarkerProperty + ":p"},
			want: Event{UID: uidA, ProfileID: "p", Start: utc(2025, 1, 1, 10, 0, 0), End: utc(2025, 1, 1, 10, 0, 0)}},
		{name: "owned keeps unknown escapes", owned: true, lines: []string{"UID:" + uidA, stamp,
			"DTSTART:20250101T100000Z", MarkerProperty + ":p", `SUMMARY:C:\x\\y\,z`},
			want: Event{UID: uidA, ProfileID: "p", Title: `C:\x\y,z`, Start: utc(2025, 1, 1, 10, 0, 0),
				End: utc(2025, 1, 1, 10, 0, 0)}},
		{name: "owned without DTSTART", owned: true, wantErr: true, lines: []string{"UID:" + uidA, stamp,
			MarkerProperty + ":p"}},
		{name: "owned with bad DTSTART", owned: true, wantErr: true, lines: []string{"UID:" + uidA, stamp,
			"DTSTART:2025-01-01", MarkerProperty + ":p"}},
		{name: "owned with unknown TZID", owned: true, wantErr: true, lines: []string{"UID:" + uidA, stamp,
			"DTSTART;TZID=Nowhere/Special:20250101T100000", MarkerProperty + ":p"}},
		{name: "owned ending before it starts", owned: true, wantErr: true, lines: []string{"UID:" + uidA, stamp,
			"DTSTART:20250101T100000Z", "DTEND:20250101T090000Z", MarkerProperty + ":p"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, owned, err := FromVEvent(parseEvent(t, tc.lines...))
			assert.Equal(t, tc.owned, owned)
			if tc.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), uidA, "the error must name the event")
				return
			}
			require.NoError(t, err)
			if !tc.owned {
				assert.Equal(t, Event{UID: strings.TrimPrefix(tc.lines[0], "UID:")}, got,
					"a foreign event is not read beyond its UID")
				return
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestToVEventLeavesOutEmptyFields(t *testing.T) {
	ev := ToVEvent(Event{UID: uidA, ProfileID: "p", Start: utc(2025, 1, 1, 0, 0, 0), End: utc(2025, 1, 1, 0, 0, 0)}, stamp)
	for _, name := range []string{ical.PropSummary, ical.PropCategories, ical.PropColor, colorProperty,
		ical.PropDescription, ical.PropDateTimeEnd} {
		assert.Nil(t, ev.Props.Get(name), "%s must be left out", name)
	}
	marker := ev.Props.Get(MarkerProperty)
	require.NotNil(t, marker)
	assert.Empty(t, marker.Params, "the marker must carry no parameters (no VALUE=TEXT)")
}

func TestNewUID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		uid := NewUID()
		require.True(t, IsAwcalUID(uid), "NewUID made %q, which IsAwcalUID rejects", uid)
		require.False(t, seen[uid], "NewUID repeated %q", uid)
		seen[uid] = true
	}
}

func TestIsAwcalUID(t *testing.T) {
	tests := []struct {
		uid  string
		want bool
	}{
		{uidA, true},
		{"", false},
		{"@awcal", false},
		{"0123456789ABCDEF0123456789abcdef@awcal", false},
		{"0123456789abcdef0123456789abcde@awcal", false},
		{"0123456789abcdef0123456789abcdef0@awcal", false},
		{"0123456789abcdef0123456789abcdeg@awcal", false},
		{"0123456789abcdef0123456789abcdef@awcal.org", false},
		{"meeting@example.com", false},
	}
	for _, tc := range tests {
		t.Run(tc.uid, func(t *testing.T) {
			assert.Equal(t, tc.want, IsAwcalUID(tc.uid))
		})
	}
}

func TestOverlaps(t *testing.T) {
	from, to := utc(2025, 1, 1, 10, 0, 0), utc(2025, 1, 1, 12, 0, 0)
	ev := func(s, e time.Time) Event { return Event{Start: s, End: e} }
	tests := []struct {
		name string
		e    Event
		want bool
	}{
		{"equal to the range", ev(from, to), true},
		{"inside", ev(from.Add(time.Minute), to.Add(-time.Minute)), true},
		{"covers the range", ev(from.Add(-time.Hour), to.Add(time.Hour)), true},
		{"ends at from", ev(from.Add(-time.Hour), from), false},
		{"starts at to", ev(to, to.Add(time.Hour)), false},
		{"crosses from", ev(from.Add(-time.Hour), from.Add(time.Second)), true},
		{"crosses to", ev(to.Add(-time.Second), to.Add(time.Hour)), true},
		{"empty at from", ev(from, from), true},
		{"empty inside", ev(from.Add(time.Hour), from.Add(time.Hour)), true},
		{"empty at to", ev(to, to), false},
		{"before", ev(from.Add(-2*time.Hour), from.Add(-time.Hour)), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Overlaps(tc.e, from, to))
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Event{UID: uidA, ProfileID: "p", Start: utc(2025, 1, 1, 10, 0, 0), End: utc(2025, 1, 1, 11, 0, 0)}
	tests := []struct {
		name     string
		mutate   func(*Event)
		wantErr  bool
		notOwned bool
	}{
		{name: "valid", mutate: func(*Event) {}},
		{name: "empty event", mutate: func(e *Event) { e.End = e.Start }},
		{name: "foreign UID", mutate: func(e *Event) { e.UID = "x@example.com" }, wantErr: true, notOwned: true},
		{name: "no profile", mutate: func(e *Event) { e.ProfileID = "" }, wantErr: true, notOwned: true},
		{name: "profile of control characters", mutate: func(e *Event) { e.ProfileID = "\x00\x01" }, wantErr: true, notOwned: true},
		{name: "end before start", mutate: func(e *Event) { e.End = e.Start.Add(-time.Second) }, wantErr: true},
		{name: "zero times", mutate: func(e *Event) { e.Start, e.End = time.Time{}, time.Time{} }, wantErr: true},
		{name: "year 10000", mutate: func(e *Event) { e.End = utc(10000, 1, 1, 0, 0, 0) }, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := ok
			tc.mutate(&e)
			err := e.Validate()
			if !tc.wantErr {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.notOwned, errors.Is(err, ErrNotOwned), "errors.Is(err, ErrNotOwned) for %v", err)
		})
	}
}

func TestValidateChanges(t *testing.T) {
	a := Event{UID: uidA, ProfileID: "p", Start: utc(2025, 1, 1, 10, 0, 0), End: utc(2025, 1, 1, 11, 0, 0)}
	b := a
	b.UID = uidB
	tests := []struct {
		name     string
		changes  []Change
		wantErr  bool
		notOwned bool
	}{
		{name: "none", changes: nil},
		{name: "one of each", changes: []Change{{Create, a}, {Update, b}, {Delete, Event{UID: NewUID()}}}},
		{name: "delete needs no profile", changes: []Change{{Delete, Event{UID: uidA}}}},
		{name: "delete of a foreign UID", changes: []Change{{Delete, Event{UID: "x"}}}, wantErr: true, notOwned: true},
		{name: "update without profile", changes: []Change{{Update, Event{UID: uidA}}}, wantErr: true, notOwned: true},
		{name: "UID twice", changes: []Change{{Create, a}, {Delete, a}}, wantErr: true},
		{name: "unknown op", changes: []Change{{Op(9), a}}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateChanges(tc.changes)
			if !tc.wantErr {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.notOwned, errors.Is(err, ErrNotOwned), "errors.Is(err, ErrNotOwned) for %v", err)
		})
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"tab\tand\nnewline", "tab\tand\nnewline"},
		{"crlf\r\nand\rcr", "crlf\nand\ncr"},
		{"nul\x00esc\x1bdel\x7f", "nulescdel"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, Normalize(Event{Title: tc.in}).Title)
		})
	}
}

func TestCSSColorName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"#ff0000", "red"},
		{"#F00", "red"},
		{"#3a7bd5", "royalblue"},
		{"#000000", "black"},
		{"Teal", "teal"},
		{"", ""},
		{"#12345", ""},
		{"#gggggg", ""},
		{"not a colour", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, cssColorName(tc.in))
		})
	}
}

func TestWriteFolded(t *testing.T) {
	tests := []struct{ name, line string }{
		{"short", "SUMMARY:x"},
		{"exactly 75", "SUMMARY:" + strings.Repeat("a", 67)},
		{"76", "SUMMARY:" + strings.Repeat("a", 68)},
		{"two-byte runes", "SUMMARY:" + strings.Repeat("ü", 100)},
		{"four-byte runes", "SUMMARY:" + strings.Repeat("🙂", 60)},
		{"mixed", "DESCRIPTION:a" + strings.Repeat("ü🙂x", 50)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, writeFolded(&buf, []byte(tc.line+"\r\n")))
			out := buf.String()
			require.True(t, strings.HasSuffix(out, "\r\n"))
			physical := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
			for i, l := range physical {
				assert.LessOrEqual(t, len(l), 75, "line %d", i)
				assert.True(t, utf8.ValidString(l), "line %d splits a character: %q", i, l)
				if i > 0 {
					assert.True(t, strings.HasPrefix(l, " "), "a continuation line starts with a space")
				}
			}
			assert.Equal(t, tc.line, strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", ""),
				"unfolding must give the line back")
		})
	}
}

func TestEncodeEmptyCalendarDecodes(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, NewCalendar()))
	assert.Equal(t, "BEGIN:VCALENDAR\r\nPRODID:-//awcal//awcal//EN\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", buf.String())
	cal, err := ical.NewDecoder(&buf).Decode()
	require.NoError(t, err)
	assert.Empty(t, cal.Children)
}

// FuzzFromVEvent decodes arbitrary calendars: FromVEvent must not panic, a foreign event must
// come back with no more than its UID, and an owned event that a store could write must survive
// ToVEvent → Encode → decode → FromVEvent as Normalize leaves it.
func FuzzFromVEvent(f *testing.F) {
	for _, tc := range goldenCases(f) {
		f.Add(encodeEvents(f, tc.events))
	}
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:" + uidA + "\r\nDTSTART;TZID=Europe/Berlin:20250330T023000\r\n" +
		"DURATION:P1DT2H\r\n" + MarkerProperty + ":x\\,y\r\nSUMMARY:a,b\\nc\\q\r\nCATEGORIES:A\\,B,C\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:" + uidA + "\r\nDTSTART;VALUE=DATE:20250101\r\n" +
		MarkerProperty + ":p\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, ok := decodeOrSkip(data)
		if !ok {
			return
		}
		for _, ev := range cal.Events() {
			e, owned, err := FromVEvent(&ev)
			if !owned {
				require.NoError(t, err)
				require.Equal(t, Event{UID: e.UID}, e)
				continue
			}
			if err != nil || e.Validate() != nil {
				continue
			}
			back := NewCalendar()
			back.Children = append(back.Children, ToVEvent(e, stamp).Component)
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, back))
			again, err := ical.NewDecoder(&buf).Decode()
			require.NoError(t, err, "awcal's own output must decode:\n%s", buf.String())
			evs := again.Events()
			require.Len(t, evs, 1)
			got, owned, err := FromVEvent(&evs[0])
			require.NoError(t, err)
			require.True(t, owned)
			require.Equal(t, Normalize(e), got)
		}
	})
}

// decodeOrSkip decodes with go-ical, which panics on some malformed content lines (an index out
// of range on a parameter with no colon after it); such input is not what this target tests.
func decodeOrSkip(data []byte) (cal *ical.Calendar, ok bool) {
	defer func() {
		if recover() != nil {
			cal, ok = nil, false
		}
	}()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	return cal, err == nil
}
