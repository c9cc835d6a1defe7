package caldav_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
)

// servers are the two servers every store test runs against.
var servers = []struct {
	name  string
	start func(t testing.TB) *caldavtest.Server
}{
	{"memory", func(t testing.TB) *caldavtest.Server { return caldavtest.StartMemory(t, caldavtest.MemoryOptions{}) }},
	{"radicale", caldavtest.StartRadicale},
}

var day = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func event(title string, start, end time.Duration) calendar.Event {
	return calendar.Event{
		UID:       calendar.NewUID(),
		ProfileID: "work",
		Title:     title,
		Start:     day.Add(start),
		End:       day.Add(end),
		Category:  "Work > Coding",
		Color:     "#3366cc",
	}
}

func open(t *testing.T, srv *caldavtest.Server, calPath string) *caldav.Store {
	t.Helper()
	s, err := caldav.Open(t.Context(), srv.URL, calPath, srv.Creds(), caldav.Options{HTTPClient: srv.Client})
	require.NoError(t, err)
	return s
}

func TestSecretIsRedacted(t *testing.T) {
	const pw = "hunter2-very-secret"
	creds := caldav.Credentials{Username: "alice", Password: caldav.Secret(pw)}
	j, err := json.Marshal(creds)
	require.NoError(t, err)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("login", "creds", creds, "password", creds.Password)
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", creds),
		"%+v":  fmt.Sprintf("%+v", creds),
		"%#v":  fmt.Sprintf("%#v", creds),
		"%s":   fmt.Sprintf("%s", creds.Password),
		"%q":   fmt.Sprintf("%q", creds.Password),
		"%x":   fmt.Sprintf("%x", creds.Password),
		"json": string(j),
		"slog": logged.String(),
		"err":  fmt.Errorf("login %v failed", creds).Error(),
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			assert.NotContains(t, out, pw)
			assert.NotContains(t, out, "68756e746572", "hex of the password")
			assert.Contains(t, out, "REDACTED")
		})
	}
	assert.Equal(t, pw, string(creds.Password), "the value itself is intact")
}

func TestStoreRoundTrip(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			store := open(t, srv, srv.CalendarPath)
			ctx := t.Context()

			a, b := event("Coding", 9*time.Hour, 10*time.Hour+10*time.Minute), event("Mail", 11*time.Hour, 11*time.Hour+30*time.Minute)
			require.NoError(t, store.Apply(ctx, []calendar.Change{{Op: calendar.Create, Event: a}, {Op: calendar.Create, Event: b}}))
			assert.ElementsMatch(t, []string{
				srv.CalendarPath + caldav.ResourceName(a.UID), srv.CalendarPath + caldav.ResourceName(b.UID),
			}, srv.Resources(t, srv.CalendarPath), "one resource per event at a stable href")

			got, err := store.Owned(ctx, day, day.Add(24*time.Hour))
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.Equal(t, a.UID, got[0].UID, "sorted by start")
			assert.NotEmpty(t, got[0].Version, "the ETag is the version")
			withoutVersion := got[0]
			withoutVersion.Version = ""
			assert.Equal(t, calendar.Normalize(a), withoutVersion)

			grown := got[0]
			grown.End = day.Add(11*time.Hour + 30*time.Minute)
			require.NoError(t, store.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: grown}}))
			again, err := store.Owned(ctx, day, day.Add(24*time.Hour))
			require.NoError(t, err)
			require.Len(t, again, 2)
			assert.Equal(t, grown.End, again[0].End, "updated in place")
			assert.Equal(t, a.UID, again[0].UID, "same identity")
			assert.NotEqual(t, got[0].Version, again[0].Version, "a write changes the ETag")

			require.NoError(t, store.Apply(ctx, []calendar.Change{{Op: calendar.Delete, Event: again[1]}}))
			assert.Equal(t, []string{srv.CalendarPath + caldav.ResourceName(a.UID)}, srv.Resources(t, srv.CalendarPath))
		})
	}
}

func TestOwnedRange(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			store := open(t, srv, srv.CalendarPath)
			exact := event("exact", 9*time.Hour, 10*time.Hour)
			empty := event("empty at from", 9*time.Hour, 9*time.Hour)
			before := event("ends at from", 8*time.Hour, 9*time.Hour)
			after := event("starts at to", 10*time.Hour, 11*time.Hour)
			var changes []calendar.Change
			for _, e := range []calendar.Event{exact, empty, before, after} {
				changes = append(changes, calendar.Change{Op: calendar.Create, Event: e})
			}
			require.NoError(t, store.Apply(t.Context(), changes))
			got, err := store.Owned(t.Context(), day.Add(9*time.Hour), day.Add(10*time.Hour))
			require.NoError(t, err)
			var titles []string
			for _, e := range got {
				titles = append(titles, e.Title)
			}
			assert.ElementsMatch(t, []string{"empty at from", "exact"}, titles)
		})
	}
}

func TestConflicts(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			ctx := t.Context()
			tests := []struct {
				name string
				// change returns the change to apply, after doing behind the store's back
				// whatever makes it stale.
				change func(t *testing.T, store *caldav.Store, tamper func(uid string)) calendar.Change
			}{
				{"update after another client edited", func(t *testing.T, store *caldav.Store, tamper func(string)) calendar.Change {
					e := created(t, store)
					tamper(e.UID)
					e.Title = "mine"
					return calendar.Change{Op: calendar.Update, Event: e}
				}},
				{"delete after another client edited", func(t *testing.T, store *caldav.Store, tamper func(string)) calendar.Change {
					e := created(t, store)
					tamper(e.UID)
					return calendar.Change{Op: calendar.Delete, Event: e}
				}},
				{"create of an existing event", func(t *testing.T, store *caldav.Store, _ func(string)) calendar.Change {
					e := created(t, store)
					e.Version = ""
					return calendar.Change{Op: calendar.Create, Event: e}
				}},
				{"update of a vanished event", func(t *testing.T, store *caldav.Store, _ func(string)) calendar.Change {
					e := created(t, store)
					require.NoError(t, store.Apply(ctx, []calendar.Change{{Op: calendar.Delete, Event: e}}))
					return calendar.Change{Op: calendar.Update, Event: e}
				}},
				{"delete of a vanished event", func(t *testing.T, store *caldav.Store, _ func(string)) calendar.Change {
					e := created(t, store)
					require.NoError(t, store.Apply(ctx, []calendar.Change{{Op: calendar.Delete, Event: e}}))
					return calendar.Change{Op: calendar.Delete, Event: e}
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					cal := srv.NewCalendar(t, "c"+strings.ReplaceAll(tt.name, " ", "-"), tt.name, "")
					store := open(t, srv, cal)
					tamper := func(uid string) { tamperAt(t, srv, cal, uid) }
					change := tt.change(t, store, tamper)
					before := srv.Resources(t, cal)
					var bodies []string
					for _, p := range before {
						_, b, _ := srv.Do(t, http.MethodGet, p, nil, "")
						bodies = append(bodies, b)
					}
					err := store.Apply(ctx, []calendar.Change{change})
					require.ErrorIs(t, err, calendar.ErrConflict)
					assert.Contains(t, err.Error(), change.Event.UID)
					for i, p := range before {
						_, b, _ := srv.Do(t, http.MethodGet, p, nil, "")
						assert.Equal(t, bodies[i], b, "nothing was overwritten")
					}
				})
			}
		})
	}
}

// created writes a fresh event and returns it as read back, with its version.
func created(t *testing.T, store *caldav.Store) calendar.Event {
	t.Helper()
	e := event("Coding", 9*time.Hour, 10*time.Hour)
	require.NoError(t, store.Apply(t.Context(), []calendar.Change{{Op: calendar.Create, Event: e}}))
	got, err := store.Owned(t.Context(), day, day.Add(24*time.Hour))
	require.NoError(t, err)
	for _, g := range got {
		if g.UID == e.UID {
			return g
		}
	}
	t.Fatalf("event %s not read back", e.UID)
	return calendar.Event{}
}

// tamperAt edits an event's resource as another client would (a PUT without conditions).
func tamperAt(t *testing.T, srv *caldavtest.Server, cal, uid string) {
	t.Helper()
	p := cal + caldav.ResourceName(uid)
	status, body, _ := srv.Do(t, http.MethodGet, p, nil, "")
	require.Equal(t, http.StatusOK, status)
	body = strings.Replace(body, "END:VEVENT", "LOCATION:elsewhere\r\nEND:VEVENT", 1)
	status, resp, _ := srv.Do(t, http.MethodPut, p, http.Header{"Content-Type": {"text/calendar"}}, body)
	require.Contains(t, []int{http.StatusCreated, http.StatusNoContent}, status, resp)
}
