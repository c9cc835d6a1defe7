package caldav_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
)

// A backfill creates many events in one Apply. Looking each UID up costs a REPORT that servers
// without a UID index answer by reading the whole calendar, so creates look nothing up: the PUT
// with If-None-Match at the UID's resource name, and the server's one-UID-per-calendar rule,
// refuse a UID that is taken — a foreign event holding it is never overwritten.
func TestApplyManyCreatesLookNothingUp(t *testing.T) {
	var reports atomic.Int32
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "REPORT" {
				reports.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}})
	store := open(t, srv, srv.CalendarPath)
	ctx := t.Context()

	const squatterUID = "0123456789abcdef0123456789abcdef@awcal" // awcal's form, but not awcal's event
	foreign := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\nUID:" + squatterUID +
		"\r\nDTSTAMP:20260301T080000Z\r\nDTSTART:20260302T070000Z\r\nDTEND:20260302T073000Z\r\nSUMMARY:Mine\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	status, body, _ := srv.Do(t, http.MethodPut, srv.CalendarPath+"someone-elses.ics",
		http.Header{"Content-Type": {"text/calendar; charset=utf-8"}}, foreign)
	require.Contains(t, []int{http.StatusCreated, http.StatusNoContent}, status, body)

	var creates []calendar.Change
	for i := range 8 {
		e := event("Coding", time.Duration(8+i)*time.Hour, time.Duration(8+i)*time.Hour+30*time.Minute)
		creates = append(creates, calendar.Change{Op: calendar.Create, Event: e})
	}
	reports.Store(0)
	require.NoError(t, store.Apply(ctx, creates))
	assert.Zero(t, reports.Load(), "eight creates: no lookup, no listing")
	got, err := store.Owned(ctx, day, day.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Len(t, got, 8)

	t.Run("a UID a foreign event holds is refused", func(t *testing.T) {
		batch := make([]calendar.Change, 0, 6)
		for i := range 5 {
			e := event("Mail", time.Duration(17+i)*time.Hour, time.Duration(17+i)*time.Hour+20*time.Minute)
			batch = append(batch, calendar.Change{Op: calendar.Create, Event: e})
		}
		squatter := event("Squatter", 23*time.Hour, 23*time.Hour+10*time.Minute)
		squatter.UID = squatterUID
		batch = append(batch, calendar.Change{Op: calendar.Create, Event: squatter})

		_, before, _ := srv.Do(t, http.MethodGet, srv.CalendarPath+"someone-elses.ics", nil, "")
		err := store.Apply(ctx, batch)
		require.ErrorIs(t, err, calendar.ErrConflict)
		_, after, _ := srv.Do(t, http.MethodGet, srv.CalendarPath+"someone-elses.ics", nil, "")
		assert.Equal(t, before, after, "the foreign event is untouched")
		assert.NotContains(t, srv.Resources(t, srv.CalendarPath), srv.CalendarPath+caldav.ResourceName(squatterUID))
	})

	t.Run("creates within one Apply see each other", func(t *testing.T) {
		e := event("Twice", 6*time.Hour, 6*time.Hour+30*time.Minute)
		batch := []calendar.Change{}
		for i := range 5 {
			f := event("Filler", time.Duration(i)*time.Minute, time.Duration(i)*time.Minute+30*time.Second)
			batch = append(batch, calendar.Change{Op: calendar.Create, Event: f})
		}
		batch = append(batch, calendar.Change{Op: calendar.Create, Event: e})
		require.NoError(t, store.Apply(ctx, batch))
		again := e
		again.Title = "the same UID again"
		err := store.Apply(ctx, append(fillers(t, 5), calendar.Change{Op: calendar.Create, Event: again}))
		require.ErrorIs(t, err, calendar.ErrConflict, "a batch create of a UID written before must conflict, not duplicate")
	})
}

func fillers(t *testing.T, n int) []calendar.Change {
	t.Helper()
	var out []calendar.Change
	for i := range n {
		f := event("Filler", 5*time.Hour+time.Duration(i)*time.Minute, 5*time.Hour+time.Duration(i)*time.Minute+30*time.Second)
		out = append(out, calendar.Change{Op: calendar.Create, Event: f})
	}
	return out
}
