package activitywatch_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
)

func TestReadExportRealAndroidFile(t *testing.T) {
	f, err := os.Open("testdata/android-export-rust.json")
	require.NoError(t, err)
	defer f.Close()

	buckets, stats, err := activitywatch.ReadExport(f)
	require.NoError(t, err)
	assert.Empty(t, stats.Malformed)
	require.Len(t, buckets, 2)

	window, unlock := buckets[0], buckets[1]
	assert.Equal(t, "aw-watcher-android-test", window.Bucket.ID)
	assert.Equal(t, activity.TypeWindow, window.Bucket.Type)
	assert.Equal(t, "aw-android", window.Bucket.Client)
	assert.Equal(t, "unknown", window.Bucket.Hostname)
	assert.Equal(t, time.Date(2026, 4, 23, 7, 26, 32, 457626816, time.UTC), window.Bucket.Created, "nanoseconds kept")
	assert.Len(t, window.Events, 14350)

	assert.Equal(t, "aw-watcher-android-unlock", unlock.Bucket.ID)
	assert.Equal(t, "os.lockscreen.unlocks", unlock.Bucket.Type, "unknown type passes through")
	assert.Equal(t, activity.KindOther, activity.KindOf(unlock.Bucket))
	assert.Len(t, unlock.Events, 665)

	// The file's order (newest first) is kept.
	first, last := window.Events[0], window.Events[len(window.Events)-1]
	assert.Equal(t, int64(15014), first.ID)
	assert.Equal(t, time.Date(2026, 4, 24, 1, 25, 10, 464000000, time.UTC), first.Timestamp)
	assert.Equal(t, map[string]any{"app": "ActivityWatch", "classname": "net.activitywatch.android.MainActivity", "package": "net.activitywatch.android"}, first.Data)
	assert.Equal(t, int64(1), last.ID)
	assert.Equal(t, 7.363, last.Duration)
	for i := 1; i < len(window.Events); i++ {
		if window.Events[i].Timestamp.After(window.Events[i-1].Timestamp) {
			t.Fatalf("event %d is newer than the one before it: file order lost", i)
		}
	}
}

func TestReadExportShapes(t *testing.T) {
	tests := []struct {
		name          string
		file          string
		wantErr       string
		wantBuckets   []string
		wantEvents    []int
		wantMalformed map[string]int
	}{
		{
			name: "python server export: no ids, no metadata, NaN, an absurd duration",
			file: `{"buckets": {
				"aw-watcher-window_h": {"id": "aw-watcher-window_h", "created": "2024-01-01T10:00:00.000000+00:00",
					"name": null, "type": "currentwindow", "client": "aw-watcher-window", "hostname": "h",
					"events": [
						{"timestamp": "2024-03-01T10:00:00+00:00", "duration": 5.0, "data": {"app": "a", "title": "t"}},
						{"timestamp": "2024-03-01T09:00:00+00:00", "duration": NaN, "data": {"app": "b"}},
						{"timestamp": "2024-03-01T08:00:00+00:00", "duration": 1.0, "data": "x"},
						{"timestamp": "2024-03-01T07:00:00+00:00", "duration": 1e12, "data": {"app": "c"}}
					]},
				"aw-watcher-afk_h": {"id": "aw-watcher-afk_h", "created": "2024-01-01T10:00:00+00:00",
					"type": "afkstatus", "client": "aw-watcher-afk", "hostname": "h", "events": []}
			}}`,
			wantBuckets:   []string{"aw-watcher-afk_h", "aw-watcher-window_h"},
			wantEvents:    []int{0, 1},
			wantMalformed: map[string]int{"aw-watcher-window_h": 3},
		},
		{
			name:          "bucket without events key, id from the key",
			file:          `{"buckets": {"b1": {"type": "t", "hostname": "h", "created": "bad"}}}`,
			wantBuckets:   []string{"b1"},
			wantEvents:    []int{0},
			wantMalformed: map[string]int{},
		},
		{name: "not an export", file: `{"events": []}`, wantErr: `no "buckets" object`},
		{name: "not JSON", file: `{"buckets": {`, wantErr: "not valid JSON"},
		{name: "bucket is not an object", file: `{"buckets": {"b": 3}}`, wantErr: `bucket "b" is invalid`},
		{name: "events is not a list", file: `{"buckets": {"b": {"events": {}}}}`, wantErr: `bucket "b": events`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buckets, stats, err := activitywatch.ReadExport(strings.NewReader(tt.file))
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			var ids []string
			var counts []int
			for _, b := range buckets {
				ids = append(ids, b.Bucket.ID)
				counts = append(counts, len(b.Events))
			}
			assert.Equal(t, tt.wantBuckets, ids)
			assert.Equal(t, tt.wantEvents, counts)
			assert.Equal(t, tt.wantMalformed, stats.Malformed)
		})
	}
}

// An export taken from the fake server reads back as the events the API serves.
func TestReadExportMatchesAPI(t *testing.T) {
	s := awtest.New(t)
	s.AddBucket(activity.Bucket{ID: "w", Type: activity.TypeWindow, Hostname: "h"})
	s.AddEvents("w", ev(0, 10, "a"), ev(10, 5, "b"), ev(10, 0, "c"))

	resp, err := http.Get(s.URL() + "/api/0/export")
	require.NoError(t, err)
	defer resp.Body.Close()
	buckets, _, err := activitywatch.ReadExport(resp.Body)
	require.NoError(t, err)
	require.Len(t, buckets, 1)

	api, err := activitywatch.New(s.URL()).Events(context.Background(), "w", at(-60), at(60))
	require.NoError(t, err)
	assert.Equal(t, api.Events, buckets[0].Events)
}

func BenchmarkReadExport(b *testing.B) {
	data, err := os.ReadFile("testdata/android-export-rust.json")
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := activitywatch.ReadExport(io.Reader(bytes.NewReader(data))); err != nil {
			b.Fatal(err)
		}
	}
}
