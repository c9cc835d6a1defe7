package awfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
)

// TestClockAndInfo: with a clock, only what has happened is served (the demo's growing day),
// and /api/0/info answers what SetInfo set.
func TestClockAndInfo(t *testing.T) {
	base := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	now := base.Add(time.Hour)
	h := New(Rust)
	h.SetInfo(Info{Hostname: "demo", Version: "v1", DeviceID: "d"})
	h.SetClock(func() time.Time { return now })
	h.AddEvents("w",
		activity.Event{Timestamp: base, Duration: 1800, Data: map[string]any{"app": "a"}},
		activity.Event{Timestamp: base.Add(30 * time.Minute), Duration: 3600, Data: map[string]any{"app": "b"}},
		activity.Event{Timestamp: base.Add(2 * time.Hour), Duration: 60, Data: map[string]any{"app": "future"}},
	)
	get := func(path string, v any) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+path, nil))
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), v))
	}
	var evs []struct {
		Duration float64        `json:"duration"`
		Data     map[string]any `json:"data"`
	}
	get("/api/0/buckets/w/events", &evs)
	require.Len(t, evs, 2, "the future event is left out")
	assert.Equal(t, "b", evs[0].Data["app"])
	assert.Equal(t, 1800.0, evs[0].Duration, "cut at the clock's time")

	var buckets map[string]map[string]any
	get("/api/0/buckets/", &buckets)
	assert.Equal(t, now.Format(time.RFC3339Nano), buckets["w"]["last_updated"])

	var info map[string]any
	get("/api/0/info", &info)
	assert.Equal(t, map[string]any{"hostname": "demo", "version": "v1", "device_id": "d", "testing": false}, info)

	now = base.Add(3 * time.Hour)
	get("/api/0/buckets/w/events", &evs)
	assert.Len(t, evs, 3, "the day grows with the clock")
}
