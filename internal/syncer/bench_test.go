package syncer_test

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
	"github.com/awcal/awcal/internal/calendar/ics"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// yearCalendar writes an .ics file holding a year of owned events before day (24 a day, ≈8,800)
// and 1,000 foreign ones among them.
func yearCalendar(b *testing.B, path string, day time.Time) {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Calendar//EN\r\n")
	start := day.AddDate(-1, 0, 0)
	for i := range 1000 {
		st := start.Add(time.Duration(i)*8*time.Hour + 20*time.Minute).Format("20060102T150405Z")
		fmt.Fprintf(&sb, "BEGIN:VEVENT\r\nUID:foreign-%d@example.com\r\nDTSTAMP:20250101T000000Z\r\n"+
			"DTSTART:%s\r\nDURATION:PT45M\r\nSUMMARY:Appointment %d\r\nCATEGORIES:Work\r\nEND:VEVENT\r\n", i, st, i)
	}
	sb.WriteString("END:VCALENDAR\r\n")
	require.NoError(b, os.WriteFile(path, []byte(sb.String()), 0o600))

	store, err := ics.Open(path)
	require.NoError(b, err)
	defer store.Close()
	profiles := profile.Starters()
	var changes []calendar.Change
	for d := start; d.Before(day); d = d.AddDate(0, 0, 1) {
		for h := range 24 {
			p := profiles[h%len(profiles)]
			st := d.Add(7*time.Hour + time.Duration(h)*30*time.Minute)
			changes = append(changes, calendar.Change{Op: calendar.Create, Event: calendar.Event{
				UID: calendar.NewUID(), ProfileID: p.ID, Title: fmt.Sprintf("%s block %d", p.Name, h),
				Start: st, End: st.Add(25 * time.Minute), Category: p.Category, Color: p.Color,
				Description: "Code — main.go: 18 min\ngithub.com: 5 min\nterminal: 2 min",
			}})
		}
	}
	require.NoError(b, store.Apply(context.Background(), changes))
}

// BenchmarkIncrementalSync is one sync run of 10 minutes of new activity on a heavy workday,
// end to end: aw-server (in-process, over HTTP), the engine, and an .ics calendar holding a
// year of owned events and 1,000 foreign ones. Target: < 100 ms (SYNC.md §5).
//
// "cold" opens the calendar file first, as `awcal sync` does; "warm" reuses a store that has
// read it before, as the tray app does.
func BenchmarkIncrementalSync(b *testing.B) {
	for _, warm := range []bool{false, true} {
		name := "cold"
		if warm {
			name = "warm"
		}
		b.Run(name, func(b *testing.B) {
			data, day, _ := dayOf(fakedata.Heavy, 11)
			w := newWorld(b, profile.Starters()...)
			newReplay(w.aw, data).advance(day.Add(24 * time.Hour))
			dir := b.TempDir()
			template := filepath.Join(dir, "template.ics")
			yearCalendar(b, template, day)

			// The previous run, ten minutes ago, leaves the state and the calendar to start from.
			at := day.Add(11 * time.Hour)
			path := filepath.Join(dir, "activity.ics")
			copyFile(b, template, path)
			store := openICS(b, path)
			w.store = store
			w.statePath = filepath.Join(dir, "state.json")
			_, err := w.sync(at.Add(-10 * time.Minute))
			require.NoError(b, err)
			require.NoError(b, store.Close())
			copyFile(b, path, template)
			state, err := os.ReadFile(w.statePath)
			require.NoError(b, err)

			var rep *syncer.Report
			for b.Loop() {
				b.StopTimer()
				copyFile(b, template, path)
				require.NoError(b, os.WriteFile(w.statePath, state, 0o600))
				var store *ics.Store
				if warm {
					store = openICS(b, path)
					_, err := store.Owned(context.Background(), day, at)
					require.NoError(b, err)
				}
				w.now = at
				b.StartTimer()
				if !warm {
					store = openICS(b, path) // `awcal sync` opens the file on every run
				}
				w.store = store
				rep, err = w.syncer().Run(context.Background(), syncer.Request{Trigger: syncer.Manual})
				require.NoError(b, err)
				b.StopTimer()
				require.NoError(b, store.Close())
				b.StartTimer()
			}
			b.ReportMetric(float64(rep.Created+rep.Updated+rep.Deleted), "writes/op")
			b.ReportMetric(rep.To.Sub(rep.DerivedFrom).Minutes(), "derived-min/op")
		})
	}
}

func openICS(b *testing.B, path string) *ics.Store {
	store, err := ics.Open(path)
	require.NoError(b, err)
	return store
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	data, err := os.ReadFile(from)
	require.NoError(b, err)
	require.NoError(b, os.WriteFile(to, data, 0o600))
}
