package activitywatch

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/awcal/awcal/internal/activitywatch/awfake"
	"github.com/awcal/awcal/internal/cputime"
	"github.com/awcal/awcal/internal/fakedata"
)

// BenchmarkReadEventList decodes a recorded aw-server answer: the window bucket's events for
// a week of heavy activity (about as many as one piece of Client.Events holds), as each
// flavour of the fake server writes them, with a fresh decoder as a bucket's first piece has.
func BenchmarkReadEventList(b *testing.B) {
	opts := fakedata.Options{Days: 14, Seed: 1, Intensity: fakedata.Heavy}
	data := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	to := from.AddDate(0, 0, 7)
	for _, f := range []struct {
		name    string
		flavour awfake.Flavour
	}{{"rust", awfake.Rust}, {"python", awfake.Python}} {
		h := awfake.New(f.flavour)
		for _, be := range data {
			h.AddBucket(be.Bucket)
			h.AddEvents(be.Bucket.ID, be.Events...)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/api/0/buckets/"+url.PathEscape(data[0].Bucket.ID)+
			"/events?"+pieceQuery(from, to).Encode(), nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("the fake server answered %d: %s", rec.Code, rec.Body)
		}
		body := rec.Body.Bytes()
		b.Run(f.name, func(b *testing.B) {
			var n int
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			stop := cputime.Start(b)
			for b.Loop() {
				evs, bad, err := readEventList(bytes.NewReader(body), newValueDecoder())
				if err != nil || bad != 0 || len(evs) == 0 {
					b.Fatalf("%d events, %d malformed, %v", len(evs), bad, err)
				}
				n = len(evs)
			}
			stop()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
			b.ReportMetric(float64(n), "events")
		})
	}
}
