package awfake

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/awcal/awcal/internal/fakedata"
)

// discard is a ResponseWriter that keeps only the body's size.
type discard struct {
	h http.Header
	n int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { d.n += len(p); return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkEventsQuery: one events request for a day and for a week of the window bucket of
// 28 heavy days (about 2,000 events a workday), answered into a writer that discards the body,
// as the server's share of what the client's fetches cost.
func BenchmarkEventsQuery(b *testing.B) {
	opts := fakedata.Options{Days: 28, Seed: 3, Intensity: fakedata.Heavy}
	data := fakedata.Generate(opts)
	for _, f := range []struct {
		name    string
		flavour Flavour
	}{{"rust", Rust}, {"python", Python}} {
		h := New(f.flavour)
		for _, be := range data {
			h.AddBucket(be.Bucket)
			h.AddEvents(be.Bucket.ID, be.Events...)
		}
		win := data[0].Bucket.ID
		for _, span := range []struct {
			name string
			days int
		}{{"day", 1}, {"week", 7}} {
			from, _ := fakedata.Day(opts, 14)
			to := from.AddDate(0, 0, span.days)
			target := "http://127.0.0.1/api/0/buckets/" + url.PathEscape(win) + "/events?start=" +
				url.QueryEscape(from.Format(time.RFC3339Nano)) + "&end=" + url.QueryEscape(to.Format(time.RFC3339Nano))
			req, err := http.NewRequest(http.MethodGet, target, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(f.name+"/"+span.name, func(b *testing.B) {
				w := &discard{h: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					w.n = 0
					h.ServeHTTP(w, req)
				}
				b.ReportMetric(float64(w.n), "bytes/answer")
			})
		}
	}
}
