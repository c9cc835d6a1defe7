package ics

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/cputime"
)

// bigCalendar writes the syncer benchmark's file: owned events (one every 30 minutes, a
// realistic title and description) and foreign ones between them.
func bigCalendar(b *testing.B, owned, foreign int) string {
	path := filepath.Join(b.TempDir(), "activity.ics")
	s, err := Open(path)
	require.NoError(b, err)
	defer s.Close()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	changes := make([]calendar.Change, owned)
	for i := range changes {
		st := start.Add(time.Duration(i) * 30 * time.Minute)
		changes[i] = calendar.Change{Op: calendar.Create, Event: calendar.Event{
			UID: calendar.NewUID(), ProfileID: "coding", Title: fmt.Sprintf("Coding — awcal/internal/calendar %d", i),
			Start: st, End: st.Add(25 * time.Minute), Category: "Work", Color: "#3a7bd5",
			Description: "code: 18 min\nfirefox: 5 min (pkg.go.dev, docs.rs)\nterminal: 2 min",
		}}
	}
	require.NoError(b, s.Apply(context.Background(), changes))
	raw, err := os.ReadFile(path)
	require.NoError(b, err)
	var sb strings.Builder
	for i := range foreign {
		st := start.Add(time.Duration(i)*5*time.Hour + 20*time.Minute).Format("20060102T150405Z")
		fmt.Fprintf(&sb, "BEGIN:VEVENT\r\nUID:foreign-%d@example.com\r\nDTSTAMP:20240101T000000Z\r\n"+
			"DTSTART:%s\r\nDURATION:PT1H\r\nSUMMARY:Meeting %d\r\nLOCATION:Room 4\r\nEND:VEVENT\r\n", i, st, i)
	}
	text := strings.Replace(string(raw), "END:VCALENDAR\r\n", sb.String()+"END:VCALENDAR\r\n", 1)
	require.NoError(b, os.WriteFile(path, []byte(text), 0o600))
	return path
}

// BenchmarkApply is one sync run's write on a file with 10k owned and 1k foreign events: the
// newest block grows, a block is created and an old one deleted (SYNC.md's target: an Apply of
// a few changes well under 100 ms).
func BenchmarkApply(b *testing.B) {
	path := bigCalendar(b, 10_000, 1_000)
	s, err := Open(path)
	require.NoError(b, err)
	defer s.Close()
	ctx := context.Background()
	all := func() []calendar.Event {
		evs, err := s.Owned(ctx, time.Time{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
		require.NoError(b, err)
		return evs
	}
	b.ReportMetric(float64(fileSize(b, path))/1e6, "MB")
	for b.Loop() {
		b.StopTimer()
		evs := all()
		last, first := evs[len(evs)-1], evs[0]
		last.End = last.End.Add(time.Minute)
		next := last
		next.UID = calendar.NewUID()
		next.Start, next.End = last.End.Add(time.Hour), last.End.Add(2*time.Hour)
		b.StartTimer()
		require.NoError(b, s.Apply(ctx, []calendar.Change{
			{Op: calendar.Update, Event: last},
			{Op: calendar.Create, Event: next},
			{Op: calendar.Delete, Event: first},
		}))
	}
}

// BenchmarkOwnedCold reads a day's events from the big file with nothing cached (the first
// run after start).
func BenchmarkOwnedCold(b *testing.B) {
	path := bigCalendar(b, 10_000, 1_000)
	from := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		s, err := Open(path)
		require.NoError(b, err)
		evs, err := s.Owned(context.Background(), from, from.Add(24*time.Hour))
		require.NoError(b, err)
		require.Len(b, evs, 48)
	}
}

// BenchmarkOwnedAfterApply reads a day's events right after an Apply, as every sync run does.
func BenchmarkOwnedAfterApply(b *testing.B) {
	path := bigCalendar(b, 10_000, 1_000)
	s, err := Open(path)
	require.NoError(b, err)
	defer s.Close()
	ctx := context.Background()
	from := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	evs, err := s.Owned(ctx, from, from.Add(24*time.Hour))
	require.NoError(b, err)
	e := evs[0]
	e.Title = "touched"
	require.NoError(b, s.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: e}}))
	for b.Loop() {
		evs, err := s.Owned(ctx, from, from.Add(24*time.Hour))
		require.NoError(b, err)
		require.Len(b, evs, 48)
	}
}

func fileSize(b *testing.B, path string) int64 {
	fi, err := os.Stat(path)
	require.NoError(b, err)
	return fi.Size()
}

// BenchmarkBackfillYear is the store's share of a year's backfill into a file holding 50,000
// foreign events (the reliability test's workload): the syncer cuts a year of heavy activity
// into pieces of about 50,000 events (some 18 days); per piece, the owned events are read and
// the piece's blocks (14 a day) created in one Apply (docs/PERFORMANCE.md: the whole backfill
// ≤ 10 s).
func BenchmarkBackfillYear(b *testing.B) {
	const days, perPiece, perDay = 365, 18, 14
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		path := bigCalendar(b, 1, 50_000)
		s, err := Open(path)
		require.NoError(b, err)
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		b.StartTimer()
		stop := cputime.Start(b)
		for p := 0; p < days; p += perPiece {
			from := start.AddDate(0, 0, p)
			_, err := s.Owned(ctx, from, from.AddDate(0, 0, perPiece))
			require.NoError(b, err)
			var changes []calendar.Change
			for d := p; d < min(p+perPiece, days); d++ {
				day := start.AddDate(0, 0, d)
				for i := range perDay {
					st := day.Add(time.Duration(8*60+i*40) * time.Minute)
					changes = append(changes, calendar.Change{Op: calendar.Create, Event: calendar.Event{
						UID: calendar.NewUID(), ProfileID: "coding", Title: fmt.Sprintf("Coding — awcal %d", i),
						Start: st, End: st.Add(35 * time.Minute), Category: "Work", Color: "#3a7bd5",
						Description: "code: 18 min\nfirefox: 5 min (pkg.go.dev, docs.rs)\nterminal: 2 min",
					}})
				}
			}
			require.NoError(b, s.Apply(ctx, changes))
		}
		stop()
		b.ReportMetric(float64(fileSize(b, path))/1e6, "MB")
		require.NoError(b, s.Close())
	}
}
