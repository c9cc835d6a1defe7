package caldav_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
)

// A create whose UID a resource under another name holds is refused by the server's
// one-UID-per-calendar rule (go-webdav answers 403, Radicale 409): the store reports
// calendar.UIDTakenError, so the syncer re-plans, and says the UID is held elsewhere.
func TestCreateOfAUIDHeldElsewhere(t *testing.T) {
	const uid = "0123456789abcdef0123456789abcdef@awcal"
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			store := open(t, srv, srv.CalendarPath)
			foreign := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
				"\r\nDTSTAMP:20260301T080000Z\r\nDTSTART:20260302T070000Z\r\nDTEND:20260302T073000Z\r\nSUMMARY:Mine\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
			status, body, _ := srv.Do(t, http.MethodPut, srv.CalendarPath+"elsewhere.ics",
				http.Header{"Content-Type": {"text/calendar; charset=utf-8"}}, foreign)
			require.Contains(t, []int{http.StatusCreated, http.StatusNoContent}, status, body)

			e := event("Coding", 9*time.Hour, 10*time.Hour)
			e.UID = uid
			err := store.Apply(t.Context(), []calendar.Change{{Op: calendar.Create, Event: e}})
			var taken *calendar.UIDTakenError
			require.ErrorAs(t, err, &taken)
			require.ErrorIs(t, err, calendar.ErrConflict)
			assert.Equal(t, uid, taken.UID)
			assert.Contains(t, taken.Where, "other than "+caldav.ResourceName(uid))
			assert.Equal(t, []string{srv.CalendarPath + "elsewhere.ics"}, srv.Resources(t, srv.CalendarPath))
		})
	}
}
