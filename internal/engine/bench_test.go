package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/cputime"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// benchDays are the workloads of docs/PERFORMANCE.md: one heavy workday, a week, a month.
var benchDays = []int{1, 7, 30}

type workload struct {
	in     Input
	export []byte // the same buckets as an aw-server-rust export
	events int
}

var workloads = map[int]*workload{}

// heavy generates (once per run) days of heavy activity starting on a Monday.
func heavy(b *testing.B, days int) *workload {
	b.Helper()
	if w, ok := workloads[days]; ok {
		return w
	}
	opts := fakedata.Options{Days: days, Seed: 1, Intensity: fakedata.Heavy}
	buckets := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, days-1)
	w := &workload{in: Input{From: from, To: to, Buckets: buckets}}
	for _, be := range buckets {
		w.events += len(be.Events)
	}
	var buf bytes.Buffer
	if err := fakedata.WriteExport(&buf, buckets); err != nil {
		b.Fatal(err)
	}
	w.export = buf.Bytes()
	workloads[days] = w
	return w
}

func perEvent(b *testing.B, events int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(events), "ns/event")
	b.ReportMetric(float64(events), "events")
}

// BenchmarkDerive derives blocks with the starter profiles and AFK masking on.
func BenchmarkDerive(b *testing.B) {
	benchDerive(b, func(w *workload) Input { return w.in })
}

// benchDerive derives, for each workload, the input in makes of it, with the starter profiles.
func benchDerive(b *testing.B, in func(*workload) Input) {
	e, err := New(profile.Starters(), DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	for _, days := range benchDays {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) {
			w := heavy(b, days)
			input := in(w)
			b.ReportAllocs()
			b.ResetTimer()
			stop := cputime.Start(b)
			for b.Loop() {
				if res := e.Derive(input); len(res.Blocks) == 0 {
					b.Fatal("no blocks")
				}
			}
			stop()
			perEvent(b, w.events)
		})
	}
}

// BenchmarkDecodeJSON is the yardstick: encoding/json decoding the same events from an export.
func BenchmarkDecodeJSON(b *testing.B) {
	for _, days := range benchDays {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) {
			w := heavy(b, days)
			b.SetBytes(int64(len(w.export)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				var export struct {
					Buckets map[string]struct {
						activity.Bucket
						Events []activity.Event `json:"events"`
					} `json:"buckets"`
				}
				if err := json.Unmarshal(w.export, &export); err != nil {
					b.Fatal(err)
				}
			}
			perEvent(b, w.events)
		})
	}
}

// BenchmarkDeriveRead is BenchmarkDerive on the events as awcal's readers hand them over: the
// export read back, whose equal data objects are one map, as they are in aw-server's answers.
// Every entry point derives from such events; the generator makes a map per event.
func BenchmarkDeriveRead(b *testing.B) {
	benchDerive(b, func(w *workload) Input {
		read, _, err := activitywatch.ReadExport(bytes.NewReader(w.export))
		if err != nil {
			b.Fatal(err)
		}
		in := w.in
		in.Buckets = read
		return in
	})
}

// BenchmarkReadExport is the reader awcal preview uses on the same export.
func BenchmarkReadExport(b *testing.B) {
	for _, days := range benchDays {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) {
			w := heavy(b, days)
			b.SetBytes(int64(len(w.export)))
			b.ReportAllocs()
			b.ResetTimer()
			stop := cputime.Start(b)
			for b.Loop() {
				if _, _, err := activitywatch.ReadExport(bytes.NewReader(w.export)); err != nil {
					b.Fatal(err)
				}
			}
			stop()
			perEvent(b, w.events)
		})
	}
}

// manyProfiles is the starter profiles followed by client profiles up to n: each books a
// window titled with its client's name and visits to its client's site (literal rules, as
// people write them), which the generated activity never shows.
func manyProfiles(n int) []profile.Profile {
	ps := profile.Starters()
	for i := len(ps); i < n; i++ {
		ps = append(ps, profile.Profile{
			ID: fmt.Sprintf("client-%d", i), Name: fmt.Sprintf("Client %d", i), Category: "Work",
			Threshold: 5, SoftBreak: 3, TitleTemplate: "{title}", Enabled: true,
			Primary: []profile.Rule{
				{Bucket: "window", Field: "title", Pattern: fmt.Sprintf("Client %d report", i)},
				{Bucket: "web", Field: "url", Pattern: fmt.Sprintf("client%d.example.com", i)},
			},
			Supporting: []profile.Rule{{Field: "title", Pattern: fmt.Sprintf("invoice %d", i)}},
		})
	}
	return ps[:n]
}

// BenchmarkManyProfiles derives a heavy week with 10, 1,000 and 10,000 profiles: the target is
// at most 1.5 times the time of 10 for 1,000 (docs/PERFORMANCE.md).
func BenchmarkManyProfiles(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			e, err := New(manyProfiles(n), DefaultOptions())
			if err != nil {
				b.Fatal(err)
			}
			w := heavy(b, 7)
			b.ReportAllocs()
			b.ResetTimer()
			stop := cputime.Start(b)
			for b.Loop() {
				if res := e.Derive(w.in); len(res.Blocks) == 0 {
					b.Fatal("no blocks")
				}
			}
			stop()
		})
	}
}
