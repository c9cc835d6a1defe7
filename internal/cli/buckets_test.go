package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
)

// runBucketsCLI runs "awcal buckets args..." through Main with the given environment.
func runBucketsCLI(t *testing.T, environ map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return environ[k] }}
	code = Main(context.Background(), env, append([]string{"buckets"}, args...))
	return code, out.String(), errOut.String()
}

func bucketsServer(t *testing.T) *awtest.Server {
	s := awtest.New(t)
	s.AddBucket(activity.Bucket{ID: "aw-watcher-window_laptop", Type: activity.TypeWindow, Client: "aw-watcher-window", Hostname: "laptop"})
	s.AddBucket(activity.Bucket{ID: "aw-watcher-afk_laptop", Type: activity.TypeAFK, Client: "aw-watcher-afk", Hostname: "laptop"})
	s.AddEvents("aw-watcher-window_laptop",
		activity.Event{Timestamp: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC), Duration: 90, Data: map[string]any{"app": "code"}})
	return s
}

func TestBucketsTable(t *testing.T) {
	s := bucketsServer(t)
	code, stdout, stderr := runBucketsCLI(t, nil, "--url", s.URL())
	require.Equal(t, ExitOK, code, stderr)
	assert.Empty(t, stderr)

	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	require.Len(t, lines, 5, stdout)
	assert.Equal(t, "aw-server v0.13.2 (awtest) on awtest at "+s.URL()+": 2 buckets", lines[0])
	assert.Regexp(t, `^ID\s+TYPE\s+HOSTNAME\s+LAST EVENT$`, lines[2])
	assert.Regexp(t, `^aw-watcher-afk_laptop\s+afkstatus\s+laptop\s+\(no events\)$`, lines[3])
	last := time.Date(2024, 3, 1, 9, 1, 30, 0, time.UTC).Local().Format("2006-01-02 15:04:05 -07:00")
	assert.Regexp(t, `^aw-watcher-window_laptop\s+currentwindow\s+laptop\s+`+regexp.QuoteMeta(last)+`$`, lines[4])
}

func TestBucketsJSON(t *testing.T) {
	s := bucketsServer(t)
	// The URL comes from the environment when --url is not given.
	code, stdout, stderr := runBucketsCLI(t, map[string]string{"AWCAL_AW_URL": s.URL()}, "--json")
	require.Equal(t, ExitOK, code, stderr)
	assert.JSONEq(t, `{
		"server": {"url": "`+s.URL()+`", "hostname": "awtest", "version": "v0.13.2 (awtest)"},
		"buckets": [
			{"id": "aw-watcher-afk_laptop", "type": "afkstatus", "client": "aw-watcher-afk", "hostname": "laptop", "lastEvent": null},
			{"id": "aw-watcher-window_laptop", "type": "currentwindow", "client": "aw-watcher-window", "hostname": "laptop", "lastEvent": "2024-03-01T09:01:30Z"}
		]}`, stdout)
	var parsed bucketsJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &parsed), "the output decodes into the documented type")
}

func TestBucketsErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	deadURL := "http://" + l.Addr().String()
	require.NoError(t, l.Close())

	keyed := bucketsServer(t)
	keyed.RequireAPIKey("k3y-value")

	tests := []struct {
		name       string
		environ    map[string]string
		args       []string
		wantCode   int
		wantStderr string
		wantOut    string
	}{
		{
			name:       "unreachable",
			args:       []string{"--url", deadURL},
			wantCode:   ExitFailure,
			wantStderr: "awcal buckets: aw-server is not reachable at " + deadURL + " — is ActivityWatch running?",
		},
		{
			name:       "API key missing",
			args:       []string{"--url", keyed.URL()},
			wantCode:   ExitFailure,
			wantStderr: "API key is missing or wrong",
		},
		{
			name:     "API key from the default variable",
			environ:  map[string]string{"AWCAL_AW_API_KEY": "k3y-value"},
			args:     []string{"--url", keyed.URL()},
			wantCode: ExitOK,
			wantOut:  "aw-watcher-window_laptop",
		},
		{
			name:     "API key from a named variable",
			environ:  map[string]string{"MY_KEY": "k3y-value"},
			args:     []string{"--url", keyed.URL(), "--api-key-env", "MY_KEY"},
			wantCode: ExitOK,
			wantOut:  "aw-watcher-window_laptop",
		},
		{
			name:       "named variable is empty",
			args:       []string{"--url", keyed.URL(), "--api-key-env", "MY_KEY"},
			wantCode:   ExitUsage,
			wantStderr: "$MY_KEY is empty",
		},
		{
			name:       "invalid URL",
			args:       []string{"--url", "localhost:5600"},
			wantCode:   ExitUsage,
			wantStderr: "set it like http://127.0.0.1:5600",
		},
		{
			name:       "stray argument",
			args:       []string{"extra"},
			wantCode:   ExitUsage,
			wantStderr: "unexpected arguments: extra",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runBucketsCLI(t, tt.environ, tt.args...)
			assert.Equal(t, tt.wantCode, code, "stderr: %s", stderr)
			if tt.wantStderr != "" {
				assert.Contains(t, stderr, tt.wantStderr)
			}
			if tt.wantOut != "" {
				assert.Contains(t, stdout, tt.wantOut)
			}
			assert.NotContains(t, stderr, "k3y-value", "the key is never printed")
		})
	}
}

func TestBucketsEmptyServer(t *testing.T) {
	s := awtest.New(t)
	code, stdout, stderr := runBucketsCLI(t, nil, "--url", s.URL())
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "0 buckets")
	assert.Contains(t, stdout, "start the ActivityWatch watchers")
}

// Without last_updated (older servers), the newest event is asked for.
func TestBucketsLastEventFallback(t *testing.T) {
	s := bucketsServer(t)
	target, err := url.Parse(s.URL())
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path != "/api/0/buckets/" {
			return nil
		}
		var m map[string]map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			return err
		}
		resp.Body.Close()
		for _, b := range m {
			delete(b, "last_updated")
		}
		body, err := json.Marshal(m)
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Del("Content-Length")
		return nil
	}
	front := httptest.NewServer(proxy)
	defer front.Close()

	before := s.Requests()
	code, stdout, stderr := runBucketsCLI(t, nil, "--url", front.URL, "--json")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, `"lastEvent": "2024-03-01T09:01:30Z"`)
	assert.Equal(t, 4, s.Requests()-before, "info, buckets, and one newest-event query per bucket")
}
