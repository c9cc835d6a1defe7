package activitywatch_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/fakedata"
)

// FuzzReadExport feeds the export reader arbitrary files (issue #7). It never panics; what it
// returns is usable as it promises: buckets sorted by id, no id twice, every event with a
// finite, non-negative duration and a time, malformed counts only for buckets it returned.
// Reading is a fixed point: what it returns, written as an export again, reads back equal.
func FuzzReadExport(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "android-export-rust.json")); err == nil && len(b) < 64<<10 {
		f.Add(b)
	}
	var gen bytes.Buffer
	if err := fakedata.WriteExport(&gen, fakedata.Generate(fakedata.Options{Days: 1, Seed: 3})[:2]); err == nil {
		f.Add(gen.Bytes()[:min(gen.Len(), 8<<10)]) // a cut one: must fail cleanly
	}
	f.Add([]byte(`{"buckets":{}}`))
	f.Add([]byte(`{"buckets":{"a":{"id":"a","type":"currentwindow","events":[{"id":1,"timestamp":"2026-03-02T09:00:00Z","duration":1.5,"data":{"app":"x"}}]}}}`))
	f.Add([]byte(`{"buckets":{"a":{"events":[{"timestamp":"2026-03-02 09:00:00","duration":NaN,"data":null},{"timestamp":null}]},"b":null}}`))
	f.Add([]byte(`{"buckets":{"a":{"id":"x"},"b":{"id":"y","created":"nope","data":[]}}}`))
	f.Add([]byte(`[1,2]`))

	f.Fuzz(func(t *testing.T, raw []byte) {
		buckets, stats, err := activitywatch.ReadExport(bytes.NewReader(raw))
		if err != nil {
			if buckets != nil {
				t.Fatalf("an error (%v) with %d buckets", err, len(buckets))
			}
			return
		}
		ids := map[string]bool{}
		for i, b := range buckets {
			if i > 0 && buckets[i-1].Bucket.ID > b.Bucket.ID {
				t.Fatalf("buckets not sorted by id: %q before %q", buckets[i-1].Bucket.ID, b.Bucket.ID)
			}
			if ids[b.Bucket.ID] {
				t.Fatalf("bucket id %q twice", b.Bucket.ID)
			}
			ids[b.Bucket.ID] = true
			for _, e := range b.Events {
				if math.IsNaN(e.Duration) || math.IsInf(e.Duration, 0) || e.Duration < 0 {
					t.Fatalf("bucket %q: event %d has duration %v", b.Bucket.ID, e.ID, e.Duration)
				}
				if e.Timestamp.IsZero() {
					t.Fatalf("bucket %q: event %d has no time", b.Bucket.ID, e.ID)
				}
			}
		}
		for id, n := range stats.Malformed {
			if !ids[id] || n <= 0 {
				t.Fatalf("malformed count %d for bucket %q", n, id)
			}
		}
		if !writable(buckets) {
			return
		}
		var out bytes.Buffer
		if err := fakedata.WriteExport(&out, buckets); err != nil {
			t.Fatalf("writing what was read: %v", err)
		}
		again, stats2, err := activitywatch.ReadExport(&out)
		if err != nil {
			t.Fatalf("reading back what was read: %v\n%s", err, out.Bytes())
		}
		if len(stats2.Malformed) != 0 {
			t.Fatalf("events that read fine became malformed: %v", stats2.Malformed)
		}
		if !reflect.DeepEqual(normalize(buckets), normalize(again)) {
			t.Fatalf("not a fixed point:\nfirst  %+v\nsecond %+v", buckets, again)
		}
	})
}

// writable reports whether every time is one an export can hold (RFC 3339 needs years
// 0000–9999; a far offset or a huge duration can leave that range).
func writable(buckets []activity.BucketEvents) bool {
	ok := func(y int) bool { return y >= 1 && y <= 9999 }
	for _, b := range buckets {
		for _, tm := range []int{b.Bucket.Created.Year(), b.Bucket.LastUpdated.Year()} {
			if tm != 1 && !ok(tm) {
				return false
			}
		}
		for _, e := range b.Events {
			if !ok(e.Timestamp.Year()) || e.Duration > 1e11 || !ok(e.End().Year()) {
				return false
			}
		}
	}
	return true
}

// normalize drops what an export does not carry through by design: empty data maps become nil
// and zero times stay zero.
func normalize(buckets []activity.BucketEvents) []activity.BucketEvents {
	out := make([]activity.BucketEvents, len(buckets))
	for i, b := range buckets {
		out[i] = b
		if len(b.Bucket.Data) == 0 {
			out[i].Bucket.Data = nil
		}
		if len(b.Events) == 0 {
			out[i].Events = nil
		}
	}
	return out
}
