package caldav_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
)

func TestDiscoverMemory(t *testing.T) {
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{})
	for _, u := range []string{srv.URL, srv.URL + "alice/", srv.URL + "alice/calendars/awcal/"} {
		t.Run(u, func(t *testing.T) {
			cals, err := caldav.Discover(t.Context(), u, srv.Creds(), caldav.Options{HTTPClient: srv.Client})
			require.NoError(t, err)
			assert.Equal(t, []caldav.CalendarInfo{
				{Path: "/alice/calendars/tasks/", Name: "Tasks", Components: []string{"VTODO"}},
				{Path: srv.CalendarPath, Name: "awcal test", Components: []string{"VEVENT"}},
			}, cals)
			assert.False(t, cals[0].SupportsEvents())
			assert.True(t, cals[1].SupportsEvents())
		})
	}
}

// TestDiscoverRadicale goes through Radicale's /.well-known/caldav (a 301 to "/", which must
// stay a PROPFIND) and reads the colour set with MKCALENDAR.
func TestDiscoverRadicale(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	srv.NewCalendar(t, "b-second", "Second & more", "")
	cals, err := caldav.Discover(t.Context(), srv.URL, srv.Creds(), caldav.Options{HTTPClient: srv.Client})
	require.NoError(t, err)
	assert.Equal(t, []caldav.CalendarInfo{
		{Path: "/alice/b-second/", Name: "Second & more", Components: []string{"VEVENT"}},
		{Path: srv.CalendarPath, Name: "awcal test", Color: "#3366cc", Components: []string{"VEVENT"}},
	}, cals)

	store, err := caldav.Open(t.Context(), srv.URL, cals[1].Path, srv.Creds(), caldav.Options{HTTPClient: srv.Client})
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"alice/awcal/", store.URL())
	assert.Empty(t, store.WebURL(), "Radicale's web page is not a calendar view")
}

// TestWebURL: a Nextcloud calendar's web page is known from its path.
func TestWebURL(t *testing.T) {
	calendarAnswer := `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">` +
		`<d:response><d:href>/cloud/remote.php/dav/calendars/alice/personal/</d:href><d:propstat><d:prop>` +
		`<d:resourcetype><d:collection/><c:calendar/></d:resourcetype></d:prop>` +
		`<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "PROPFIND", r.Method)
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(http.StatusMultiStatus)
		_, _ = w.Write([]byte(calendarAnswer))
	}))
	defer srv.Close()
	store, err := caldav.Open(t.Context(), srv.URL+"/cloud/remote.php/dav/", "/cloud/remote.php/dav/calendars/alice/personal",
		caldav.Credentials{Username: "alice", Password: "pw"}, caldav.Options{})
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/cloud/apps/calendar/", store.WebURL())
	assert.Equal(t, srv.URL+"/cloud/remote.php/dav/calendars/alice/personal/", store.URL())
}

func TestResourceName(t *testing.T) {
	tests := map[string]string{
		"0123456789abcdef0123456789abcdef@awcal": "0123456789abcdef0123456789abcdef-awcal.ics",
		"a/b c?d":                                "a-b-c-d.ics",
		"Plain-UID_1.x":                          "Plain-UID_1.x.ics",
	}
	for uid, want := range tests {
		t.Run(uid, func(t *testing.T) { assert.Equal(t, want, caldav.ResourceName(uid)) })
	}
}
