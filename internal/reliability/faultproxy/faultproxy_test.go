package faultproxy_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/reliability/faultproxy"
)

// backend answers "ok <method> <path>" to everything.
func backend(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"e1"`)
		_, _ = io.WriteString(w, "ok "+r.Method+" "+r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type answer struct {
	status int
	body   string
	err    error
}

func do(t *testing.T, client *http.Client, method, url string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, nil)
	require.NoError(t, err)
	resp, err := client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, body: string(b)}
}

func TestProxy(t *testing.T) {
	tests := []struct {
		name  string
		fault *faultproxy.Fault
		// requests are sent in order; want gives each one's status (0 = connection error).
		requests []string // "METHOD /path"
		want     []int
		faulted  int
	}{
		{
			name:     "no fault forwards everything",
			requests: []string{"GET /a", "PUT /b"},
			want:     []int{200, 200},
		},
		{
			name:     "status on every request",
			fault:    &faultproxy.Fault{Status: 503},
			requests: []string{"GET /a", "PUT /b"},
			want:     []int{503, 503},
			faulted:  2,
		},
		{
			name:     "method and path filter",
			fault:    &faultproxy.Fault{Status: 507, Method: "PUT", Path: "/cal/"},
			requests: []string{"PUT /other", "GET /cal/x", "PUT /cal/x"},
			want:     []int{200, 200, 507},
			faulted:  1,
		},
		{
			name:     "skip then times",
			fault:    &faultproxy.Fault{Status: 412, Skip: 1, Times: 2},
			requests: []string{"PUT /1", "PUT /2", "PUT /3", "PUT /4"},
			want:     []int{200, 412, 412, 200},
			faulted:  2,
		},
		{
			name:     "dropped connection",
			fault:    &faultproxy.Fault{Drop: true, Times: 1},
			requests: []string{"GET /a", "GET /b"},
			want:     []int{0, 200},
			faulted:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := faultproxy.New(t, backend(t).URL, nil)
			if tt.fault != nil {
				p.Set(*tt.fault)
			}
			// No keep-alive retries: a dropped connection must show as an error.
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			for i, r := range tt.requests {
				method, path, _ := strings.Cut(r, " ")
				got := do(t, client, method, strings.TrimSuffix(p.URL(), "/")+path)
				if tt.want[i] == 0 {
					assert.Error(t, got.err, "request %d (%s)", i, r)
					continue
				}
				require.NoError(t, got.err, "request %d (%s)", i, r)
				assert.Equal(t, tt.want[i], got.status, "request %d (%s): %s", i, r, got.body)
				if tt.want[i] == 200 {
					assert.Equal(t, "ok "+r, got.body, "forwarded unchanged")
				}
			}
			assert.Equal(t, tt.faulted, p.Injected())
			log := p.Requests()
			require.Len(t, log, len(tt.requests))
			for i, r := range log {
				assert.Equal(t, tt.want[i], r.Status, "logged status of request %d", i)
			}
		})
	}
}

func TestForwardedFaults(t *testing.T) {
	t.Run("slow answer still arrives", func(t *testing.T) {
		p := faultproxy.New(t, backend(t).URL, nil)
		p.Set(faultproxy.Fault{Delay: 50 * time.Millisecond})
		start := time.Now()
		got := do(t, http.DefaultClient, "GET", p.URL()+"x")
		require.NoError(t, got.err)
		assert.Equal(t, 200, got.status)
		assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
		require.Len(t, p.Requests(), 1)
		assert.GreaterOrEqual(t, p.Requests()[0].Duration, 50*time.Millisecond, "the log holds the delay")
	})
	t.Run("client timeout ends the wait", func(t *testing.T) {
		p := faultproxy.New(t, backend(t).URL, nil)
		p.Set(faultproxy.Fault{Delay: time.Hour})
		client := &http.Client{Timeout: 100 * time.Millisecond}
		got := do(t, client, "GET", p.URL()+"x")
		var ne interface{ Timeout() bool }
		require.True(t, errors.As(got.err, &ne), "want a timeout, got %v", got.err)
		assert.True(t, ne.Timeout())
	})
	t.Run("transform rewrites the answer", func(t *testing.T) {
		p := faultproxy.New(t, backend(t).URL, nil)
		p.Set(faultproxy.Fault{Path: "/b", Transform: func(b []byte) []byte { return append([]byte("<"), append(b, '>')...) }})
		assert.Equal(t, "ok GET /a", do(t, http.DefaultClient, "GET", p.URL()+"a").body)
		assert.Equal(t, "<ok GET /b>", do(t, http.DefaultClient, "GET", p.URL()+"b").body)
		assert.Equal(t, 1, p.Injected())
	})
	t.Run("the server dropping the connection drops the client's", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { drop(w) }))
		t.Cleanup(srv.Close)
		p := faultproxy.New(t, srv.URL, nil)
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		got := do(t, client, "GET", p.URL())
		assert.Error(t, got.err, "want a dropped connection, got status %d", got.status)
		require.Len(t, p.Requests(), 1)
		assert.Equal(t, 0, p.Requests()[0].Status)
	})
	t.Run("clear stops the fault", func(t *testing.T) {
		p := faultproxy.New(t, backend(t).URL, nil)
		p.Set(faultproxy.Fault{Status: 500})
		assert.Equal(t, 500, do(t, http.DefaultClient, "GET", p.URL()).status)
		p.Clear()
		assert.Equal(t, 200, do(t, http.DefaultClient, "GET", p.URL()).status)
	})
}

// TestDroppedRequestIsLoggedFirst: a client whose connection the proxy drops (a Drop fault, or
// the server dropping it) finds its request in the log as soon as it sees the error. The hook
// runs right after the drop and looks at the log once the client has seen it.
func TestDroppedRequestIsLoggedFirst(t *testing.T) {
	for _, tt := range []struct {
		name   string
		target func(t *testing.T) string
		fault  *faultproxy.Fault
	}{
		{"drop fault", func(t *testing.T) string { return backend(t).URL }, &faultproxy.Fault{Drop: true}},
		{"the server drops", func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { drop(w) }))
			t.Cleanup(srv.Close)
			return srv.URL
		}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := faultproxy.New(t, tt.target(t), nil)
			if tt.fault != nil {
				p.Set(*tt.fault)
			}
			answered, checked := make(chan answer, 1), make(chan answer, 1)
			var seen []faultproxy.Request
			p.SetAfterDrop(func() {
				got := <-answered // the connection is closed: the client sees it
				seen = p.Requests()
				checked <- got
			})
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			go func() { answered <- do(t, client, "GET", p.URL()) }()
			got := <-checked
			assert.Error(t, got.err)
			require.Len(t, seen, 1, "when the client saw its connection end, the request was logged")
			assert.Equal(t, 0, seen[0].Status)
		})
	}
}

func drop(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}
