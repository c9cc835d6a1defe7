package feed

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

const oneEvent = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//awcal//awcal//EN\r\nBEGIN:VEVENT\r\nUID:a@awcal\r\nDTSTAMP:20260302T100000Z\r\nDTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\nSUMMARY:Coding\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

func get(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func TestFeedServesTheFileWithValidators(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, os.WriteFile(path, []byte(oneEvent), 0o600))
	srv := httptest.NewServer(Handler(path, ""))
	defer srv.Close()
	url := srv.URL + "/awcal.ics"

	resp, body := get(t, http.MethodGet, url, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, oneEvent, body)
	assert.Equal(t, "text/calendar; charset=utf-8", resp.Header.Get("Content-Type"))
	etag := resp.Header.Get("ETag")
	require.Regexp(t, `^"[0-9a-f]{32}"$`, etag)
	lastMod := resp.Header.Get("Last-Modified")
	require.NotEmpty(t, lastMod)

	resp, body = get(t, http.MethodGet, url, map[string]string{"If-None-Match": etag})
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)
	assert.Empty(t, body)
	resp, _ = get(t, http.MethodGet, url, map[string]string{"If-Modified-Since": lastMod})
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)
	resp, body = get(t, http.MethodHead, url, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, body)
	assert.Equal(t, etag, resp.Header.Get("ETag"))

	// A sync replaces the file: the old ETag no longer matches.
	changed := strings.Replace(oneEvent, "SUMMARY:Coding", "SUMMARY:Meetings", 1)
	require.NoError(t, os.WriteFile(path+".new", []byte(changed), 0o600))
	require.NoError(t, os.Rename(path+".new", path))
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(path, later, later))
	resp, body = get(t, http.MethodGet, url, map[string]string{"If-None-Match": etag})
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, changed, body)
	assert.NotEqual(t, etag, resp.Header.Get("ETag"))
}

func TestFeedIsReadOnlyAndLocal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, os.WriteFile(path, []byte(oneEvent), 0o600))
	srv := httptest.NewServer(Handler(path, "s3cret"))
	defer srv.Close()

	resp, body := get(t, http.MethodGet, srv.URL+"/s3cret/awcal.ics", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, oneEvent, body)
	for _, p := range []string{"/awcal.ics", "/wrong/awcal.ics", "/s3cret/", "/s3cret/awcal.ics/x"} {
		resp, body = get(t, http.MethodGet, srv.URL+p, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, p)
		assert.NotContains(t, body, "s3cret")
	}
	for _, m := range []string{http.MethodPut, http.MethodPost, http.MethodDelete} {
		resp, _ = get(t, m, srv.URL+"/s3cret/awcal.ics", nil)
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, m)
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, oneEvent, string(b))

	resp, _ = get(t, http.MethodGet, srv.URL+"/s3cret/awcal.ics", map[string]string{"Host": "attacker.example:5680"})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "DNS rebinding")
	for _, h := range []string{"localhost:5680", "[::1]:5680", "127.0.0.1"} {
		resp, _ = get(t, http.MethodGet, srv.URL+"/s3cret/awcal.ics", map[string]string{"Host": h})
		assert.Equal(t, http.StatusOK, resp.StatusCode, h)
	}
}

func TestFeedBeforeTheFirstSync(t *testing.T) {
	srv := httptest.NewServer(Handler(filepath.Join(t.TempDir(), "activity.ics"), ""))
	defer srv.Close()
	resp, body := get(t, http.MethodGet, srv.URL+"/awcal.ics", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//awcal//awcal//EN\r\nEND:VCALENDAR\r\n", body)
}

// freePort returns a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestServerFollowsTheConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "activity.ics")
	require.NoError(t, os.WriteFile(path, []byte(oneEvent), 0o600))
	cfg := config.Default(func(string) string { return "" })
	cfg.Calendar = config.Calendar{Kind: config.CalendarICS, Path: path}
	cfg.Feed = config.Feed{Enabled: true, Port: freePort(t), Token: "tok"}
	s := NewServer(nil)
	defer s.Close()

	require.NoError(t, s.Apply(cfg))
	assert.Equal(t, "http://127.0.0.1:"+strconv.Itoa(cfg.Feed.Port)+"/tok/awcal.ics", URL(cfg.Feed))
	resp, body := get(t, http.MethodGet, URL(cfg.Feed), nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, oneEvent, body)

	// Another port: the old one stops, the new one serves.
	old := URL(cfg.Feed)
	cfg.Feed.Port = freePort(t)
	require.NoError(t, s.Apply(cfg))
	_, err := http.Get(old)
	assert.Error(t, err, "the old port is closed")
	resp, _ = get(t, http.MethodGet, URL(cfg.Feed), nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// A port in use is a clear error.
	other := NewServer(nil)
	err = other.Apply(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "port "+strconv.Itoa(cfg.Feed.Port)+" on 127.0.0.1 is in use")

	// CalDAV: nothing to serve, and it says why.
	cfg.Calendar = config.Calendar{Kind: config.CalendarCalDAV, URL: "https://dav.example.com/"}
	err = s.Apply(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "local .ics calendar only")
	_, err = http.Get(URL(cfg.Feed))
	assert.Error(t, err, "stopped")

	// Off.
	cfg.Calendar = config.Calendar{Kind: config.CalendarICS, Path: path}
	require.NoError(t, s.Apply(cfg))
	cfg.Feed.Enabled = false
	require.NoError(t, s.Apply(cfg))
	_, err = http.Get(URL(cfg.Feed))
	assert.Error(t, err, "stopped")
}
