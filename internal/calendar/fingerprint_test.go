package calendar

import (
	"bytes"
	"strings"
	"testing"

	"github.com/emersion/go-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTrip encodes e, lets edit change the text as a calendar app would, and reads it back.
func roundTrip(t *testing.T, e Event, edit func(string) string) Event {
	t.Helper()
	cal := NewCalendar()
	cal.Children = append(cal.Children, ToVEvent(e, stamp).Component)
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, cal))
	text := edit(buf.String())
	dec, err := ical.NewDecoder(strings.NewReader(text)).Decode()
	require.NoError(t, err, "edited text:\n%s", text)
	evs := dec.Events()
	require.Len(t, evs, 1)
	got, owned, err := FromVEvent(&evs[0])
	require.NoError(t, err)
	require.True(t, owned)
	return got
}

func TestFingerprintShowsThePersonsEdits(t *testing.T) {
	base := Event{
		UID: uidA, ProfileID: "coding", Title: "Coding, awcal; tests", Start: utc(2025, 3, 30, 9, 0, 0),
		End: utc(2025, 3, 30, 10, 0, 0), Category: "Work", Color: "#3a7bd5", Description: "code: 55 min\nfirefox: 5 min",
	}
	replace := func(old, new string) func(string) string {
		return func(s string) string {
			out := strings.Replace(s, old, new, 1)
			require.NotEqual(t, s, out, "the text has no %q", old)
			return out
		}
	}
	tests := []struct {
		name       string
		edit       func(string) string
		wantLocked bool
	}{
		{"untouched", func(s string) string { return s }, false},
		{"new DTSTAMP, SEQUENCE and LAST-MODIFIED only", func(s string) string {
			s = replace("DTSTAMP:20250330T120000Z", "DTSTAMP:20250401T080000Z")(s)
			return replace("END:VEVENT", "SEQUENCE:3\r\nLAST-MODIFIED:20250401T080000Z\r\nEND:VEVENT")(s)
		}, false},
		{"re-folded and with LF line ends", func(s string) string {
			s = replace("SUMMARY:Coding", "SUMMARY:Cod\r\n ing")(s)
			return strings.ReplaceAll(s, "\r\n", "\n")
		}, false},
		{"commas escaped differently", replace(`SUMMARY:Coding\, awcal\; tests`, `SUMMARY:Coding, awcal\; tests`), false},
		{"summary edited", replace("SUMMARY:Coding", "SUMMARY:Pairing"), true},
		{"end moved", replace("DTEND:20250330T100000Z", "DTEND:20250330T103000Z"), true},
		{"description edited", replace("DESCRIPTION:code", "DESCRIPTION:my notes\\ncode"), true},
		{"category changed", replace("CATEGORIES:Work", "CATEGORIES:Study"), true},
		{"status added", replace("END:VEVENT", "STATUS:CANCELLED\r\nEND:VEVENT"), true},
		{"alarm added", replace("END:VEVENT", "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:r\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT"), true},
		{"location added", replace("END:VEVENT", "LOCATION:Office\r\nEND:VEVENT"), true},
		{"fingerprint removed", func(s string) string {
			i := strings.Index(s, FingerprintProperty)
			j := strings.Index(s[i:], "\r\n")
			return s[:i] + s[i+j+2:]
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := roundTrip(t, base, tc.edit)
			assert.Equal(t, tc.wantLocked, got.Locked)
		})
	}
}

func TestLockAndStatusRoundTrip(t *testing.T) {
	e := Event{UID: uidA, ProfileID: "p", Title: "Reading", Start: utc(2025, 1, 2, 3, 4, 5), End: utc(2025, 1, 2, 4, 4, 5),
		Status: StatusTentative}
	got := roundTrip(t, e, func(s string) string { return s })
	assert.Equal(t, StatusTentative, got.Status)
	assert.False(t, got.Locked)

	e.Status, e.Locked = StatusConfirmed, true
	got = roundTrip(t, e, func(s string) string {
		assert.Contains(t, s, LockProperty+":TRUE\r\n")
		return s
	})
	assert.Equal(t, StatusConfirmed, got.Status)
	assert.True(t, got.Locked, "an event written locked reads back locked")
}

// BenchmarkFingerprint is what reading one owned event costs for its lock check.
func BenchmarkFingerprint(b *testing.B) {
	ev := ToVEvent(Event{UID: uidA, ProfileID: "coding", Title: "Code - main.go, awcal", Start: utc(2025, 3, 30, 9, 0, 0),
		End: utc(2025, 3, 30, 10, 0, 0), Category: "Work", Color: "#3a7bd5", Description: "code: 55 min\nfirefox: 5 min"}, stamp)
	for b.Loop() {
		if editedByPerson(ev) {
			b.Fatal("an untouched event reads as edited")
		}
	}
}
