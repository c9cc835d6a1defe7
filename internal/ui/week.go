package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/report"
)

// Week shows seven days, Monday to Sunday, as one bar per day stacked by profile, with each
// day's total and the week's totals per profile. Tapping a day opens it (OnDay). Each day is
// read and derived as the Preview tab derives one, with the profiles being edited.
type Week struct {
	deps  Deps
	input func() config.Config
	async func(func())
	// OnDay is called with the tapped day (local midnight).
	OnDay func(day time.Time)

	start  time.Time // Monday, local midnight
	gen    int
	bars   *weekBars
	title  *widget.Label
	totals *widget.Label
	legend *fyne.Container
	status *widget.Label
	root   fyne.CanvasObject
}

// weekDay is one day of the week view.
type weekDay struct {
	Day time.Time
	Row report.Row
}

// NewWeek builds the week view over the week of today.
func NewWeek(deps Deps, input func() config.Config) *Week {
	now := time.Now
	if deps.Now != nil {
		now = deps.Now
	}
	w := &Week{deps: deps, input: input, async: func(f func()) { go f() }}
	w.start = weekStart(now())
	w.bars = newWeekBars(func(d time.Time) {
		if w.OnDay != nil {
			w.OnDay(d)
		}
	})
	w.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.totals = widget.NewLabel("")
	w.totals.Wrapping = fyne.TextWrapWord
	w.legend = container.NewHBox()
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { w.SetWeek(w.start.AddDate(0, 0, -7)) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { w.SetWeek(w.start.AddDate(0, 0, 7)) })
	reload := widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), w.Load)
	bar := container.NewBorder(nil, nil, container.NewHBox(prev, next, w.title), reload)
	w.root = container.NewBorder(bar, container.NewVBox(container.NewHScroll(w.legend), w.totals, w.status,
		hint("Click a day to open it in the Preview tab.")), nil, nil, w.bars)
	w.showTitle()
	return w
}

// Root is the view's content.
func (w *Week) Root() fyne.CanvasObject { return w.root }

// SetWeek shows the week of day and loads it.
func (w *Week) SetWeek(day time.Time) {
	w.start = weekStart(day)
	w.showTitle()
	w.Load()
}

func (w *Week) showTitle() {
	end := w.start.AddDate(0, 0, 6)
	w.title.SetText(fmt.Sprintf("Week of %s – %s", w.start.Format("Mon 2 Jan"), end.Format("Mon 2 Jan 2006")))
}

// weekStart is local midnight of the Monday of t's week.
func weekStart(t time.Time) time.Time {
	d := midnight(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// Load reads and derives the seven days in the background.
func (w *Week) Load() {
	if w.deps.Activity == nil || w.deps.Derive == nil {
		return
	}
	w.gen++
	gen, start, cfg := w.gen, w.start, w.input()
	w.status.SetText("Reading the week from aw-server…")
	w.async(func() {
		days, err := computeWeek(context.Background(), w.deps, cfg, start)
		fyne.Do(func() {
			if gen != w.gen {
				return
			}
			if err != nil {
				w.bars.set(nil, cfg.Profiles)
				w.totals.SetText("")
				w.status.SetText(err.Error())
				w.status.Importance = widget.DangerImportance
				w.status.Refresh()
				return
			}
			w.status.Importance = widget.MediumImportance
			w.status.SetText("")
			w.bars.set(days, cfg.Profiles)
			w.totals.SetText(weekTotals(days))
			w.showLegend(cfg.Profiles)
		})
	})
}

// computeWeek derives each day of the week starting at start, as the Preview derives one.
func computeWeek(ctx context.Context, deps Deps, cfg config.Config, start time.Time) ([]weekDay, error) {
	days := make([]weekDay, 7)
	for i := range days {
		day := start.AddDate(0, 0, i)
		res, err := PreviewDay(ctx, deps, cfg, day)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", day.Format("Mon 2 Jan"), err)
		}
		r := report.Build(res.Derived, report.ActiveSpans(res.Buckets), report.Options{
			From: day, To: day.AddDate(0, 0, 1), Location: time.Local, Period: report.ByDay,
			Group: report.ByProfile, Profiles: cfg.Profiles})
		days[i] = weekDay{Day: day, Row: r.Rows[0]}
	}
	return days, nil
}

// weekTotals is the week's line: its total and the time per profile.
func weekTotals(days []weekDay) string {
	sums := map[string]time.Duration{}
	var order []string
	var total time.Duration
	for _, d := range days {
		for _, t := range d.Row.Totals {
			if _, ok := sums[t.Name]; !ok {
				order = append(order, t.Name)
			}
			sums[t.Name] += t.Duration
			total += t.Duration
		}
	}
	if total == 0 {
		return "No blocks this week."
	}
	parts := make([]string, 0, len(order))
	for _, n := range order {
		parts = append(parts, n+" "+report.Duration(sums[n]))
	}
	return "Week: " + report.Duration(total) + " — " + strings.Join(parts, " · ")
}

// weekBars draws the seven stacked bars.
type weekBars struct {
	widget.BaseWidget
	days   []weekDay
	colors map[string]color.Color
	onDay  func(time.Time)
}

func newWeekBars(onDay func(time.Time)) *weekBars {
	b := &weekBars{onDay: onDay}
	b.ExtendBaseWidget(b)
	return b
}

func (b *weekBars) set(days []weekDay, ps []profile.Profile) {
	b.days = days
	b.colors = map[string]color.Color{}
	for _, p := range ps {
		b.colors[p.Name] = parseHex(p.Color)
	}
	b.Refresh()
}

// Tapped opens the day under the pointer.
func (b *weekBars) Tapped(e *fyne.PointEvent) {
	if len(b.days) == 0 || b.onDay == nil {
		return
	}
	i := int(e.Position.X / (b.Size().Width / float32(len(b.days))))
	if i >= 0 && i < len(b.days) {
		b.onDay(b.days[i].Day)
	}
}

// MinSize leaves room for the bars.
func (b *weekBars) MinSize() fyne.Size { return fyne.NewSize(420, 260) }

// CreateRenderer is part of fyne.Widget.
func (b *weekBars) CreateRenderer() fyne.WidgetRenderer {
	r := &weekRenderer{b: b}
	r.build()
	return r
}

type weekRenderer struct {
	b       *weekBars
	objects []fyne.CanvasObject
}

func (r *weekRenderer) Destroy()                     {}
func (r *weekRenderer) Layout(fyne.Size)             { r.build() }
func (r *weekRenderer) MinSize() fyne.Size           { return r.b.MinSize() }
func (r *weekRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *weekRenderer) Refresh()                     { r.build(); canvas.Refresh(r.b) }

// build lays out one column per day: the total on top, the bar stacked by profile (longest at
// the bottom), the day's name below. Bars share one scale: the longest day, at least 8 hours.
func (r *weekRenderer) build() {
	b := r.b
	size := b.Size()
	fg := theme.Color(theme.ColorNameForeground)
	var objs []fyne.CanvasObject
	n := len(b.days)
	if n == 0 || size.Width <= 0 {
		r.objects = objs
		return
	}
	scale := 8 * time.Hour
	for _, d := range b.days {
		scale = max(scale, d.Row.Total)
	}
	const top, bottom = 22, 24
	colW := size.Width / float32(n)
	barH := size.Height - top - bottom
	for i, d := range b.days {
		x := colW*float32(i) + colW*0.2
		bw := colW * 0.6
		y := top + barH
		for _, t := range d.Row.Totals {
			h := barH * float32(float64(t.Duration)/float64(scale))
			c, ok := b.colors[t.Name]
			if !ok {
				c = hashColor(t.Name, 0.5, 0.5)
			}
			seg := canvas.NewRectangle(c)
			seg.Move(fyne.NewPos(x, y-h))
			seg.Resize(fyne.NewSize(bw, h))
			objs = append(objs, seg)
			y -= h
		}
		total := canvas.NewText(report.Duration(d.Row.Total), fg)
		total.TextSize = theme.CaptionTextSize()
		total.TextStyle.Bold = true
		total.Move(fyne.NewPos(x, max(y-18, 0)))
		name := canvas.NewText(d.Day.Format("Mon 2"), fg)
		name.TextSize = theme.CaptionTextSize()
		name.Move(fyne.NewPos(x, top+barH+4))
		objs = append(objs, total, name)
	}
	r.objects = objs
}

// showLegend names the colours of the bars: one swatch per enabled profile.
func (w *Week) showLegend(ps []profile.Profile) {
	var objs []fyne.CanvasObject
	for _, p := range ps {
		if p.Enabled {
			objs = append(objs, swatch(parseHex(p.Color)), widget.NewLabel(p.Name))
		}
	}
	w.legend.Objects = objs
	w.legend.Refresh()
}
