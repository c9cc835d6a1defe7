package caldav_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
)

// remote is a CalDAV server that the store reaches as http://dav.example.test/ — another
// machine over plain http — and that records which requests carried credentials.
type remote struct {
	srv    *caldavtest.Server
	client *http.Client
	mu     sync.Mutex
	auth   []bool // per request: whether it carried an Authorization header
}

func startRemote(t *testing.T) *remote {
	r := &remote{srv: caldavtest.StartMemory(t, caldavtest.MemoryOptions{})}
	target, err := url.Parse(r.srv.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.auth = append(r.auth, req.Header.Get("Authorization") != "")
		r.mu.Unlock()
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(front.Close)
	// Every address leads to the front server, so the store believes it talks to a remote host.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, front.Listener.Addr().String())
	}}
	r.client = &http.Client{Transport: tr}
	return r
}

func (r *remote) sent() []bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bool(nil), r.auth...)
}

// TestPlainHTTPNeedsOptIn is defect 5 of issue 13: the password went in cleartext on the first
// request to a plain http:// server, with no warning.
func TestPlainHTTPNeedsOptIn(t *testing.T) {
	r := startRemote(t)
	const remoteURL = "http://dav.example.test/"
	ctx := context.Background()

	_, err := caldav.Open(ctx, remoteURL, r.srv.CalendarPath, r.srv.Creds(), caldav.Options{HTTPClient: r.client})
	require.ErrorIs(t, err, caldav.ErrPlainHTTP)
	assert.Contains(t, err.Error(), "use the server's https:// address")
	assert.Contains(t, err.Error(), "calendar.allowPlainHTTP")
	_, err = caldav.Discover(ctx, remoteURL, r.srv.Creds(), caldav.Options{HTTPClient: r.client})
	require.ErrorIs(t, err, caldav.ErrPlainHTTP)
	assert.Empty(t, r.sent(), "nothing was sent")

	// Opted in: the credentials go only after the server asked for them.
	st, err := caldav.Open(ctx, remoteURL, r.srv.CalendarPath, r.srv.Creds(),
		caldav.Options{HTTPClient: r.client, AllowPlainHTTP: true})
	require.NoError(t, err)
	_, err = st.Owned(ctx, day, day.AddDate(0, 0, 1))
	require.NoError(t, err)
	sent := r.sent()
	require.GreaterOrEqual(t, len(sent), 3)
	assert.False(t, sent[0], "the first request carries no password")
	assert.True(t, sent[1], "the password follows the server's 401")
	assert.True(t, sent[2], "and goes with the later requests")
}

// TestLoopbackHTTPNeedsNoOptIn: http:// to this machine never leaves it.
func TestLoopbackHTTPNeedsNoOptIn(t *testing.T) {
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{})
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	_, err := caldav.Open(context.Background(), srv.URL, srv.CalendarPath, srv.Creds(), caldav.Options{HTTPClient: srv.Client})
	require.NoError(t, err)
	for _, u := range []string{"http://localhost:5232/", "http://[::1]:5232/"} {
		_, err := caldav.Open(context.Background(), u, "/cal/", srv.Creds(), caldav.Options{HTTPClient: srv.Client})
		assert.NotErrorIs(t, err, caldav.ErrPlainHTTP, u)
	}
}

// TestUnparsableServerURLHidesPassword is part of defect 10 of issue 13.
func TestUnparsableServerURLHidesPassword(t *testing.T) {
	_, err := caldav.Open(context.Background(), "https://alice:S3cr%zzPW@dav.example.test/", "/cal/",
		caldav.Credentials{}, caldav.Options{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "S3cr")
	assert.Contains(t, err.Error(), "dav.example.test")
}
