package activitywatch

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventCases are raw events as servers and export files write them. They also seed
// FuzzDecodeEvent.
var eventCases = []struct {
	name    string
	raw     string
	ok      bool
	wantTS  time.Time
	wantDur float64
	want    map[string]any
	wantID  int64
}{
	{
		name: "aw-server-rust with nanoseconds", ok: true,
		raw:    `{"id":15014,"timestamp":"2026-04-24T01:25:10.464326972Z","duration":7.363,"data":{"app":"ActivityWatch"}}`,
		wantTS: time.Date(2026, 4, 24, 1, 25, 10, 464326972, time.UTC), wantDur: 7.363,
		want: map[string]any{"app": "ActivityWatch"}, wantID: 15014,
	},
	{
		name: "python server with offset and microseconds", ok: true,
		raw:    `{"timestamp":"2024-03-01T10:00:00.123456+01:00","duration":1.5,"data":{"status":"afk"}}`,
		wantTS: time.Date(2024, 3, 1, 9, 0, 0, 123456000, time.UTC), wantDur: 1.5,
		want: map[string]any{"status": "afk"},
	},
	{
		name: "no offset is UTC", ok: true,
		raw:    `{"timestamp":"2024-03-01T10:00:00","duration":2,"data":{}}`,
		wantTS: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), wantDur: 2, want: map[string]any{},
	},
	{
		name: "lower case t and z", ok: true,
		raw:    `{"timestamp":"2024-03-01t10:00:00.5z","duration":0,"data":{}}`,
		wantTS: time.Date(2024, 3, 1, 10, 0, 0, 500000000, time.UTC), want: map[string]any{},
	},
	{
		name: "space for T and a negative offset", ok: true,
		raw:    `{"timestamp":"2024-03-01 10:00:00-05:30","duration":0,"data":{}}`,
		wantTS: time.Date(2024, 3, 1, 15, 30, 0, 0, time.UTC), want: map[string]any{},
	},
	{
		name: "missing duration is zero", ok: true,
		raw:    `{"timestamp":"2024-03-01T10:00:00Z","data":{"app":"x"}}`,
		wantTS: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), want: map[string]any{"app": "x"},
	},
	{
		name: "missing data is empty", ok: true,
		raw:    `{"timestamp":"2024-03-01T10:00:00Z","duration":3}`,
		wantTS: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), wantDur: 3, want: map[string]any{},
	},
	{
		name: "null data is empty", ok: true,
		raw:    `{"timestamp":"2024-03-01T10:00:00Z","duration":3,"data":null}`,
		wantTS: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), wantDur: 3, want: map[string]any{},
	},
	{
		name: "null values and NaN values are removed, nested ones kept", ok: true,
		raw:    `{"timestamp":"2024-03-01T10:00:00Z","duration":1,"data":{"a":1,"b":null,"c":NaN,"d":{"e":null},"f":"NaN"}}`,
		wantTS: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), wantDur: 1,
		want: map[string]any{"a": 1.0, "d": map[string]any{"e": nil}, "f": "NaN"},
	},
	{
		name: "strange id is ignored", ok: true,
		raw:    `{"id":"x","timestamp":"2024-03-01T10:00:00Z","duration":1}`,
		wantTS: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), wantDur: 1, want: map[string]any{},
	},
	{name: "unparseable timestamp", raw: `{"timestamp":"yesterday","duration":1,"data":{}}`},
	{name: "numeric timestamp", raw: `{"timestamp":1700000000,"duration":1,"data":{}}`},
	{name: "missing timestamp", raw: `{"duration":1,"data":{}}`},
	// Go's zero time is what every later stage takes for "no time" (FuzzReadExport's find).
	{name: "the zero time", raw: `{"id":1,"timestamp":"0001-01-01T00:00:00Z","duration":1,"data":{"app":"x"}}`},
	{name: "the zero time, spelt otherwise", raw: `{"timestamp":"0001-01-01 0:00:00","duration":1,"data":{}}`},
	{name: "null duration", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":null,"data":{}}`},
	{name: "string duration", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":"5","data":{}}`},
	{name: "NaN duration", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":NaN,"data":{}}`},
	{name: "Infinity duration", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":Infinity,"data":{}}`},
	{name: "negative duration", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":-1.5,"data":{}}`},
	{name: "huge duration", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":1e999,"data":{}}`},
	// Defect 8 of issue 13: a 1e12 s event became a 31,000-year block.
	{name: "absurd duration", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":1e12,"data":{"app":"x"}}`},
	{name: "a year and a day", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":31708800.5,"data":{}}`},
	{
		name: "a year away is plausible", ok: true,
		raw:    `{"timestamp":"2024-03-01T10:00:00Z","duration":31622400,"data":{"status":"afk"}}`,
		wantTS: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), wantDur: 31622400, want: map[string]any{"status": "afk"},
	},
	{name: "list data", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":1,"data":["a"]}`},
	{name: "string data", raw: `{"timestamp":"2024-03-01T10:00:00Z","duration":1,"data":"a"}`},
	{name: "not an object", raw: `[1,2]`},
	{name: "a bare number", raw: `42`},
}

func TestDecodeEvent(t *testing.T) {
	for _, tt := range eventCases {
		t.Run(tt.name, func(t *testing.T) {
			evs, bad, err := decodeEventList([]byte("[" + tt.raw + "]"))
			require.NoError(t, err)
			if !tt.ok {
				assert.Empty(t, evs)
				assert.Equal(t, 1, bad, "skipped and counted")
				return
			}
			require.Len(t, evs, 1)
			ev := evs[0]
			assert.True(t, tt.wantTS.Equal(ev.Timestamp), "timestamp %v, want %v", ev.Timestamp, tt.wantTS)
			assert.Equal(t, time.UTC, ev.Timestamp.Location())
			assert.Equal(t, tt.wantDur, ev.Duration)
			assert.Equal(t, tt.want, ev.Data)
			assert.Equal(t, tt.wantID, ev.ID)
		})
	}
}

func TestDecodeEventList(t *testing.T) {
	var raws []string
	wantOK := 0
	for _, tt := range eventCases {
		raws = append(raws, tt.raw)
		if tt.ok {
			wantOK++
		}
	}
	body := "[" + strings.Join(raws, ",") + "]"
	evs, bad, err := decodeEventList([]byte(body))
	require.NoError(t, err)
	assert.Len(t, evs, wantOK)
	assert.Equal(t, len(eventCases)-wantOK, bad)

	t.Run("not a list is an error", func(t *testing.T) {
		for _, body := range []string{`{"a":1}`, `[{"timestamp":`, ``, `null`} {
			_, _, err := decodeEventList([]byte(body))
			if body == "null" {
				assert.NoError(t, err, "null is an empty list")
				continue
			}
			assert.Error(t, err, body)
		}
	})
}

func TestReplaceNonFinite(t *testing.T) {
	tests := map[string]string{
		`[NaN, Infinity, -Infinity]`:         `[null, null, null]`,
		`{"a":"NaN","b":NaN}`:                `{"a":"NaN","b":null}`,
		`{"a":"say \"NaN\" Infinity","b":1}`: `{"a":"say \"NaN\" Infinity","b":1}`,
		`{"a\\":NaN}`:                        `{"a\\":null}`,
		`[1,2]`:                              `[1,2]`,
	}
	for in, want := range tests {
		got := replaceNonFinite([]byte(in))
		assert.Equal(t, want, string(got), in)
		assert.True(t, json.Valid(got), "valid JSON after replacing: %s", got)
	}
}

func TestSecondsRoundTrip(t *testing.T) {
	for _, d := range []float64{0, 7.363, 0.000001, 1.5, 86400.123456, 3 * 86400.000000001} {
		assert.Equal(t, d, toSeconds(seconds(d)), "%v", d)
	}
	assert.Equal(t, 7363*time.Millisecond, seconds(7.363), "rounds, not truncates")
}

// FuzzDecodeEvent: no input panics, and every event that decodes keeps the invariants the
// engine relies on.
func FuzzDecodeEvent(f *testing.F) {
	for _, tt := range eventCases {
		f.Add([]byte(tt.raw))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		evs, bad, err := decodeEventList(append(append([]byte("["), raw...), ']'))
		if err != nil {
			return
		}
		assert.GreaterOrEqual(t, bad, 0)
		for _, ev := range evs {
			if ev.Duration < 0 || math.IsNaN(ev.Duration) || math.IsInf(ev.Duration, 0) {
				t.Fatalf("duration %v accepted", ev.Duration)
			}
			if ev.Data == nil {
				t.Fatal("nil data")
			}
			for k, v := range ev.Data {
				if v == nil {
					t.Fatalf("null value %q kept", k)
				}
			}
			if ev.Timestamp.Location() != time.UTC {
				t.Fatalf("timestamp not in UTC: %v", ev.Timestamp)
			}
		}
	})
}
