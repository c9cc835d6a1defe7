package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/profile"
)

// BenchmarkPreviewHeavyDay is the live-preview cost of one edit on a heavy generated workday
// (≈2,000 window events): privacy filter, derivation with the starter profiles, lanes, and a
// full software render of the timeline with the test driver. The target is under 200 ms/op.
func BenchmarkPreviewHeavyDay(b *testing.B) {
	test.NewTempApp(b)
	opts := fakedata.Options{Days: 1, Seed: 1, Intensity: fakedata.Heavy, Location: time.UTC}
	raw := fakedata.Generate(opts)
	day, _ := fakedata.Day(opts, 0)
	events := 0
	for _, bk := range raw {
		events += len(bk.Events)
	}
	deps := NewDeps(CoreOptions{Pipeline: pipeline.New(pipeline.Env{})})
	cfg := config.Config{Profiles: profile.Starters(), AFKMasking: true, Privacy: privacy.Settings{DropIncognito: true}}
	tl := NewTimeline(day, day.AddDate(0, 0, 1))
	w := test.NewTempWindow(b, tl)
	w.Resize(fyne.NewSize(1000, 300))
	for b.Loop() {
		res, err := ComputePreview(deps, cfg, raw, day)
		if err != nil {
			b.Fatal(err)
		}
		if res.Blocks == 0 {
			b.Fatal("a heavy workday derives blocks")
		}
		tl.SetLanes(res.Lanes)
		w.Canvas().Capture()
	}
	b.ReportMetric(float64(events), "events")
}
