package caldav_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
)

// reportRecorder keeps the bodies of the REPORT answers a client received.
type reportRecorder struct {
	next    http.RoundTripper
	mu      sync.Mutex
	answers []string
}

func (r *reportRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || req.Method != "REPORT" {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.answers = append(r.answers, string(body))
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// Owned asks the server for the events that carry awcal's marker only: a foreign event in the
// range is never sent whole just to be skipped, while owned events still come with their data.
func TestOwnedNeverFetchesForeignEvents(t *testing.T) {
	const foreignSummary = "Dentist appointment, foreign"
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			client := *srv.Client
			rec := &reportRecorder{next: client.Transport}
			if rec.next == nil {
				rec.next = http.DefaultTransport
			}
			client.Transport = rec
			store, err := caldav.Open(t.Context(), srv.URL, srv.CalendarPath, srv.Creds(), caldav.Options{HTTPClient: &client})
			require.NoError(t, err)

			foreign := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\nUID:dentist@example.com" +
				"\r\nDTSTAMP:20260301T080000Z\r\nDTSTART:20260302T093000Z\r\nDTEND:20260302T100000Z\r\nSUMMARY:" + foreignSummary +
				"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
			status, body, _ := srv.Do(t, http.MethodPut, srv.CalendarPath+"dentist.ics",
				http.Header{"Content-Type": {"text/calendar; charset=utf-8"}}, foreign)
			require.Contains(t, []int{http.StatusCreated, http.StatusNoContent}, status, body)
			mine := event("Coding", 9*time.Hour, 10*time.Hour)
			require.NoError(t, store.Apply(t.Context(), []calendar.Change{{Op: calendar.Create, Event: mine}}))

			got, err := store.Owned(t.Context(), day, day.Add(24*time.Hour))
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, mine.UID, got[0].UID)
			require.Len(t, rec.answers, 1, "one REPORT")
			assert.Contains(t, rec.answers[0], mine.UID, "the owned event's data is in the answer")
			assert.NotContains(t, rec.answers[0], foreignSummary, "the foreign event's data is not")
			assert.NotContains(t, rec.answers[0], "dentist.ics", "nor is the foreign resource listed")
		})
	}
}

// A server that cannot filter on awcal's marker says so (403 with supported-filter); Owned then
// asks for every event of the range and still returns the owned ones only.
func TestOwnedWithoutServerSideFilter(t *testing.T) {
	var filtered, plain atomic.Int32
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "REPORT" {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				if strings.Contains(string(body), "prop-filter") {
					filtered.Add(1)
					w.Header().Set("Content-Type", "application/xml; charset=utf-8")
					w.WriteHeader(http.StatusForbidden)
					_, _ = io.WriteString(w, `<?xml version="1.0"?><D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:supported-filter/></D:error>`)
					return
				}
				plain.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	}})
	store := open(t, srv, srv.CalendarPath)
	status, body, _ := srv.Do(t, http.MethodPut, srv.CalendarPath+"dentist.ics",
		http.Header{"Content-Type": {"text/calendar; charset=utf-8"}},
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\nUID:dentist@example.com"+
			"\r\nDTSTAMP:20260301T080000Z\r\nDTSTART:20260302T093000Z\r\nDTEND:20260302T100000Z\r\nSUMMARY:Dentist"+
			"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	require.Contains(t, []int{http.StatusCreated, http.StatusNoContent}, status, body)
	mine := event("Coding", 9*time.Hour, 10*time.Hour)
	require.NoError(t, store.Apply(t.Context(), []calendar.Change{{Op: calendar.Create, Event: mine}}))

	got, err := store.Owned(t.Context(), day, day.Add(24*time.Hour))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, mine.UID, got[0].UID)
	assert.EqualValues(t, 1, filtered.Load(), "the filtered query was tried")
	assert.EqualValues(t, 1, plain.Load(), "then the range without the filter")
}
