package syncer_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
)

// calFault is what the CalDAV server in front of the calendar does wrong.
type calFault struct {
	mu      sync.Mutex
	status  int           // answer with this status
	delay   time.Duration // answer after this long
	methods string        // only for these methods ("" = all)
}

func (f *calFault) set(status int, delay time.Duration, methods string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.delay, f.methods = status, delay, methods
}

func (f *calFault) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		status, delay, methods := f.status, f.delay, f.methods
		f.mu.Unlock()
		if methods == "" || strings.Contains(methods, r.Method) {
			if delay > 0 {
				select {
				case <-time.After(delay):
				case <-r.Context().Done():
					return
				}
			}
			if status != 0 {
				http.Error(w, http.StatusText(status), status)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// closedURL is an address where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// TestFailureSemantics: aw-server down, a 5xx, garbage or a timeout, and a calendar that
// refuses the login, fails or does not answer: the run fails with a clear error, leaves
// lastSyncTime unchanged, writes nothing the next run would not repair, and the next run
// after the fault converges (SYNC.md §5).
func TestFailureSemantics(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name   string
		inject func(w *world, cal *calFault)
		is     error
		// says is a piece of text the error must contain to tell the person what to do.
		says string
	}{
		{"aw-server is down", func(w *world, _ *calFault) {
			w.client = activitywatch.New(closedURL(t), activitywatch.WithTimeout(timeout))
		}, activitywatch.ErrUnreachable, "is ActivityWatch running?"},
		{"aw-server answers 500", func(w *world, _ *calFault) {
			w.aw.SetFault(awtest.Fault{Status: http.StatusInternalServerError, Path: "/api/0/buckets/"})
		}, nil, "500 Internal Server Error"},
		{"aw-server answers garbage", func(w *world, _ *calFault) {
			w.aw.SetFault(awtest.Fault{MalformedJSON: true, Path: "/api/0/buckets/" + winBucket})
		}, nil, "not a JSON list"},
		{"aw-server drops the connection", func(w *world, _ *calFault) {
			w.aw.SetFault(awtest.Fault{CloseConnection: true})
		}, nil, "aw-server"},
		{"aw-server does not answer in time", func(w *world, _ *calFault) {
			w.aw.SetFault(awtest.Fault{Delay: 3 * timeout})
		}, activitywatch.ErrTimeout, "did not answer"},
		{"the calendar refuses the login", func(_ *world, cal *calFault) {
			cal.set(http.StatusUnauthorized, 0, "")
		}, caldav.ErrUnauthorized, "awcal password set"},
		{"the calendar fails on reading", func(_ *world, cal *calFault) {
			cal.set(http.StatusInternalServerError, 0, "REPORT")
		}, caldav.ErrServer, "try again later"},
		{"the calendar fails on writing", func(_ *world, cal *calFault) {
			cal.set(http.StatusServiceUnavailable, 0, "PUT DELETE")
		}, caldav.ErrServer, "writing the calendar"},
		{"the calendar does not answer in time", func(_ *world, cal *calFault) {
			cal.set(0, 3*timeout, "")
		}, caldav.ErrTimeout, "did not answer in time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, coding, meetings)
			fault := &calFault{}
			srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: fault.wrap})
			// Only the run under the fault has the short timeouts: the runs around it must not
			// fail because a loaded machine took longer than 300 ms.
			openStore := func(timeout time.Duration) calendar.Store {
				store, err := caldav.Open(context.Background(), srv.URL, srv.CalendarPath, srv.Creds(),
					caldav.Options{Timeout: timeout, HTTPClient: srv.Client})
				require.NoError(t, err)
				return store
			}
			w.store, w.mem = openStore(5*time.Second), nil

			w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
			w.mustSync(hm(10, 0))
			before := w.state()
			calBefore := briefs(w.owned())
			w.window(hm(10, 0), hm(10, 45), "zoom", "Planning")

			goodClient, goodStore := w.client, w.store
			w.client = activitywatch.New(w.aw.URL(), activitywatch.WithTimeout(timeout))
			w.store = openStore(timeout)
			tt.inject(w, fault)
			_, err := w.sync(hm(11, 0))
			w.store = goodStore
			require.Error(t, err)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.Contains(t, err.Error(), tt.says)

			after := w.state()
			assert.Equal(t, before.LastSyncTime, after.LastSyncTime, "lastSyncTime must stay after a failure")
			assert.Equal(t, before.Quiescent, after.Quiescent)
			require.NotNil(t, after.LastRun)
			assert.Equal(t, err.Error(), after.LastRun.Error, "the tray shows the error")
			fault.set(0, 0, "")
			assert.Equal(t, calBefore, briefs(w.owned()), "a failed run leaves the calendar as it was")

			w.aw.ClearFault()
			w.client = goodClient
			w.mustSync(hm(11, 0))
			assert.Equal(t, []brief{
				{"coding", "Code - main.go", hm(9, 0), hm(10, 0)},
				{"meetings", "Planning", hm(10, 0), hm(10, 45)},
			}, briefs(w.owned()))
			assert.Empty(t, w.state().LastRun.Error)
		})
	}
}
