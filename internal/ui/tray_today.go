package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/report"
	"github.com/awcal/awcal/internal/syncer"
)

// trayToday is the tray menu's "Today: …" line.
type trayToday struct {
	item  *fyne.MenuItem
	line  func() string
	async func(func())
	// syncedAt is the finished sync the line was last computed after.
	syncedAt time.Time
}

func newTrayToday(line func() string) trayToday {
	if line == nil {
		return trayToday{}
	}
	item := fyne.NewMenuItem("Today: …", nil)
	item.Disabled = true
	return trayToday{item: item, line: line, async: func(f func()) { go f() }}
}

// refresh computes the line off the Fyne goroutine and shows it with show.
func (d *trayToday) refresh(show func()) {
	if d.item == nil {
		return
	}
	d.async(func() {
		text := d.line()
		fyne.Do(func() {
			d.item.Label = text
			show()
		})
	})
}

// TodayLine returns the tray's Today line of the current config: today's activity read and
// derived through the pipeline as a sync reads and derives it, summed by report.
func TodayLine(f *pipeline.Factory, cfg func() config.Config, now func() time.Time) func() string {
	return func() string {
		c := cfg()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		line, err := todayLine(ctx, f.Source(c.ActivityWatch), c, now())
		if err != nil {
			return "Today: not available (" + err.Error() + ")"
		}
		return line
	}
}

// todayLine sums today (local midnight to now) by profile.
func todayLine(ctx context.Context, src syncer.Source, cfg config.Config, now time.Time) (string, error) {
	y, m, d := now.In(time.Local).Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, time.Local)
	eng, err := pipeline.Engine(cfg)
	if err != nil {
		return "", fmt.Errorf("the profiles: %w", err)
	}
	act, err := syncer.ReadActivity(ctx, src, cfg, from.Add(-report.Lead), now)
	if err != nil {
		return "", err
	}
	r := report.Derive(eng, act.Buckets, report.Options{From: from, To: now, Location: time.Local,
		Period: report.ByDay, Group: report.ByProfile, Profiles: cfg.Profiles})
	if len(r.Rows) == 0 {
		return report.TodayLine(report.Row{}), nil
	}
	return report.TodayLine(r.Rows[0]), nil
}
