package caldav_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
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

func TestWrongPassword(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			creds := caldav.Credentials{Username: srv.Username, Password: "not-the-password"}
			opts := caldav.Options{HTTPClient: srv.Client}

			_, err := caldav.Discover(t.Context(), srv.URL, creds, opts)
			require.ErrorIs(t, err, caldav.ErrUnauthorized)
			assert.Contains(t, err.Error(), "refused the username or password")
			assert.Contains(t, err.Error(), "'awcal password set'")
			assert.NotContains(t, err.Error(), "not-the-password")

			_, err = caldav.Open(t.Context(), srv.URL, srv.CalendarPath, creds, opts)
			require.ErrorIs(t, err, caldav.ErrUnauthorized)
			var httpErr *caldav.HTTPError
			require.ErrorAs(t, err, &httpErr)
			assert.Equal(t, http.StatusUnauthorized, httpErr.Status)
			assert.NotContains(t, err.Error(), "not-the-password")
			assert.Empty(t, srv.Resources(t, srv.CalendarPath), "nothing written")
		})
	}
}

// TestPasswordChangedOnServer: the store was opened, then the server stopped accepting the
// password. The write fails with the clear 401 error and nothing is written.
func TestPasswordChangedOnServer(t *testing.T) {
	var refuse atomic.Bool
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if refuse.Load() {
				http.Error(w, "password expired", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}})
	store := open(t, srv, srv.CalendarPath)
	refuse.Store(true)
	err := store.Apply(t.Context(), []calendar.Change{{Op: calendar.Create, Event: event("x", 9*time.Hour, 10*time.Hour)}})
	require.ErrorIs(t, err, caldav.ErrUnauthorized)
	assert.False(t, errors.Is(err, calendar.ErrConflict))
	refuse.Store(false)
	assert.Empty(t, srv.Resources(t, srv.CalendarPath))
}

// failing answers status to requests of method, after the first skip of them.
func failing(method string, skip int, status int, body string) func(http.Handler) http.Handler {
	var seen atomic.Int32
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == method && int(seen.Add(1)) > skip {
				http.Error(w, body, status)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestServerErrors(t *testing.T) {
	tests := []struct {
		name     string
		wrap     func(http.Handler) http.Handler
		sentinel []error
		says     string
		// update sends an update of an event the store has not seen, which looks its UID up
		// with a REPORT first (a create sends only its PUT).
		update bool
	}{
		{"quota full on PUT", failing(http.MethodPut, 0, http.StatusInsufficientStorage, "quota exceeded"),
			[]error{caldav.ErrInsufficientStorage, caldav.ErrServer}, "out of storage", false},
		{"internal error on PUT", failing(http.MethodPut, 0, http.StatusInternalServerError, "boom"),
			[]error{caldav.ErrServer}, "try again later", false},
		{"unavailable on REPORT", failing("REPORT", 0, http.StatusServiceUnavailable, "maintenance"),
			[]error{caldav.ErrServer}, "maintenance", true},
		{"forbidden PUT", failing(http.MethodPut, 0, http.StatusForbidden, "read-only calendar"),
			[]error{caldav.ErrForbidden}, "rights", false},
		{"conflict on PUT", failing(http.MethodPut, 0, http.StatusConflict, "no-uid-conflict"),
			[]error{calendar.ErrConflict}, "changed on the CalDAV server", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: tt.wrap})
			store := open(t, srv, srv.CalendarPath)
			change := calendar.Change{Op: calendar.Create, Event: event("x", 9*time.Hour, 10*time.Hour)}
			if tt.update {
				change.Op, change.Event.Version = calendar.Update, "1"
			}
			err := store.Apply(t.Context(), []calendar.Change{change})
			require.Error(t, err)
			for _, s := range tt.sentinel {
				assert.ErrorIs(t, err, s)
			}
			for _, s := range []error{caldav.ErrUnauthorized, caldav.ErrNotFound, caldav.ErrTimeout} {
				assert.False(t, errors.Is(err, s), "not %v: %v", s, err)
			}
			assert.Contains(t, err.Error(), tt.says)
			assert.Empty(t, srv.Resources(t, srv.CalendarPath))
		})
	}
}

// TestApplyStopsAtFirstError: the second create fails; the first stays, and the update after
// it is never sent (an update waits for the writes before it, and none starts after a failure).
func TestApplyStopsAtFirstError(t *testing.T) {
	a, b, c := event("a", 9*time.Hour, 10*time.Hour), event("b", 10*time.Hour, 11*time.Hour), event("c", 11*time.Hour, 12*time.Hour)
	var sent []string
	var mu sync.Mutex
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				mu.Lock()
				sent = append(sent, path.Base(r.URL.Path))
				mu.Unlock()
				if path.Base(r.URL.Path) == caldav.ResourceName(b.UID) {
					http.Error(w, "disk full", http.StatusInsufficientStorage)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}})
	store := open(t, srv, srv.CalendarPath)
	require.NoError(t, store.Apply(t.Context(), []calendar.Change{{Op: calendar.Create, Event: c}}))
	read, err := store.Owned(t.Context(), day, day.Add(24*time.Hour))
	require.NoError(t, err)
	require.Len(t, read, 1)
	read[0].Title = "c, renamed"
	mu.Lock()
	sent = nil
	mu.Unlock()

	err = store.Apply(t.Context(), []calendar.Change{
		{Op: calendar.Create, Event: a}, {Op: calendar.Create, Event: b}, {Op: calendar.Update, Event: read[0]},
	})
	require.ErrorIs(t, err, caldav.ErrInsufficientStorage)
	assert.Contains(t, err.Error(), "change 2 of 3")
	assert.Contains(t, err.Error(), b.UID)
	assert.ElementsMatch(t, []string{srv.CalendarPath + caldav.ResourceName(a.UID), srv.CalendarPath + caldav.ResourceName(c.UID)},
		srv.Resources(t, srv.CalendarPath))
	assert.ElementsMatch(t, []string{caldav.ResourceName(a.UID), caldav.ResourceName(b.UID)}, sent, "nothing sent after the failure")
	got, err := store.Owned(t.Context(), day, day.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, "c", got[len(got)-1].Title, "the update after the failure is not applied")
}

func TestCalendarGone(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			_, err := caldav.Open(t.Context(), srv.URL, srv.CalendarPath+"../no-such-calendar/", srv.Creds(),
				caldav.Options{HTTPClient: srv.Client})
			require.ErrorIs(t, err, caldav.ErrNotFound)
			assert.Contains(t, err.Error(), "choose it again in Settings")
		})
	}
	t.Run("radicale, deleted after opening", func(t *testing.T) {
		srv := caldavtest.StartRadicale(t)
		store := open(t, srv, srv.CalendarPath)
		status, body, _ := srv.Do(t, http.MethodDelete, srv.CalendarPath, nil, "")
		require.Equal(t, http.StatusOK, status, body)
		_, err := store.Owned(t.Context(), day, day.Add(time.Hour))
		require.ErrorIs(t, err, caldav.ErrNotFound)
	})
}

func TestNotACalendar(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	_, err := caldav.Open(t.Context(), srv.URL, "/"+srv.Username+"/", srv.Creds(), caldav.Options{HTTPClient: srv.Client})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a calendar")
}

func TestTimeout(t *testing.T) {
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "REPORT" {
				// Read the body so that the server notices the client hanging up.
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	}})
	store, err := caldav.Open(t.Context(), srv.URL, srv.CalendarPath, srv.Creds(),
		caldav.Options{HTTPClient: srv.Client, Timeout: 200 * time.Millisecond})
	require.NoError(t, err)
	_, err = store.Owned(t.Context(), day, day.Add(time.Hour))
	require.ErrorIs(t, err, caldav.ErrTimeout)
	assert.Contains(t, err.Error(), "no answer within 200ms")
}

func TestTLS(t *testing.T) {
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{TLS: true})
	require.True(t, strings.HasPrefix(srv.URL, "https://"))

	t.Run("self-signed refused with advice", func(t *testing.T) {
		_, err := caldav.Discover(t.Context(), srv.URL, srv.Creds(), caldav.Options{})
		require.ErrorIs(t, err, caldav.ErrUntrustedCertificate)
		assert.Contains(t, err.Error(), "trusted certificate")
		_, err = caldav.Open(t.Context(), srv.URL, srv.CalendarPath, srv.Creds(), caldav.Options{})
		require.ErrorIs(t, err, caldav.ErrUntrustedCertificate)
	})
	t.Run("trusted certificate accepted", func(t *testing.T) {
		opts := caldav.Options{TrustedCertPEM: srv.CertPEM}
		cals, err := caldav.Discover(t.Context(), srv.URL, srv.Creds(), opts)
		require.NoError(t, err)
		assert.NotEmpty(t, cals)
		store, err := caldav.Open(t.Context(), srv.URL, srv.CalendarPath, srv.Creds(), opts)
		require.NoError(t, err)
		require.NoError(t, store.Apply(t.Context(), []calendar.Change{{Op: calendar.Create, Event: event("x", 9*time.Hour, 10*time.Hour)}}))
	})
	t.Run("not a certificate", func(t *testing.T) {
		_, err := caldav.Open(t.Context(), srv.URL, srv.CalendarPath, srv.Creds(), caldav.Options{TrustedCertPEM: []byte("junk")})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no PEM certificate")
	})
}

func TestUnreachable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	_, err := caldav.Discover(t.Context(), url, caldav.Credentials{}, caldav.Options{})
	require.ErrorIs(t, err, caldav.ErrUnreachable)
	assert.Contains(t, err.Error(), "check the server URL")
}

func TestRedirectToAnotherServerRefused(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("credentials followed a redirect to another server: %s %s", r.Method, r.URL)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.RedirectHandler(other.URL+"/dav/", http.StatusMovedPermanently))
	defer srv.Close()
	_, err := caldav.Discover(t.Context(), srv.URL+"/dav/", caldav.Credentials{Username: "alice", Password: "pw"}, caldav.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "on another server")
}

func TestBadServerURL(t *testing.T) {
	for _, u := range []string{"", "dav.example.org", "ftp://dav.example.org/", "https://alice:pw@dav.example.org/"} {
		t.Run(fmt.Sprintf("%q", u), func(t *testing.T) {
			_, err := caldav.Discover(t.Context(), u, caldav.Credentials{}, caldav.Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "server URL")
			assert.NotContains(t, err.Error(), "pw@")
		})
	}
}

func TestHTTPErrorMessages(t *testing.T) {
	tests := []struct {
		status int
		is     []error
		says   string
	}{
		{401, []error{caldav.ErrUnauthorized}, "set it again with 'awcal password set' or in Settings"},
		{403, []error{caldav.ErrForbidden}, "does not allow"},
		{404, []error{caldav.ErrNotFound}, "deleted or moved"},
		{410, []error{caldav.ErrNotFound}, "deleted or moved"},
		{409, []error{calendar.ErrConflict}, "changed on the CalDAV server"},
		{412, []error{calendar.ErrConflict}, "changed on the CalDAV server"},
		{500, []error{caldav.ErrServer}, "try again later"},
		{502, []error{caldav.ErrServer}, "try again later"},
		{507, []error{caldav.ErrInsufficientStorage, caldav.ErrServer}, "out of storage"},
		{400, nil, "400 Bad Request"},
	}
	all := []error{caldav.ErrUnauthorized, caldav.ErrForbidden, caldav.ErrNotFound, caldav.ErrInsufficientStorage, caldav.ErrServer, calendar.ErrConflict}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			err := error(&caldav.HTTPError{Method: "PUT", URL: "https://dav.example.org/a/b.ics", Status: tt.status})
			for _, s := range all {
				want := false
				for _, w := range tt.is {
					want = want || w == s
				}
				assert.Equal(t, want, errors.Is(err, s), "errors.Is(%d, %v)", tt.status, s)
			}
			assert.True(t, strings.HasPrefix(err.Error(), fmt.Sprintf("PUT https://dav.example.org/a/b.ics: %d ", tt.status)), err.Error())
			assert.Contains(t, err.Error(), tt.says)
		})
	}
}
