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
	"github.com/awcal/awcal/internal/corrections"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// yearOfEvents is a year of owned events before day (24 a day, ≈8,800) and 1,000 foreign
// VEVENTs among them.
func yearOfEvents(day time.Time) (owned []calendar.Change, foreign []string) {
	start := day.AddDate(-1, 0, 0)
	for i := range 1000 {
		st := start.Add(time.Duration(i)*8*time.Hour + 20*time.Minute).Format("20060102T150405Z")
		foreign = append(foreign, fmt.Sprintf("BEGIN:VEVENT\r\nUID:foreign-%d@example.com\r\nDTSTAMP:20250101T000000Z\r\n"+
			"DTSTART:%s\r\nDURATION:PT45M\r\nSUMMARY:Appointment %d\r\nCATEGORIES:Work\r\nEND:VEVENT\r\n", i, st, i))
	}
	profiles := profile.Starters()
	for d := start; d.Before(day); d = d.AddDate(0, 0, 1) {
		for h := range 24 {
			p := profiles[h%len(profiles)]
			st := d.Add(7*time.Hour + time.Duration(h)*30*time.Minute)
			owned = append(owned, calendar.Change{Op: calendar.Create, Event: calendar.Event{
				UID: calendar.NewUID(), ProfileID: p.ID, Title: fmt.Sprintf("%s block %d", p.Name, h),
				Start: st, End: st.Add(25 * time.Minute), Category: p.Category, Color: p.Color,
				Description: "Code — main.go: 18 min\ngithub.com: 5 min\nterminal: 2 min",
			}})
		}
	}
	return owned, foreign
}

// yearCalendar writes an .ics file holding yearOfEvents.
func yearCalendar(b *testing.B, path string, day time.Time) {
	b.Helper()
	owned, foreign := yearOfEvents(day)
	text := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Calendar//EN\r\n" +
		strings.Join(foreign, "") + "END:VCALENDAR\r\n"
	require.NoError(b, os.WriteFile(path, []byte(text), 0o600))
	store, err := ics.Open(path)
	require.NoError(b, err)
	defer store.Close()
	require.NoError(b, store.Apply(context.Background(), owned))
}

// BenchmarkIncrementalSyncMemory is BenchmarkIncrementalSync with the in-memory calendar: the
// syncer's own share (aw-server over HTTP, the engine, the plan, the state file) without the
// calendar file's.
func BenchmarkIncrementalSyncMemory(b *testing.B) {
	data, day, _ := dayOf(fakedata.Heavy, 11)
	w := newWorld(b, profile.Starters()...)
	newReplay(w.aw, data).advance(day.Add(24 * time.Hour))
	owned, foreign := yearOfEvents(day)
	for i, f := range foreign {
		w.mem.AddForeign(fmt.Sprintf("foreign-%d@example.com", i), f)
	}
	require.NoError(b, w.mem.Apply(context.Background(), owned))
	at := day.Add(11 * time.Hour)
	_, err := w.sync(at.Add(-10 * time.Minute))
	require.NoError(b, err)
	state, err := os.ReadFile(w.statePath)
	require.NoError(b, err)
	before, err := w.mem.Owned(context.Background(), day, at)
	require.NoError(b, err)

	var rep *syncer.Report
	for b.Loop() {
		b.StopTimer()
		// Undo the previous iteration: the events of the day as they were, and the state.
		now, err := w.mem.Owned(context.Background(), day, at)
		require.NoError(b, err)
		var drop, restore []calendar.Change
		for _, e := range now {
			drop = append(drop, calendar.Change{Op: calendar.Delete, Event: e})
		}
		for _, e := range before {
			restore = append(restore, calendar.Change{Op: calendar.Create, Event: e})
		}
		require.NoError(b, w.mem.Apply(context.Background(), drop))
		require.NoError(b, w.mem.Apply(context.Background(), restore))
		require.NoError(b, os.WriteFile(w.statePath, state, 0o600))
		w.now = at
		b.StartTimer()
		rep, err = w.syncer().Run(context.Background(), syncer.Request{Trigger: syncer.Manual})
		require.NoError(b, err)
	}
	b.ReportMetric(float64(rep.Created+rep.Updated+rep.Deleted), "writes/op")
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
			// After a year of use the corrections file knows every owned event.
			ledgerPath := corrections.PathBeside(w.statePath)
			ledger, err := corrections.Load(ledgerPath)
			require.NoError(b, err)
			all, err := store.Owned(context.Background(), day.AddDate(-1, 0, 0), day.AddDate(0, 0, 2))
			require.NoError(b, err)
			for _, e := range all {
				require.NoError(b, ledger.Know(e.UID, corrections.Known{ProfileID: e.ProfileID, Start: e.Start, End: e.End}))
			}
			require.NoError(b, ledger.Save())
			ledgerData, err := os.ReadFile(ledgerPath)
			require.NoError(b, err)
			knownDir := filepath.Join(dir, "known")
			knownSaved := filepath.Join(dir, "known-saved")
			require.NoError(b, os.Rename(knownDir, knownSaved))
			require.NoError(b, store.Close())
			copyFile(b, path, template)
			state, err := os.ReadFile(w.statePath)
			require.NoError(b, err)

			var rep *syncer.Report
			for b.Loop() {
				b.StopTimer()
				copyFile(b, template, path)
				require.NoError(b, os.WriteFile(w.statePath, state, 0o600))
				require.NoError(b, os.WriteFile(ledgerPath, ledgerData, 0o600))
				require.NoError(b, os.RemoveAll(knownDir))
				require.NoError(b, os.CopyFS(knownDir, os.DirFS(knownSaved)))
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
