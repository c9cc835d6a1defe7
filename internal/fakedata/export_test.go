package fakedata

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
)

// The shape a reader of aw-server-rust exports expects; unknown fields make decoding fail.
type decodedExport struct {
	Buckets map[string]struct {
		ID       string         `json:"id"`
		Type     string         `json:"type"`
		Client   string         `json:"client"`
		Hostname string         `json:"hostname"`
		Created  string         `json:"created"`
		Data     map[string]any `json:"data"`
		Metadata struct {
			Start *string `json:"start"`
			End   *string `json:"end"`
		} `json:"metadata"`
		LastUpdated *string `json:"last_updated"`
		Events      []struct {
			ID        int64          `json:"id"`
			Timestamp string         `json:"timestamp"`
			Duration  float64        `json:"duration"`
			Data      map[string]any `json:"data"`
		} `json:"events"`
	} `json:"buckets"`
}

func decodeExport(t *testing.T, raw []byte) decodedExport {
	t.Helper()
	require.True(t, json.Valid(raw), "the export is not valid JSON")
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var out decodedExport
	require.NoError(t, dec.Decode(&out))
	return out
}

var rfc3339UTCFrac = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.(\d{3}|\d{6}|\d{9})Z$`)

func parseRFC3339(t *testing.T, s string) time.Time {
	t.Helper()
	if !rfc3339UTCFrac.MatchString(s) {
		t.Fatalf("%q is not RFC 3339 in UTC with fractional seconds", s)
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return ts
}

func TestWriteExportRoundTrip(t *testing.T) {
	buckets := Generate(Options{Start: monday, Days: 3, Seed: 9, Intensity: Heavy})
	var buf bytes.Buffer
	require.NoError(t, WriteExport(&buf, buckets))
	got := decodeExport(t, buf.Bytes())

	require.Len(t, got.Buckets, len(buckets))
	for _, want := range buckets {
		t.Run(want.Bucket.ID, func(t *testing.T) {
			b, ok := got.Buckets[want.Bucket.ID]
			require.True(t, ok)
			assert.Equal(t, want.Bucket.ID, b.ID)
			assert.Equal(t, want.Bucket.Type, b.Type)
			assert.Equal(t, want.Bucket.Client, b.Client)
			assert.Equal(t, want.Bucket.Hostname, b.Hostname)
			assert.True(t, want.Bucket.Created.Equal(parseRFC3339(t, b.Created)))
			assert.NotNil(t, b.Data, `"data" is an object, never null`)
			assert.Nil(t, b.LastUpdated)

			require.Len(t, b.Events, len(want.Events))
			for i, e := range b.Events {
				w := want.Events[i]
				if w.ID != e.ID || !w.Timestamp.Equal(parseRFC3339(t, e.Timestamp)) || w.Duration != e.Duration ||
					!reflect.DeepEqual(w.Data, e.Data) {
					t.Fatalf("event %d changed in the round trip:\nwant %v %v %v\ngot  %s %v %v",
						i, w.Timestamp, w.Duration, w.Data, e.Timestamp, e.Duration, e.Data)
				}
			}
			require.NotNil(t, b.Metadata.Start)
			require.NotNil(t, b.Metadata.End)
			oldest, newest := want.Events[len(want.Events)-1], want.Events[0]
			assert.True(t, oldest.Timestamp.Equal(parseRFC3339(t, *b.Metadata.Start)))
			assert.Equal(t, newest.End().Truncate(time.Millisecond), parseRFC3339(t, *b.Metadata.End).Truncate(time.Millisecond))
		})
	}
}

func TestWriteExportFormatting(t *testing.T) {
	ts := time.Date(2026, 4, 23, 7, 26, 32, 0, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name  string
		ts    time.Time
		dur   float64
		parts []string
	}{
		{"whole seconds get three digits, UTC, duration 0.0", ts, 0,
			[]string{`"timestamp":"2026-04-23T05:26:32.000Z"`, `"duration":0.0`}},
		{"microseconds", ts.Add(123456 * time.Microsecond), 12.5,
			[]string{`"timestamp":"2026-04-23T05:26:32.123456Z"`, `"duration":12.5`}},
		{"nanoseconds as aw-server-rust writes them", ts.Add(464326972), 139.205,
			[]string{`"timestamp":"2026-04-23T05:26:32.464326972Z"`, `"duration":139.205`}},
		{"a whole duration keeps a decimal point", ts, 60,
			[]string{`"duration":60.0`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteExport(&buf, []activity.BucketEvents{{
				Bucket: activity.Bucket{ID: "b", Type: "x"},
				Events: []activity.Event{{ID: 1, Timestamp: tt.ts, Duration: tt.dur, Data: map[string]any{"url": "https://x.example/?a=1&b=<2>"}}},
			}}))
			for _, p := range tt.parts {
				assert.Contains(t, buf.String(), p)
			}
			assert.Contains(t, buf.String(), `"url":"https://x.example/?a=1&b=<2>"`, "URLs are written unescaped")
			decodeExport(t, buf.Bytes())
		})
	}
}

func TestWriteExportEdgeCases(t *testing.T) {
	t.Run("a bucket without events has [] and null metadata", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, WriteExport(&buf, []activity.BucketEvents{{Bucket: activity.Bucket{ID: "empty", Type: "x"}}}))
		assert.Contains(t, buf.String(), `"metadata":{"start":null,"end":null},"events":[]`)
		assert.Contains(t, buf.String(), `"data":{}`)
	})
	t.Run("keys are in aw-server-rust's order", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, WriteExport(&buf, Generate(Options{Days: 1})[:1]))
		s := buf.String()
		var at []int
		for _, k := range []string{`"id"`, `"type"`, `"client"`, `"hostname"`, `"created"`, `"data"`, `"metadata"`, `"events"`} {
			at = append(at, strings.Index(s, k))
		}
		assert.True(t, slices.IsSorted(at), "bucket keys out of order: %v", at)
		assert.Regexp(t, `"events":\[\{"id":\d+,"timestamp":"[^"]+","duration":[\d.]+,"data":\{`, s)
	})
	t.Run("last_updated is kept when set", func(t *testing.T) {
		var buf bytes.Buffer
		lu := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
		require.NoError(t, WriteExport(&buf, []activity.BucketEvents{{Bucket: activity.Bucket{ID: "b", LastUpdated: lu}}}))
		assert.Contains(t, buf.String(), `"last_updated":"2026-01-05T09:00:00.000Z"`)
	})
	t.Run("a duplicate bucket id is an error", func(t *testing.T) {
		b := activity.BucketEvents{Bucket: activity.Bucket{ID: "same"}}
		err := WriteExport(&bytes.Buffer{}, []activity.BucketEvents{b, b})
		assert.ErrorContains(t, err, `bucket "same" appears twice`)
	})
	t.Run("a NaN duration is an error", func(t *testing.T) {
		err := WriteExport(&bytes.Buffer{}, []activity.BucketEvents{{
			Bucket: activity.Bucket{ID: "b"},
			Events: []activity.Event{{ID: 7, Duration: math.NaN()}},
		}})
		assert.ErrorContains(t, err, `event 7 of bucket "b" has duration NaN`)
	})
	t.Run("a write error is returned", func(t *testing.T) {
		err := WriteExport(failingWriter{}, Generate(Options{Days: 1}))
		assert.ErrorIs(t, err, errDiskFull)
	})
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }
