package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/syncer"
)

// previewDebounce is how long the preview waits after the last edit before re-deriving.
const previewDebounce = 300 * time.Millisecond

// Preview shows one day: aw-server's activity per bucket kind and the blocks the profiles being
// edited would make. Events are fetched once per day; edits only re-derive, debounced, in a
// goroutine, and the result is applied with fyne.Do.
type Preview struct {
	deps   Deps
	input  func() config.Config
	onData func([]activity.BucketEvents, PrivacyStats)

	day      time.Time // local midnight
	raw      []activity.BucketEvents
	rawKey   string // the aw-server, bucket selection and day the raw events belong to
	loading  bool
	gen      int // bumps on every request; stale results are dropped
	timer    *time.Timer
	mu       sync.Mutex // guards timer only (time.AfterFunc callbacks)
	debounce time.Duration
	async    func(func())
	// ctx is the context reads run on (the settings window's; context.Background otherwise).
	ctx func() context.Context

	date     *widget.DateEntry
	timeline *Timeline
	status   *widget.Label
	detail   *widget.Label
	legend   *legend
	details  *detailsPanel
	// mini shows the blocks and the unassigned time of the day beside the rule editor.
	mini *Timeline
	root fyne.CanvasObject

	// OnMakeRule, when set, is offered for a clicked raw activity ("Make a rule…").
	OnMakeRule func(Segment)
	// shownCfg and shownBuckets are what the timeline shows (the details panel reads them).
	shownCfg     config.Config
	shownBuckets []activity.BucketEvents
	shownTotals  dayTotals
}

// NewPreview builds the preview for today. input snapshots the config being edited (a copy
// the preview may keep); onData (may be nil) receives each derived day's filtered buckets and
// privacy counts.
func NewPreview(deps Deps, input func() config.Config, onData func([]activity.BucketEvents, PrivacyStats)) *Preview {
	now := time.Now
	if deps.Now != nil {
		now = deps.Now
	}
	p := &Preview{deps: deps, input: input, onData: onData, debounce: previewDebounce,
		async: func(f func()) { go f() }, ctx: context.Background}
	p.day = midnight(now())
	p.timeline = NewTimeline(p.day, p.day.AddDate(0, 0, 1))
	p.timeline.SetLimits(p.day, p.day.AddDate(0, 0, 1))
	p.mini = NewTimeline(p.day, p.day.AddDate(0, 0, 1))
	p.mini.SetLimits(p.day, p.day.AddDate(0, 0, 1))
	p.mini.OnDayStep = func(step int) { p.SetDay(p.day.AddDate(0, 0, step)) }
	p.timeline.OnDayStep = func(step int) { p.SetDay(p.day.AddDate(0, 0, step)) }
	p.timeline.OnSelect = func(s Segment) { p.details.show(s, p.shownCfg, p.shownBuckets) }
	p.details = newDetailsPanel(func(s Segment) {
		if p.OnMakeRule != nil {
			p.OnMakeRule(s)
		}
	})
	p.detail = widget.NewLabel("Hover for details, click a block or an activity; drag, scroll or ←/→ to pan, " +
		"+/− to zoom, Page Up/Down for another day.")
	p.detail.Wrapping = fyne.TextWrapWord
	p.timeline.OnHover = func(s string) {
		if s == "" {
			s = " "
		}
		p.detail.SetText(s)
	}
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord

	p.date = widget.NewDateEntry()
	p.date.SetDate(&p.day)
	p.date.OnChanged = func(d *time.Time) {
		if d != nil && !midnight(*d).Equal(p.day) {
			p.SetDay(*d)
		}
	}
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { p.SetDay(p.day.AddDate(0, 0, -1)) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { p.SetDay(p.day.AddDate(0, 0, 1)) })
	whole := widget.NewButtonWithIcon("Whole day", theme.ZoomFitIcon(), func() {
		p.timeline.SetRange(p.day, p.day.AddDate(0, 0, 1))
	})
	in := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { p.timeline.Zoom(0.5) })
	out := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { p.timeline.Zoom(2) })
	reload := widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), func() { p.rawKey = ""; p.Load() })
	bar := container.NewBorder(nil, nil,
		container.NewHBox(prev, container.NewGridWrap(fyne.NewSize(150, p.date.MinSize().Height), p.date), next),
		container.NewHBox(in, out, whole, reload))
	p.legend = newLegend()
	// The details of a click sit beside the timeline, so a long one never squeezes it.
	split := container.NewHSplit(container.NewVScroll(p.timeline), container.NewVScroll(p.details.root))
	split.Offset = 0.7
	p.root = container.NewBorder(bar, container.NewVBox(p.legend.root, p.status, p.detail), nil, nil, split)
	return p
}

// Root is the preview's content.
func (p *Preview) Root() fyne.CanvasObject { return p.root }

// Mini is the compact timeline of the day (blocks and unassigned time) shown under the rule
// editor.
func (p *Preview) Mini() fyne.CanvasObject { return container.NewVScroll(p.mini) }

// Day is the previewed day (local midnight).
func (p *Preview) Day() time.Time { return p.day }

// SetDay shows another day and loads it.
func (p *Preview) SetDay(d time.Time) {
	p.day = midnight(d)
	if p.date.Date == nil || !midnight(*p.date.Date).Equal(p.day) {
		day := p.day
		p.date.SetDate(&day)
	}
	p.timeline.SetLimits(p.day, p.day.AddDate(0, 0, 1))
	p.timeline.SetRange(p.day, p.day.AddDate(0, 0, 1))
	p.mini.SetLimits(p.day, p.day.AddDate(0, 0, 1))
	p.mini.SetRange(p.day, p.day.AddDate(0, 0, 1))
	p.Load()
}

func midnight(t time.Time) time.Time {
	t = t.Local()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.Local)
}

// Load fetches the day's events (once per day, aw-server and bucket selection) and derives.
func (p *Preview) Load() {
	cfg := p.input()
	aw := cfg.ActivityWatch
	key := fmt.Sprintf("%s|%q|%q|%s", aw.URL, aw.Hostnames, aw.Buckets, p.day.Format(time.DateOnly))
	if key == p.rawKey {
		p.Schedule()
		return
	}
	if p.deps.Activity == nil {
		return
	}
	p.gen++
	gen, day := p.gen, p.day
	p.loading = true
	p.setStatus("Reading " + day.Format("Mon 2 Jan") + " from aw-server…")
	src := p.deps.Activity(aw.URL)
	ctx := p.ctx()
	p.async(func() {
		raw, err := fetchDay(ctx, src, aw, day)
		fyne.Do(func() {
			if gen != p.gen {
				return
			}
			p.loading = false
			if err != nil {
				// The lanes shown were another day's or another server's: they go.
				p.raw, p.rawKey = nil, ""
				p.showError(err)
				return
			}
			p.raw, p.rawKey = raw, key
			p.derive(gen, cfg, raw)
		})
	})
}

// setStatus shows a line about the preview in the normal style.
func (p *Preview) setStatus(text string) {
	p.status.Importance = widget.MediumImportance
	p.status.SetText(text)
}

// showError clears the timeline and shows why, in the error style.
func (p *Preview) showError(err error) {
	p.timeline.SetLanes(nil)
	p.mini.SetLanes(nil)
	p.legend.clear()
	p.status.Importance = widget.DangerImportance
	p.status.SetText(err.Error())
}

// PreviewDay reads and derives one local day as the Preview tab does, with cfg.
func PreviewDay(ctx context.Context, deps Deps, cfg config.Config, day time.Time) (PreviewResult, error) {
	raw, err := fetchDay(ctx, deps.Activity(cfg.ActivityWatch.URL), cfg.ActivityWatch, day)
	if err != nil {
		return PreviewResult{}, err
	}
	return ComputePreview(deps, cfg, raw, day)
}

// fetchDay reads the events of one local day from the buckets a sync with aw reads
// (syncer.FetchActivity: the configured buckets, or those of the configured hosts, else of
// aw-server's own host), before the privacy filter.
func fetchDay(ctx context.Context, src ActivitySource, aw config.ActivityWatch, day time.Time) ([]activity.BucketEvents, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	act, err := syncer.FetchActivity(ctx, syncSource{src}, aw, day, day.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	return act.Buckets, nil
}

// syncSource is an ActivitySource as the syncer reads one.
type syncSource struct{ ActivitySource }

func (s syncSource) Events(ctx context.Context, id string, from, to time.Time) (activitywatch.Events, error) {
	evs, err := s.ActivitySource.Events(ctx, id, from, to)
	return activitywatch.Events{Events: evs}, err
}

// Schedule re-derives after the debounce delay; every call restarts the delay. It snapshots
// the settings now, on the Fyne goroutine.
func (p *Preview) Schedule() {
	if p.raw == nil || p.loading {
		return
	}
	p.gen++
	gen, cfg, raw := p.gen, p.input(), p.raw
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
	}
	if p.debounce == 0 {
		p.derive(gen, cfg, raw)
		return
	}
	p.timer = time.AfterFunc(p.debounce, func() { fyne.Do(func() { p.derive(gen, cfg, raw) }) })
}

// PreviewResult is one derived day, ready to draw.
type PreviewResult struct {
	Lanes  []Lane
	Blocks int
	// Derived are the blocks themselves.
	Derived []engine.Block
	Stats   PrivacyStats
	Buckets []activity.BucketEvents // after the privacy filter
	// Totals are the day's time per profile and category.
	Totals dayTotals
}

// derive computes in the background and applies the result unless a newer request came.
func (p *Preview) derive(gen int, cfg config.Config, raw []activity.BucketEvents) {
	if p.deps.Derive == nil {
		return
	}
	day := p.day
	p.async(func() {
		res, err := ComputePreview(p.deps, cfg, raw, day)
		fyne.Do(func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.showError(err)
				return
			}
			p.timeline.SetLanes(res.Lanes)
			p.mini.SetLanes(res.Lanes[:min(2, len(res.Lanes))])
			p.legend.show(res.Totals)
			p.shownCfg, p.shownBuckets, p.shownTotals = cfg, res.Buckets, res.Totals
			p.setStatus(previewSummary(day, res))
			if p.onData != nil {
				p.onData(res.Buckets, res.Stats)
			}
		})
	})
}

// ComputePreview filters, derives and lays out one day with cfg, as a sync with cfg would.
// It touches no widget, so it runs on any goroutine.
func ComputePreview(deps Deps, cfg config.Config, raw []activity.BucketEvents, day time.Time) (PreviewResult, error) {
	var res PreviewResult
	bs := raw
	if deps.Privacy != nil {
		var err error
		bs, res.Stats, err = deps.Privacy(cfg, raw)
		if err != nil {
			return res, fmt.Errorf("privacy rules: %w", err)
		}
	}
	r, err := deps.Derive(cfg, engine.Input{From: day, To: day.AddDate(0, 0, 1), Buckets: bs})
	if err != nil {
		return res, fmt.Errorf("cannot preview with these profiles: %w", err)
	}
	res.Lanes = BuildLanes(bs, r, cfg.Profiles)
	res.Blocks, res.Derived = len(r.Blocks), r.Blocks
	res.Buckets = bs
	res.Totals = computeDayTotals(cfg, r.Blocks, bs, day)
	return res, nil
}

func previewSummary(day time.Time, r PreviewResult) string {
	var parts []string
	parts = append(parts, fmt.Sprintf("%s: %s", day.Format("Mon 2 Jan"), count(r.Blocks, "block", "")))
	events := 0
	for _, b := range r.Buckets {
		events += len(b.Events)
	}
	parts = append(parts, fmt.Sprintf("%s in %s", count(events, "event", ""), count(len(r.Buckets), "bucket", "")))
	if r.Stats.Dropped+r.Stats.Redacted > 0 {
		parts = append(parts, fmt.Sprintf("privacy: %d hidden, %d redacted", r.Stats.Dropped, r.Stats.Redacted))
	}
	return strings.Join(parts, " · ")
}
