package ui

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/report"
)

// unassignedColor marks active time that lies in no block.
var unassignedColor = color.NRGBA{0x90, 0xa4, 0xae, 0xff}

// legend is the line under the timeline: each profile's colour with its time in blocks that
// day, the unassigned active time, and the day's totals per category.
type legend struct {
	items  *fyne.Container
	totals *widget.Label
	root   fyne.CanvasObject
}

func newLegend() *legend {
	l := &legend{items: container.NewHBox(), totals: widget.NewLabel("")}
	l.totals.Wrapping = fyne.TextWrapWord
	l.root = container.NewVBox(container.NewHScroll(l.items), l.totals)
	return l
}

// dayTotals is what the legend shows of one day.
type dayTotals struct {
	Profiles   []report.Total // every enabled profile, in the config's order, zeros included
	Colors     []color.Color
	Categories []report.Total
	Total      time.Duration
	Unassigned time.Duration
}

// computeDayTotals sums a derived day per profile and category.
func computeDayTotals(cfg config.Config, blocks []engine.Block, bs []activity.BucketEvents, day time.Time) dayTotals {
	opts := report.Options{From: day, To: day.AddDate(0, 0, 1), Location: time.Local, Period: report.ByDay,
		Group: report.ByProfile, Profiles: cfg.Profiles}
	active := report.ActiveSpans(bs)
	byProfile := report.Build(blocks, active, opts).Rows[0]
	opts.Group = report.ByCategory
	byCategory := report.Build(blocks, active, opts).Rows[0]
	t := dayTotals{Categories: byCategory.Totals, Total: byProfile.Total}
	for _, p := range cfg.Profiles {
		if !p.Enabled {
			continue
		}
		t.Profiles = append(t.Profiles, report.Total{Name: p.Name, Duration: byProfile.Of(p.Name)})
		t.Colors = append(t.Colors, parseHex(p.Color))
	}
	for _, s := range unassigned(active, blocks) {
		t.Unassigned += s.End.Sub(s.Start)
	}
	return t
}

// show draws the totals.
func (l *legend) show(t dayTotals) {
	var objs []fyne.CanvasObject
	for i, p := range t.Profiles {
		objs = append(objs, swatch(t.Colors[i]), widget.NewLabel(p.Name+" "+report.Duration(p.Duration)))
	}
	objs = append(objs, swatch(unassignedColor), widget.NewLabel("Unassigned "+report.Duration(t.Unassigned)))
	l.items.Objects = objs
	l.items.Refresh()
	parts := make([]string, 0, len(t.Categories))
	for _, c := range t.Categories {
		parts = append(parts, c.Name+" "+report.Duration(c.Duration))
	}
	text := "In blocks: " + report.Duration(t.Total)
	if len(parts) > 0 {
		text += " — by category: " + strings.Join(parts, " · ")
	}
	l.totals.SetText(text)
}

// clear empties the legend (a failed load).
func (l *legend) clear() {
	l.items.Objects = nil
	l.items.Refresh()
	l.totals.SetText("")
}

func swatch(c color.Color) fyne.CanvasObject {
	r := canvas.NewRectangle(c)
	r.CornerRadius = 3
	r.SetMinSize(fyne.NewSize(14, 14))
	return container.NewCenter(r)
}

// unassigned is the active time that lies in no block: the active spans minus the blocks.
func unassigned(active []report.Span, blocks []engine.Block) []report.Span {
	var out []report.Span
	for _, a := range active {
		start := a.Start
		for _, b := range blocks { // blocks are in time order and never overlap
			if !b.End.After(start) || !b.Start.Before(a.End) {
				continue
			}
			if b.Start.After(start) {
				out = append(out, report.Span{Start: start, End: b.Start})
			}
			start = b.End
		}
		if a.End.After(start) {
			out = append(out, report.Span{Start: start, End: a.End})
		}
	}
	return out
}

// unassignedLane is the timeline lane of active time in no block.
func unassignedLane(bs []activity.BucketEvents, blocks []engine.Block) Lane {
	lane := Lane{Name: "Unassigned"}
	for _, s := range unassigned(report.ActiveSpans(bs), blocks) {
		lane.Segments = append(lane.Segments, Segment{Start: s.Start, End: s.End, Label: "Unassigned",
			Detail: clock(s.Start) + "–" + clock(s.End) + " · active, in no block (" + minutes(s.End.Sub(s.Start)) + ")",
			Color:  unassignedColor})
	}
	return lane
}
