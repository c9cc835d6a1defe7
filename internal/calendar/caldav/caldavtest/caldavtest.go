// Package caldavtest starts CalDAV servers for tests — go-webdav's handler in-process over an
// in-memory backend, and a real Radicale on 127.0.0.1 — and gives the calendar conformance
// suite its backdoors (foreign events, tampering) through plain HTTP requests to the server,
// bypassing the store under test.
package caldavtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/calendartest"
)

// Server is a running CalDAV server with one user and a calendar made for the test.
type Server struct {
	// URL is the server's root, ending in "/".
	URL      string
	Username string
	Password string
	// CalendarPath is the calendar made when the server started.
	CalendarPath string
	// CertPEM is the server's self-signed certificate when it serves HTTPS.
	CertPEM []byte
	// Client reaches the server (it trusts CertPEM); the backdoors use it.
	Client *http.Client
	// PID is the server's process when it runs as one (Radicale), else 0: measurements read
	// its CPU time.
	PID int

	mkcalendar      func(t testing.TB, path, name, color string)
	newCalendarPath func(name string) string
}

// Creds are the server's credentials as the caldav package takes them.
func (s *Server) Creds() caldav.Credentials {
	return caldav.Credentials{Username: s.Username, Password: caldav.Secret(s.Password)}
}

// NewCalendar makes a calendar for events named name (display name displayName, colour
// "#rrggbb" or "") and returns its path.
func (s *Server) NewCalendar(t testing.TB, name, displayName, color string) string {
	t.Helper()
	p := s.newCalendarPath(name)
	s.mkcalendar(t, p, displayName, color)
	return p
}

// Do sends a request with the server's credentials and returns the status, the body and the
// ETag. It fails the test only when the server cannot be reached.
func (s *Server) Do(t testing.TB, method, path string, header http.Header, body string) (status int, respBody, etag string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, strings.TrimSuffix(s.URL, "/")+path, r)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	req.SetBasicAuth(s.Username, s.Password)
	resp, err := s.Client.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b), resp.Header.Get("ETag")
}

// Harness is the conformance suite's view of a fresh calendar on s, opened with caldav.Open.
func (s *Server) Harness(t *testing.T) calendartest.Harness {
	t.Helper()
	cal := s.NewCalendar(t, "h"+randomHex(6), "conformance", "")
	store, err := caldav.Open(t.Context(), s.URL, cal, s.Creds(), caldav.Options{HTTPClient: s.Client})
	require.NoError(t, err)
	return &harness{srv: s, cal: cal, store: store}
}

type harness struct {
	srv   *Server
	cal   string
	store *caldav.Store
}

func (h *harness) Store() calendar.Store { return h.store }

// foreignPath is where AddForeign puts a foreign event, under a name no awcal UID maps to.
func (h *harness) foreignPath(uid string) string {
	return h.cal + "foreign-" + hex.EncodeToString([]byte(uid)) + ".ics"
}

// AddForeign stores the VEVENT as another client would: its own resource, its own PRODID.
func (h *harness) AddForeign(t *testing.T, uid, ics string) {
	t.Helper()
	body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other Client//EN\r\n" + ics + "END:VCALENDAR\r\n"
	status, resp, _ := h.srv.Do(t, http.MethodPut, h.foreignPath(uid),
		http.Header{"Content-Type": {"text/calendar; charset=utf-8"}}, body)
	require.Contains(t, []int{http.StatusCreated, http.StatusNoContent}, status, "PUT foreign event: %s", resp)
}

// Foreign returns the foreign event's resource as the server serves it now.
func (h *harness) Foreign(t *testing.T, uid string) string {
	t.Helper()
	status, body, _ := h.srv.Do(t, http.MethodGet, h.foreignPath(uid), nil, "")
	require.Equal(t, http.StatusOK, status, "GET foreign event %s", uid)
	return body
}

// Tamper edits the owned event's title behind the store's back, which gives it a new ETag.
func (h *harness) Tamper(t *testing.T, uid string) {
	t.Helper()
	p := h.cal + caldav.ResourceName(uid)
	status, body, _ := h.srv.Do(t, http.MethodGet, p, nil, "")
	require.Equal(t, http.StatusOK, status, "GET owned event %s", uid)
	lines := strings.Split(strings.ReplaceAll(body, "\r\n ", ""), "\r\n")
	tampered := false
	for i, l := range lines {
		if strings.HasPrefix(strings.ToUpper(l), "SUMMARY") {
			lines[i] = l + " (edited elsewhere)"
			tampered = true
		}
	}
	if !tampered {
		for i, l := range lines {
			if l == "END:VEVENT" {
				lines[i] = "SUMMARY:edited elsewhere\r\nEND:VEVENT"
				break
			}
		}
	}
	status, resp, _ := h.srv.Do(t, http.MethodPut, p, http.Header{"Content-Type": {"text/calendar; charset=utf-8"}},
		strings.Join(lines, "\r\n"))
	require.Contains(t, []int{http.StatusCreated, http.StatusNoContent}, status, "PUT tampered event: %s", resp)
}

// Raw returns the owned event's resource as the server serves it now.
func (h *harness) Raw(t *testing.T, uid string) string {
	t.Helper()
	status, body, _ := h.srv.Do(t, http.MethodGet, h.cal+caldav.ResourceName(uid), nil, "")
	require.Equal(t, http.StatusOK, status, "GET owned event %s", uid)
	return body
}

// Edit changes the owned event's resource as a second client would: GET, then a PUT of the
// edited text with If-Match on the ETag it read.
func (h *harness) Edit(t *testing.T, uid string, edit func(string) string) {
	t.Helper()
	p := h.cal + caldav.ResourceName(uid)
	status, body, etag := h.srv.Do(t, http.MethodGet, p, nil, "")
	require.Equal(t, http.StatusOK, status, "GET owned event %s", uid)
	require.NotEmpty(t, etag, "the server gives no ETag")
	status, resp, _ := h.srv.Do(t, http.MethodPut, p, http.Header{"Content-Type": {"text/calendar; charset=utf-8"},
		"If-Match": {etag}}, edit(body))
	require.Contains(t, []int{http.StatusCreated, http.StatusNoContent, http.StatusOK}, status, "PUT edited event: %s", resp)
}

// Remove deletes the owned event's resource as a second client would (DELETE with If-Match).
func (h *harness) Remove(t *testing.T, uid string) {
	t.Helper()
	p := h.cal + caldav.ResourceName(uid)
	status, _, etag := h.srv.Do(t, http.MethodGet, p, nil, "")
	require.Equal(t, http.StatusOK, status, "GET owned event %s", uid)
	status, resp, _ := h.srv.Do(t, http.MethodDelete, p, http.Header{"If-Match": {etag}}, "")
	require.Contains(t, []int{http.StatusNoContent, http.StatusOK}, status, "DELETE owned event: %s", resp)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func certPEM(c *x509.Certificate) []byte {
	var buf bytes.Buffer
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	return buf.Bytes()
}

// Resources lists the paths of the resources in the collection at calPath (PROPFIND Depth 1).
func (s *Server) Resources(t testing.TB, calPath string) []string {
	t.Helper()
	status, body, _ := s.Do(t, "PROPFIND", calPath, http.Header{"Depth": {"1"}, "Content-Type": {"application/xml"}},
		`<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>`)
	require.Equal(t, http.StatusMultiStatus, status, "PROPFIND %s: %s", calPath, body)
	var ms struct {
		Responses []struct {
			Href string `xml:"DAV: href"`
		} `xml:"DAV: response"`
	}
	require.NoError(t, xml.Unmarshal([]byte(body), &ms))
	var out []string
	for _, r := range ms.Responses {
		u, err := url.Parse(r.Href)
		require.NoError(t, err)
		if !strings.HasSuffix(u.Path, "/") {
			out = append(out, u.Path)
		}
	}
	return out
}
