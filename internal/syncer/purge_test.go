package syncer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/ics"
	"github.com/awcal/awcal/internal/calendar/memstore"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// foreignOldVEvent is a person's own event that even carries the purged profile's marker, under
// a foreign UID: a purge must leave it alone.
const foreignOldVEvent = "BEGIN:VEVENT\r\nUID:lunch-1@example.com\r\nDTSTAMP:20260301T080000Z\r\n" +
	"DTSTART:20260302T120000Z\r\nDTEND:20260302T130000Z\r\nSUMMARY:Lunch\r\nCATEGORIES:Work\r\n" +
	"X-AWCAL-PROFILE:old\r\nEND:VEVENT\r\n"

// purgeCalendar is a calendar holding events of the profiles "old" (to purge) and "coding",
// and two foreign events that carry those profiles' markers.
type purgeCalendar struct {
	store syncer.Store
	// raw is the calendar's text: the .ics file, or the foreign events of the memory store.
	raw func() []byte
}

var purgeStores = map[string]func(t *testing.T) purgeCalendar{
	"memory": func(t *testing.T) purgeCalendar {
		mem := memstore.New()
		mem.AddForeign("dentist-1@example.com", foreignVEvent)
		mem.AddForeign("lunch-1@example.com", foreignOldVEvent)
		return purgeCalendar{store: mem, raw: func() []byte {
			a, _ := mem.Foreign("dentist-1@example.com")
			b, _ := mem.Foreign("lunch-1@example.com")
			return []byte(a + b)
		}}
	},
	"ics": func(t *testing.T) purgeCalendar {
		path := filepath.Join(t.TempDir(), "activity.ics")
		text := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Calendar//EN\r\n" +
			foreignVEvent + foreignOldVEvent + "END:VCALENDAR\r\n"
		require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
		st, err := ics.Open(path)
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		return purgeCalendar{store: st, raw: func() []byte {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			return b
		}}
	},
}

// fill writes the owned events: three of "old" (one a year earlier) and two of "coding".
func (c purgeCalendar) fill(t *testing.T) {
	t.Helper()
	ev := func(profileID, title string, start time.Time, minutes int) calendar.Change {
		return calendar.Change{Op: calendar.Create, Event: calendar.Event{
			UID: calendar.NewUID(), ProfileID: profileID, Title: title, Start: start,
			End: start.Add(time.Duration(minutes) * time.Minute), Category: "Work", Color: "#4c8bf5",
		}}
	}
	require.NoError(t, c.store.Apply(context.Background(), []calendar.Change{
		ev("old", "Old a year ago", hm(9, 0).AddDate(-1, 0, 0), 60),
		ev("old", "Old morning", hm(9, 0), 30),
		ev("old", "Old afternoon", hm(14, 0), 60),
		ev("coding", "Code - main.go", hm(10, 0), 60),
		ev("coding", "Code - a year ago", hm(11, 0).AddDate(-1, 0, 0), 60),
	}))
}

func (c purgeCalendar) owned(t *testing.T) []calendar.Event {
	t.Helper()
	evs, err := c.store.Owned(context.Background(), time.Unix(0, 0), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	return evs
}

// without returns the .ics text with the VEVENT of each event in evs cut out, as a store that
// splices would write it; for the memory store's foreign text it returns it as it is.
func without(t *testing.T, raw []byte, evs []calendar.Event) []byte {
	t.Helper()
	out := bytes.Clone(raw)
	for _, e := range evs {
		at := bytes.Index(out, []byte("UID:"+e.UID+"\r\n"))
		if at < 0 {
			continue
		}
		begin := bytes.LastIndex(out[:at], []byte("BEGIN:VEVENT\r\n"))
		end := at + bytes.Index(out[at:], []byte("END:VEVENT\r\n")) + len("END:VEVENT\r\n")
		require.True(t, begin >= 0 && end > at, "event %s is not a VEVENT block", e.UID)
		out = append(out[:begin], out[end:]...)
	}
	return out
}

func titles(evs []calendar.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.ProfileID+": "+e.Title)
	}
	return out
}

func TestPurgeProfile(t *testing.T) {
	tests := []struct {
		name      string
		profileID string
		from, to  time.Time
		dryRun    bool
		want      []string // the events returned, in order
	}{
		{name: "every event of the profile", profileID: "old",
			want: []string{"old: Old a year ago", "old: Old morning", "old: Old afternoon"}},
		{name: "a range", profileID: "old", from: monday, to: hm(12, 0),
			want: []string{"old: Old morning"}},
		{name: "only a start", profileID: "old", from: hm(13, 0),
			want: []string{"old: Old afternoon"}},
		{name: "only an end", profileID: "old", to: monday,
			want: []string{"old: Old a year ago"}},
		{name: "a dry run writes nothing", profileID: "old", dryRun: true,
			want: []string{"old: Old a year ago", "old: Old morning", "old: Old afternoon"}},
		{name: "a profile without events", profileID: "gone"},
	}
	for kind, newCalendar := range purgeStores {
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				c := newCalendar(t)
				c.fill(t)
				before, rawBefore := c.owned(t), c.raw()

				got, _, err := syncer.PurgeProfile(context.Background(), c.store, tt.profileID, tt.from, tt.to, syncer.PurgeOptions{DryRun: tt.dryRun})
				require.NoError(t, err)
				assert.Equal(t, tt.want, titles(got))

				after := c.owned(t)
				if tt.dryRun {
					assert.Equal(t, before, after)
					assert.Equal(t, rawBefore, c.raw(), "a dry run writes nothing")
					return
				}
				// Every other event is exactly as it was (same version: never rewritten)...
				var kept []calendar.Event
				for _, e := range before {
					if !containsUID(got, e.UID) {
						kept = append(kept, e)
					}
				}
				assert.Equal(t, kept, after)
				// ...and the foreign ones, even those carrying the profile's marker, byte-identical:
				// the calendar's text is the old text with the deleted VEVENTs cut out.
				raw := c.raw()
				assert.Equal(t, string(without(t, rawBefore, got)), string(raw))
				assert.Contains(t, string(raw), foreignVEvent)
				assert.Contains(t, string(raw), foreignOldVEvent)

				again, _, err := syncer.PurgeProfile(context.Background(), c.store, tt.profileID, tt.from, tt.to, syncer.PurgeOptions{})
				require.NoError(t, err)
				assert.Empty(t, again, "a second purge finds nothing")
				assert.Equal(t, raw, c.raw(), "and writes nothing")
			})
		}
	}
}

func containsUID(evs []calendar.Event, uid string) bool {
	for _, e := range evs {
		if e.UID == uid {
			return true
		}
	}
	return false
}

// racingStore is a calendar that another writer changes right after each read, up to races
// times: it renames the latest event of profile "old", so the version just read goes stale.
type racingStore struct {
	syncer.Store
	t     *testing.T
	races int
	reads int
}

func (r *racingStore) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	evs, err := r.Store.Owned(ctx, from, to)
	r.reads++
	if err != nil || r.races == 0 {
		return evs, err
	}
	r.races--
	var latest *calendar.Event
	for i := range evs {
		if evs[i].ProfileID == "old" {
			latest = &evs[i]
		}
	}
	require.NotNil(r.t, latest)
	renamed := *latest
	renamed.Title += " (renamed)"
	require.NoError(r.t, r.Store.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: renamed}}))
	return evs, nil
}

func TestPurgeProfileConflicts(t *testing.T) {
	for kind, newCalendar := range purgeStores {
		t.Run(kind+"/re-read after a conflict", func(t *testing.T) {
			c := newCalendar(t)
			c.fill(t)
			r := &racingStore{Store: c.store, t: t, races: 1}
			got, _, err := syncer.PurgeProfile(context.Background(), r, "old", time.Time{}, time.Time{}, syncer.PurgeOptions{})
			require.NoError(t, err)
			assert.Equal(t, 2, r.reads)
			assert.Equal(t, []string{"old: Old a year ago", "old: Old morning", "old: Old afternoon (renamed)"}, titles(got),
				"events deleted before the conflict count too")
			assert.Equal(t, []string{"coding: Code - a year ago", "coding: Code - main.go"}, titles(c.owned(t)))
		})
		t.Run(kind+"/bounded retries", func(t *testing.T) {
			c := newCalendar(t)
			c.fill(t)
			r := &racingStore{Store: c.store, t: t, races: 100}
			got, _, err := syncer.PurgeProfile(context.Background(), r, "old", time.Time{}, time.Time{}, syncer.PurgeOptions{})
			require.ErrorIs(t, err, calendar.ErrConflict)
			assert.ErrorContains(t, err, "deleting the events of profile old")
			assert.Nil(t, got)
			assert.Equal(t, 3, r.reads, "it gives up after three attempts")
			assert.Contains(t, titles(c.owned(t)), "old: Old afternoon (renamed) (renamed) (renamed)",
				"the event the other writer keeps changing stays")
			assert.Contains(t, string(c.raw()), foreignOldVEvent)
		})
	}
}

func TestPurgeProfileBadArguments(t *testing.T) {
	mem := memstore.New()
	_, _, err := syncer.PurgeProfile(context.Background(), mem, "", time.Time{}, time.Time{}, syncer.PurgeOptions{})
	assert.ErrorContains(t, err, "no profile id")
	_, _, err = syncer.PurgeProfile(context.Background(), mem, "old", hm(12, 0), hm(9, 0), syncer.PurgeOptions{})
	assert.ErrorContains(t, err, "is not before the end")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = syncer.PurgeProfile(ctx, mem, "old", time.Time{}, time.Time{}, syncer.PurgeOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

// A profile deleted from the config keeps its past through runs (SYNC.md §3) until the person
// asks for the purge; the purge then takes only its events, and later runs leave it at that.
func TestSyncerPurgeProfile(t *testing.T) {
	w := newWorld(t, coding, meetings)
	w.mem.AddForeign("dentist-1@example.com", foreignVEvent)
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	w.window(hm(10, 0), hm(10, 30), "zoom", "Standup")
	w.window(hm(10, 30), hm(11, 30), "Code", "sync.go")
	w.mustSync(hm(12, 0))

	w.cfg.Profiles = []profile.Profile{coding}
	w.window(hm(13, 0), hm(13, 30), "zoom", "Planning")
	w.mustSync(hm(14, 0))
	require.Equal(t, []brief{
		{"coding", "Code - main.go", hm(9, 0), hm(10, 0)},
		{"meetings", "Standup", hm(10, 0), hm(10, 30)},
		{"coding", "Code - sync.go", hm(10, 30), hm(11, 30)},
	}, briefs(w.owned()), "a deleted profile's past stays")
	codingBefore := w.owned()

	s := w.syncer()
	would, err := s.PurgeProfile(context.Background(), "meetings", time.Time{}, time.Time{}, true)
	require.NoError(t, err)
	assert.Len(t, would, 1, "the dry run counts the events for the question")
	gone, err := s.PurgeProfile(context.Background(), "meetings", time.Time{}, time.Time{}, false)
	require.NoError(t, err)
	assert.Equal(t, []brief{{"meetings", "Standup", hm(10, 0), hm(10, 30)}}, briefs(gone))

	w.mustSync(hm(15, 0))
	assert.Equal(t, []calendar.Event{codingBefore[0], codingBefore[2]}, w.owned(),
		"coding's events are untouched, and no run brings meetings back")
	foreign, ok := w.mem.Foreign("dentist-1@example.com")
	require.True(t, ok)
	assert.Equal(t, foreignVEvent, foreign)
}
