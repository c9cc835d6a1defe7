package activitywatch_test

import (
	"context"
	"testing"

	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/cputime"
	"github.com/awcal/awcal/internal/fakedata"
)

// BenchmarkEvents reads every bucket of 14 heavy days from the fake aw-server over the
// loopback with the default pieces, one bucket after another: the client's whole path
// (requests, decoding as the answers arrive, joining the pieces). The server runs in the same
// process, so cpu-ns/op includes its share.
func BenchmarkEvents(b *testing.B) {
	opts := fakedata.Options{Days: 14, Seed: 1, Intensity: fakedata.Heavy}
	data := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, opts.Days-1)
	for _, fl := range []struct {
		name    string
		flavour awtest.Flavour
	}{{"rust", awtest.Rust}, {"python", awtest.Python}} {
		b.Run(fl.name, func(b *testing.B) {
			s := awtest.NewFlavour(b, fl.flavour)
			for _, be := range data {
				s.AddBucket(be.Bucket)
				s.AddEvents(be.Bucket.ID, be.Events...)
			}
			c := activitywatch.New(s.URL())
			b.ReportAllocs()
			stop := cputime.Start(b)
			for b.Loop() {
				for _, be := range data {
					if _, err := c.Events(context.Background(), be.Bucket.ID, from, to); err != nil {
						b.Fatal(err)
					}
				}
			}
			stop()
		})
	}
}
