package ics_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/ics"
)

// FuzzICSFile feeds the store arbitrary files (issue #7: the ICS reader on arbitrary files).
// Reading never panics. A file that does not parse (ParseError) is never written: Apply fails
// and leaves its bytes as they were. A file that parses but holds an owned event that cannot
// be read may take new events, but keeps that event as it was (reading still fails the same
// way) rather than dropping it. A file that reads takes a new event and gives it back, keeps
// the events it had, and after deleting the new event holds exactly the events it began with.
func FuzzICSFile(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "*.ics"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n X-AWCAL-PROFILE:p\r\nEND:VEVENT\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))

	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join(t.TempDir(), "cal.ics")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := ics.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		all := func() ([]calendar.Event, error) {
			return s.Owned(ctx, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
		}
		before, readErr := all()
		ev := calendar.Event{
			UID: calendar.NewUID(), ProfileID: "fuzz", Title: "Fuzz block",
			Start: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
		}
		applyErr := s.Apply(ctx, []calendar.Change{{Op: calendar.Create, Event: ev}})
		var pe *ics.ParseError
		switch {
		case readErr != nil && errors.As(readErr, &pe):
			if applyErr == nil {
				t.Fatalf("a file that does not parse (%v) was written", readErr)
			}
			after, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(after, raw) {
				t.Fatalf("a file that does not parse was changed (read error: %v)", err)
			}
			return
		case readErr != nil:
			if applyErr == nil {
				if _, err := all(); err == nil || err.Error() != readErr.Error() {
					t.Fatalf("an unreadable owned event (%v) did not survive a write: now %v", readErr, err)
				}
			} else if after, _ := os.ReadFile(path); !bytes.Equal(after, raw) {
				t.Fatal("a refused write changed the file")
			}
			return
		}
		if applyErr != nil {
			// A readable file may still refuse the write (a UID clash is a conflict), but
			// then it must be untouched.
			if !errors.Is(applyErr, calendar.ErrConflict) {
				t.Fatalf("creating an event in a readable file: %v", applyErr)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, raw) {
				t.Fatal("a refused write changed the file")
			}
			return
		}
		withNew, err := all()
		if err != nil {
			t.Fatalf("the file awcal wrote does not read back: %v", err)
		}
		if len(withNew) != len(before)+1 || !hasUID(withNew, ev.UID) {
			t.Fatalf("after a create: %d events (want %d, with %s)", len(withNew), len(before)+1, ev.UID)
		}
		for _, e := range before {
			if !hasUID(withNew, e.UID) {
				t.Fatalf("event %s vanished after an unrelated create", e.UID)
			}
		}
		var created calendar.Event
		for _, e := range withNew {
			if e.UID == ev.UID {
				created = e
			}
		}
		if err := s.Apply(ctx, []calendar.Change{{Op: calendar.Delete, Event: created}}); err != nil {
			t.Fatalf("deleting the event just created: %v", err)
		}
		after, err := all()
		if err != nil {
			t.Fatalf("the file does not read after a delete: %v", err)
		}
		if len(after) != len(before) {
			t.Fatalf("create then delete: %d events, began with %d", len(after), len(before))
		}
		for i := range after {
			if after[i].UID != before[i].UID || !after[i].Start.Equal(before[i].Start) || !after[i].End.Equal(before[i].End) ||
				after[i].Title != before[i].Title {
				t.Fatalf("create then delete changed event %d: %+v, was %+v", i, after[i], before[i])
			}
		}
	})
}

func hasUID(evs []calendar.Event, uid string) bool {
	for _, e := range evs {
		if e.UID == uid {
			return true
		}
	}
	return false
}
