package awtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
)

var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// get fetches path+rawQuery from s with plain net/http (the fake is tested on its own,
// without the client it exists to test).
func get(t *testing.T, s *Server, pathAndQuery string, header http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL()+pathAndQuery, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

type wireEvent struct {
	ID        int64          `json:"id"`
	Timestamp string         `json:"timestamp"`
	Duration  float64        `json:"duration"`
	Data      map[string]any `json:"data"`
}

func events(t *testing.T, s *Server, bucketID string, q url.Values) []wireEvent {
	t.Helper()
	status, body := get(t, s, "/api/0/buckets/"+bucketID+"/events?"+q.Encode(), nil)
	require.Equal(t, http.StatusOK, status, string(body))
	var evs []wireEvent
	require.NoError(t, json.Unmarshal(body, &evs))
	return evs
}

func ev(startMin, durMin float64, app string) activity.Event {
	return activity.Event{
		Timestamp: t0.Add(time.Duration(startMin * float64(time.Minute))),
		Duration:  durMin * 60,
		Data:      map[string]any{"app": app},
	}
}

func rangeQuery(fromMin, toMin float64) url.Values {
	return url.Values{
		"start": {t0.Add(time.Duration(fromMin * float64(time.Minute))).Format(time.RFC3339Nano)},
		"end":   {t0.Add(time.Duration(toMin * float64(time.Minute))).Format(time.RFC3339Nano)},
	}
}

func TestEventsQuery(t *testing.T) {
	s := New(t)
	s.AddEvents("w",
		ev(0, 10, "a"),  // id 1: 09:00–09:10
		ev(10, 5, "b"),  // id 2: 09:10–09:15
		ev(15, 0, "c"),  // id 3: zero length at 09:15
		ev(20, 30, "d"), // id 4: 09:20–09:50
		ev(10, 2, "e"),  // id 5: same start as b, ends earlier
	)

	tests := []struct {
		name     string
		q        url.Values
		wantApps []string
		wantDur  []float64 // seconds, in answer order
		wantTS   []string
	}{
		{
			name:     "everything newest first, equal starts by end",
			q:        url.Values{},
			wantApps: []string{"d", "c", "e", "b", "a"},
			wantDur:  []float64{1800, 0, 120, 300, 600},
		},
		{
			name:     "trimmed at both ends",
			q:        rangeQuery(5, 30),
			wantApps: []string{"d", "c", "e", "b", "a"},
			wantDur:  []float64{600, 0, 120, 300, 300},
			wantTS:   []string{"2024-03-01T09:20:00Z", "2024-03-01T09:15:00Z", "2024-03-01T09:10:00Z", "2024-03-01T09:10:00Z", "2024-03-01T09:05:00Z"},
		},
		{
			name:     "an event that only touches the range comes back empty",
			q:        rangeQuery(50, 60),
			wantApps: []string{"d"},
			wantDur:  []float64{0},
		},
		{
			name:     "limit keeps the newest",
			q:        url.Values{"limit": {"2"}},
			wantApps: []string{"d", "c"},
			wantDur:  []float64{1800, 0},
		},
		{
			name:     "inverted range is empty",
			q:        rangeQuery(30, 5),
			wantApps: []string{},
			wantDur:  []float64{},
		},
		{
			name:     "untrimmed order decides among events trimmed to the same start",
			q:        rangeQuery(11, 13),
			wantApps: []string{"e", "b"},
			wantDur:  []float64{60, 120},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := events(t, s, "w", tt.q)
			apps, durs, ts := []string{}, []float64{}, []string{}
			for _, e := range evs {
				apps = append(apps, e.Data["app"].(string))
				durs = append(durs, e.Duration)
				ts = append(ts, e.Timestamp)
			}
			assert.Equal(t, tt.wantApps, apps)
			assert.Equal(t, tt.wantDur, durs)
			if tt.wantTS != nil {
				assert.Equal(t, tt.wantTS, ts)
			}
		})
	}
}

func TestOffsetEncoding(t *testing.T) {
	s := New(t)
	s.AddEvents("w", ev(0, 60, "a"))
	plus1 := time.FixedZone("+01:00", 3600)
	start := t0.Add(30 * time.Minute).In(plus1).Format(time.RFC3339) // 2024-03-01T10:30:00+01:00

	t.Run("percent-encoded plus is an offset", func(t *testing.T) {
		evs := events(t, s, "w", url.Values{"start": {start}})
		require.Len(t, evs, 1)
		assert.Equal(t, "2024-03-01T09:30:00Z", evs[0].Timestamp)
		assert.Equal(t, 1800.0, evs[0].Duration)
	})
	t.Run("raw plus arrives as a space and is refused", func(t *testing.T) {
		status, body := get(t, s, "/api/0/buckets/w/events?start="+start, nil)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, string(body), "rfc3339")
	})
}

func TestErrorsAndAuth(t *testing.T) {
	s := New(t)
	s.AddBucket(activity.Bucket{ID: "w", Type: activity.TypeWindow, Hostname: "h"})
	s.RequireAPIKey("sekrit")
	bearer := http.Header{"Authorization": {"Bearer sekrit"}}

	tests := []struct {
		name       string
		path       string
		header     http.Header
		wantStatus int
		wantMsg    string
	}{
		{"info needs no key", "/api/0/info", nil, http.StatusOK, ""},
		{"buckets without key", "/api/0/buckets/", nil, http.StatusUnauthorized, "API key"},
		{"buckets with a wrong key", "/api/0/buckets/", http.Header{"Authorization": {"Bearer nope"}}, http.StatusUnauthorized, "API key"},
		{"buckets with the key as Basic", "/api/0/buckets/", http.Header{"Authorization": {"Basic sekrit"}}, http.StatusUnauthorized, "API key"},
		{"buckets with the key", "/api/0/buckets/", bearer, http.StatusOK, ""},
		{"missing bucket", "/api/0/buckets/nope/events", bearer, http.StatusNotFound, "There's no bucket named nope"},
		{"bad limit", "/api/0/buckets/w/events?limit=x", bearer, http.StatusBadRequest, "limit"},
		{"foreign Host header", "/api/0/info", http.Header{"Host": {"evil.example"}}, http.StatusBadRequest, "Host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, s.URL()+tt.path, nil)
			require.NoError(t, err)
			for k, v := range tt.header {
				if k == "Host" {
					req.Host = v[0]
					continue
				}
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			assert.Equal(t, tt.wantStatus, resp.StatusCode, string(body))
			if tt.wantMsg != "" {
				var m struct{ Message string }
				require.NoError(t, json.Unmarshal(body, &m), string(body))
				assert.Contains(t, m.Message, tt.wantMsg)
			}
		})
	}
}

func TestListingCountSettingsExport(t *testing.T) {
	s := New(t)
	created := time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC)
	s.AddBucket(activity.Bucket{ID: "w", Type: activity.TypeWindow, Client: "aw-watcher-window", Hostname: "h", Created: created})
	s.AddEvents("w", ev(0, 10, "a"), ev(20, 5, "b"))
	s.SetSettings(map[string]any{"always_active_pattern": "Zoom"})

	t.Run("buckets map with last_updated", func(t *testing.T) {
		status, body := get(t, s, "/api/0/buckets/", nil)
		require.Equal(t, http.StatusOK, status)
		var m map[string]map[string]any
		require.NoError(t, json.Unmarshal(body, &m))
		require.Contains(t, m, "w")
		assert.Equal(t, "currentwindow", m["w"]["type"])
		assert.Equal(t, "2024-01-02T03:04:05.123456789Z", m["w"]["created"])
		assert.Equal(t, "2024-03-01T09:25:00Z", m["w"]["last_updated"])
	})
	t.Run("count is a bare integer", func(t *testing.T) {
		status, body := get(t, s, "/api/0/buckets/w/events/count?"+rangeQuery(5, 15).Encode(), nil)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "1", string(body))
	})
	t.Run("settings", func(t *testing.T) {
		_, body := get(t, s, "/api/0/settings", nil)
		assert.JSONEq(t, `{"always_active_pattern":"Zoom"}`, string(body))
	})
	t.Run("export holds every event", func(t *testing.T) {
		_, body := get(t, s, "/api/0/export", nil)
		var exp struct {
			Buckets map[string]struct {
				ID     string      `json:"id"`
				Events []wireEvent `json:"events"`
			} `json:"buckets"`
		}
		require.NoError(t, json.Unmarshal(body, &exp))
		require.Contains(t, exp.Buckets, "w")
		require.Len(t, exp.Buckets["w"].Events, 2)
		assert.Equal(t, "b", exp.Buckets["w"].Events[0].Data["app"])
	})
}

func TestFaults(t *testing.T) {
	s := New(t)
	s.AddEvents("w", ev(0, 10, "a"))

	t.Run("status for a path prefix, a limited number of times", func(t *testing.T) {
		s.SetFault(Fault{Status: http.StatusServiceUnavailable, Path: "/api/0/buckets/", Times: 2})
		status, _ := get(t, s, "/api/0/info", nil)
		assert.Equal(t, http.StatusOK, status, "other paths are untouched")
		for range 2 {
			status, body := get(t, s, "/api/0/buckets/", nil)
			assert.Equal(t, http.StatusServiceUnavailable, status)
			assert.Contains(t, string(body), "message")
		}
		status, _ = get(t, s, "/api/0/buckets/", nil)
		assert.Equal(t, http.StatusOK, status, "the fault is used up")
	})
	t.Run("malformed JSON until cleared", func(t *testing.T) {
		s.SetFault(Fault{MalformedJSON: true})
		for range 3 {
			_, body := get(t, s, "/api/0/buckets/", nil)
			assert.False(t, json.Valid(body))
		}
		s.ClearFault()
		_, body := get(t, s, "/api/0/buckets/", nil)
		assert.True(t, json.Valid(body))
	})
	t.Run("closed connection", func(t *testing.T) {
		// Until cleared: net/http retries a GET once when a reused connection drops.
		s.SetFault(Fault{CloseConnection: true})
		_, err := http.Get(s.URL() + "/api/0/info")
		assert.Error(t, err)
		s.ClearFault()
	})
	t.Run("delay holds the answer back", func(t *testing.T) {
		s.SetFault(Fault{Delay: time.Hour, Times: 1})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/api/0/info", nil)
		require.NoError(t, err)
		_, err = http.DefaultClient.Do(req)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("a held request ends with the test even if its client never hangs up", func(t *testing.T) {
		held := make(chan struct{})
		errc := make(chan error, 1)
		t.Run("server", func(t *testing.T) {
			s := New(t)
			s.mu.Lock()
			s.onHold = func() { close(held) }
			s.mu.Unlock()
			s.SetFault(Fault{Delay: time.Hour})
			go func() {
				resp, err := http.Get(s.URL() + "/api/0/info") // no deadline: it waits for the server
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			<-held
		}) // its cleanup closes the server: it must not wait for the hour
		assert.Error(t, <-errc, "the held request is dropped, not answered")
	})
	t.Run("requests are counted", func(t *testing.T) {
		before := s.Requests()
		get(t, s, "/api/0/info", nil)
		assert.Equal(t, before+1, s.Requests())
	})
}

func TestAddEventsWhileServing(t *testing.T) {
	s := New(t)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range 200 {
			s.AddEvents("w", ev(float64(i), 1, fmt.Sprint(i)))
		}
	}()
	go func() {
		defer wg.Done()
		for range 20 {
			resp, err := http.Get(s.URL() + "/api/0/buckets/w/events")
			if err == nil {
				resp.Body.Close()
			}
		}
	}()
	wg.Wait()
	evs := events(t, s, "w", url.Values{})
	assert.Len(t, evs, 200)
	seen := map[int64]bool{}
	for _, e := range evs {
		assert.False(t, seen[e.ID], "ids are unique")
		seen[e.ID] = true
	}
}

// TestPythonFlavour checks the Python aw-server's quirks: millisecond timestamps with
// microsecond durations, the 24-hour cut-off before a query's start, the end rounded up to the
// next millisecond, and Python's timestamp format.
func TestPythonFlavour(t *testing.T) {
	s := NewPython(t)
	s.AddEvents("afk",
		activity.Event{Timestamp: t0.Add(-40 * time.Hour), Duration: 64 * 3600, Data: map[string]any{"status": "afk"}},         // id 1
		activity.Event{Timestamp: t0.Add(1234567 * time.Nanosecond), Duration: 1.0000015, Data: map[string]any{"status": "x"}}, // id 2
		activity.Event{Timestamp: t0.Add(time.Hour), Duration: 60, Data: map[string]any{"status": "at end"}},                   // id 3
	)
	q := func(from, to time.Time, extra url.Values) url.Values {
		v := url.Values{"start": {from.Format(time.RFC3339Nano)}, "end": {to.Format(time.RFC3339Nano)}}
		for k, x := range extra {
			v[k] = x
		}
		return v
	}

	t.Run("stored at ms, duration at µs; began over 24 h before start: cut off", func(t *testing.T) {
		evs := events(t, s, "afk", q(t0, t0.Add(time.Minute), nil))
		require.Len(t, evs, 1, "the 64 h event began 40 h before the start")
		assert.Equal(t, "2024-03-01T09:00:00.001000+00:00", evs[0].Timestamp)
		assert.Equal(t, 1.000002, evs[0].Duration)
	})
	t.Run("within 24 h before start: trimmed to it", func(t *testing.T) {
		evs := events(t, s, "afk", q(t0.Add(-17*time.Hour), t0.Add(-16*time.Hour), nil))
		require.Len(t, evs, 1)
		assert.Equal(t, t0.Add(-17*time.Hour).Format("2006-01-02T15:04:05+00:00"), evs[0].Timestamp)
		assert.Equal(t, 3600.001, evs[0].Duration, "the end is rounded up by 1 ms")
	})
	t.Run("without start there is no cut-off", func(t *testing.T) {
		evs := events(t, s, "afk", url.Values{"end": {t0.Add(-time.Second).Format(time.RFC3339Nano)}, "limit": {"1"}})
		require.Len(t, evs, 1)
		assert.Equal(t, "afk", evs[0].Data["status"])
		assert.Equal(t, 40*3600-1+0.001, evs[0].Duration, "trimmed at the end, rounded up by 1 ms")
	})
	t.Run("an event starting at the end comes back 1 ms long", func(t *testing.T) {
		evs := events(t, s, "afk", q(t0.Add(30*time.Minute), t0.Add(time.Hour), nil))
		require.Len(t, evs, 1, "the long event is cut off; the one at the end is not")
		assert.Equal(t, "at end", evs[0].Data["status"])
		assert.Equal(t, 0.001, evs[0].Duration)
	})
}
