package syncer_test

import (
	"context"
	"net/http"
	"path"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/syncer"
)

// TestConflictWithCreatesInFlightReplans: the CalDAV store writes up to four creates at once,
// so when one create of a batch conflicts, creates after it may have landed (calendar.Store
// allows it). The server holds the batch's first four creates until all four are in flight;
// the second one's UID is held by a foreign copy. The run re-reads — and sees the creates that
// landed, written by it — and re-plans: the refused block gets another UID, the landed ones
// are kept as they are (not written again), and every block is in the calendar once.
func TestConflictWithCreatesInFlightReplans(t *testing.T) {
	w := newWorld(t, coding, meetings)
	for i := range 4 {
		at := hm(9+i, 0)
		w.window(at, at.Add(40*time.Minute), "Code", "main.go")
		w.window(at.Add(40*time.Minute), at.Add(time.Hour), "zoom", "Planning")
	}
	dry, err := w.run(hm(13, 30), syncer.Request{Trigger: syncer.Manual, DryRun: true})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(dry.Changes), 6)
	var want []brief
	for _, c := range dry.Changes {
		require.Equal(t, calendar.Create, c.Op)
		want = append(want, brief{c.Event.ProfileID, c.Event.Title, c.Event.Start, c.Event.End})
	}
	takenUID := dry.Changes[1].Event.UID

	var mu sync.Mutex
	puts := map[string][]int{} // resource name → statuses of the creates sent to it
	inFlight, arrived := 0, make(chan struct{})
	release := make(chan struct{})
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPut || r.Header.Get("If-None-Match") != "*" {
				h.ServeHTTP(rw, r)
				return
			}
			mu.Lock()
			inFlight++
			if inFlight == 4 {
				close(arrived)
			}
			mu.Unlock()
			select { // the first four wait for each other
			case <-release:
			case <-arrived:
			}
			sw := &statusRecorder{ResponseWriter: rw}
			h.ServeHTTP(sw, r)
			mu.Lock()
			puts[path.Base(r.URL.Path)] = append(puts[path.Base(r.URL.Path)], sw.status)
			mu.Unlock()
		})
	}})
	foreign := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\nUID:" + takenUID +
		"\r\nDTSTAMP:20260301T080000Z\r\nDTSTART:20260302T070000Z\r\nDTEND:20260302T073000Z\r\nSUMMARY:A copy\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	status, body, _ := srv.Do(t, http.MethodPut, srv.CalendarPath+"copy.ics", http.Header{"Content-Type": {"text/calendar; charset=utf-8"}}, foreign)
	require.Equal(t, http.StatusCreated, status, body)
	st, err := caldav.Open(context.Background(), srv.URL, srv.CalendarPath, srv.Creds(), caldav.Options{HTTPClient: srv.Client})
	require.NoError(t, err)
	w.store, w.mem = st, nil

	w.mustSync(hm(13, 30))
	close(release)

	assert.Equal(t, want, briefs(w.owned()), "every block once, as planned")
	mu.Lock()
	defer mu.Unlock()
	if assert.Len(t, puts[caldav.ResourceName(takenUID)], 1, "the taken UID is tried once") {
		assert.GreaterOrEqual(t, puts[caldav.ResourceName(takenUID)][0], 400, "and refused")
	}
	for i, c := range dry.Changes {
		if i == 1 {
			continue
		}
		assert.Equal(t, []int{http.StatusCreated}, puts[caldav.ResourceName(c.Event.UID)],
			"block %d is written once, whether it landed beside the conflict or after the re-plan", i)
	}
	for _, i := range []int{2, 3} {
		assert.Contains(t, puts, caldav.ResourceName(dry.Changes[i].Event.UID), "block %d was in flight with the conflict", i)
	}
	assert.Len(t, puts, len(dry.Changes)+1, "one more create: the refused block under a new UID")
	_, copyNow, _ := srv.Do(t, http.MethodGet, srv.CalendarPath+"copy.ics", nil, "")
	assert.Contains(t, copyNow, "SUMMARY:A copy", "the foreign copy is untouched")
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
