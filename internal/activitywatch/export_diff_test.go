package activitywatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/awcal/awcal/internal/activity"
)

// readExportLayered is the export reader before streaming: the whole file decoded by
// encoding/json into raw messages, then each bucket and event on its own with the decoders
// the client uses. The streaming reader must agree with it.
func readExportLayered(r io.Reader) ([]activity.BucketEvents, ExportStats, error) {
	stats := ExportStats{Malformed: map[string]int{}}
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, stats, err
	}
	var file struct {
		Buckets map[string]json.RawMessage `json:"buckets"`
	}
	if err := json.Unmarshal(replaceNonFinite(body), &file); err != nil {
		return nil, stats, err
	}
	if file.Buckets == nil {
		return nil, stats, fmt.Errorf("no buckets")
	}
	out := make([]activity.BucketEvents, 0, len(file.Buckets))
	seen := map[string]bool{}
	for key, raw := range file.Buckets {
		b, rb, err := decodeRawBucket(key, raw)
		if err != nil {
			return nil, stats, err
		}
		if seen[b.ID] {
			return nil, stats, fmt.Errorf("twice")
		}
		seen[b.ID] = true
		be := activity.BucketEvents{Bucket: b}
		if rb.Events != nil && !isNull(rb.Events) {
			evs, bad, err := decodeEventListLayered(rb.Events)
			if err != nil {
				return nil, stats, err
			}
			be.Events = evs
			if bad > 0 {
				stats.Malformed[b.ID] += bad
			}
		}
		out = append(out, be)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Bucket.ID < out[j].Bucket.ID })
	return out, stats, nil
}

// sameAsLayered fails unless ReadExport, fed one byte at a time (so every value crosses a
// refill), reads raw exactly as readExportLayered does.
func sameAsLayered(t *testing.T, raw []byte) {
	t.Helper()
	want, wantStats, wantErr := readExportLayered(bytes.NewReader(raw))
	got, gotStats, gotErr := ReadExport(iotest.OneByteReader(bytes.NewReader(raw)))
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("layered error %v, streaming error %v, for %q", wantErr, gotErr, raw)
	}
	if wantErr != nil {
		return
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("different buckets for %q:\nlayered   %#v\nstreaming %#v", raw, want, got)
	}
	if !reflect.DeepEqual(wantStats, gotStats) {
		t.Fatalf("different stats for %q: layered %v, streaming %v", raw, wantStats, gotStats)
	}
}

var layeredSeeds = []string{
	`{"buckets":{}}`,
	`{"buckets":{"a":{"id":"a","type":"currentwindow","events":[{"id":1,"timestamp":"2026-03-02T09:00:00Z","duration":1.5,"data":{"app":"x"}}]}}}`,
	`{"buckets":{"a":{"events":[{"timestamp":"2026-03-02 09:00:00","duration":NaN,"data":null},{"timestamp":null}]},"b":null}}`,
	`{"buckets":{"a":{"id":"x"},"b":{"id":"y","created":"nope","data":[]}}}`,
	`[1,2]`, `null`, `{"buckets": 3, "buckets": {}}`, `{"buckets": {}, "buckets": null}`, `{"Buckets": {"a": {}}}`,
	`{"buckets": {"a": {"ID": "z", "Events": [{"TimeStamp": "2026-03-02T09:00:00.123456789+05:30", "DURATION": -0, "Data": {"k": null, "k2": [1, null, {"x": NaN}]}}]}}}`,
	`{"buckets": {"a": {"events": [{"timestamp": "2026-02-30T09:00:00Z"}, {"timestamp": "2026-03-02T09:00:00z"}, {"timestamp": "2026-03-02t09:00:00.1234567891Z"}, {"timestamp": " 2026-03-02T24:00:00Z"}]}}}`,
	`{"buckets": {"a": {"events": [{"timestamp": "2026-03-02T09:00:00-23:59", "duration": 1e400}, {"timestamp": "2026-03-02T09:00:00+24:00"}, {"timestamp": "2026-03-02T09:00:00Z", "data": {"n": 1e999}}]}}}`,
	`{"buckets": {"a": {"events": [{"id": 9223372036854775808, "timestamp": "\u0032026-03-02T09:00:00Z", "data": {"t": "\ud83d\ude00 \ud83d x \u00e9 \\ \/ \"", "a": true, "a": null}}, {"id": -9223372036854775808, "timestamp": "2026-03-02T09:00:00Z", "duration": "1"}]}}}`,
	`{"buckets": {"a": {"events": {}}}}`, `{"buckets": {"a": {"events": [], "events": null}}}`, `{"buckets": {"a": {"id": 5}}}`,
	`{"buckets": {"a": {"id": "b"}, "b": {}}}`, `{"buckets": {"a": {"id": "b"}, "a": {}}}`, `{"buckets": {"a": {"id": null, "id": "q", "id": null}}} `,
	`{"buckets": {"a": {"events": [1, "x", [], {"timestamp": "2026-03-02T09:00:00Z", "duration": Infinity}, {"timestamp": "2026-03-02T09:00:00Z", "duration": -Infinity}]}}}`,
	`{"buckets": {}} x`, `{"buckets": {"a": {"events": [}}}`, `{"buckets": {"a": "\x01"}}`, `{"x": [1.5e+3, -0.0, 0, tru]}`, `{"x": 01}`, `{"x": "\q"}`,
	"{\"buckets\": {\"a\": {\"data\": {\"k\": \"\xff\xfe ok\"}, \"events\": [{\"timestamp\": \"2026-03-02T09:00:00Z\", \"data\": {\"\xc3\": 1}}]}}}",
}

func TestReadExportAgreesWithLayeredReader(t *testing.T) {
	for _, s := range layeredSeeds {
		sameAsLayered(t, []byte(s))
	}
	// encoding/json refuses more than 10,000 nested objects and arrays; so does the stream.
	for _, depth := range []int{9990, 9994, 9995, 20000} {
		sameAsLayered(t, []byte(`{"buckets":{"a":{"events":[{"timestamp":"2026-03-02T09:00:00Z","data":{"x":`+
			strings.Repeat("[", depth)+strings.Repeat("]", depth)+`}}]}}}`))
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "android-export-rust.json"))
	if err != nil {
		t.Fatal(err)
	}
	sameAsLayered(t, raw)
}

// FuzzDecodeEventListLayered compares the streaming event-list decoder (aw-server answers) with
// the layered one.
func FuzzDecodeEventListLayered(f *testing.F) {
	for _, tt := range eventCases {
		f.Add([]byte("[" + tt.raw + "]"))
		f.Add([]byte("[" + tt.raw + "," + tt.raw + "]")) // the second time, its data is known
	}
	f.Add([]byte(`null`))
	f.Add([]byte(`{"a": 1}`))
	f.Add([]byte(`[{"timestamp": "2026-03-02T09:00:00Z", "duration": 1e12}] x`))
	f.Fuzz(func(t *testing.T, body []byte) {
		want, wantBad, wantErr := decodeEventListLayered(body)
		got, gotBad, gotErr := decodeEventList(body)
		if (wantErr != nil) != (gotErr != nil) {
			t.Fatalf("layered error %v, streaming error %v, for %q", wantErr, gotErr, body)
		}
		if wantErr == nil && (!reflect.DeepEqual(want, got) || wantBad != gotBad) {
			t.Fatalf("for %q:\nlayered   %d bad, %#v\nstreaming %d bad, %#v", body, wantBad, want, gotBad, got)
		}
	})
}

// FuzzReadExportLayered compares the streaming reader with the layered one on arbitrary files.
func FuzzReadExportLayered(f *testing.F) {
	for _, s := range layeredSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(sameAsLayered)
}
