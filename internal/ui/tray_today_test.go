package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/report"
)

func TestTrayTodayLineAfterEverySync(t *testing.T) {
	a := test.NewTempApp(t)
	rt := newFakeRuntime()
	calls := 0
	tr := NewTray(a, rt, TrayActions{Today: func() string {
		calls++
		return []string{"Today: nothing in blocks yet", "Today: 1h 05m — Coding 1h 05m", "Today: 2h 00m — Coding 2h 00m"}[min(calls-1, 2)]
	}}, time.Now)
	tr.today.async = inline
	tr.Install(rt)
	m := tr.Menu()
	require.Equal(t, "Today: nothing in blocks yet", m.Items[1].Label, "the line follows the status line")
	assert.True(t, m.Items[1].Disabled)

	first := time.Date(2026, 3, 10, 10, 0, 0, 0, time.Local)
	rt.subs[0](Status{State: StateSyncing})
	assert.Equal(t, 1, calls, "not while a sync runs")
	rt.subs[0](Status{State: StateIdle, Last: RunSummary{At: first, Created: 1}})
	assert.Equal(t, "Today: 1h 05m — Coding 1h 05m", m.Items[1].Label)
	rt.subs[0](Status{State: StateIdle, Last: RunSummary{At: first, Created: 1}, Next: first.Add(time.Minute)})
	assert.Equal(t, 2, calls, "a status change without a new sync keeps the line")
	rt.subs[0](Status{State: StateIdle, Last: RunSummary{At: first.Add(10 * time.Minute)}})
	assert.Equal(t, "Today: 2h 00m — Coding 2h 00m", m.Items[1].Label)
	assert.Equal(t, 3, calls)

	t.Run("no line without a source", func(t *testing.T) {
		tr := NewTray(a, rt, TrayActions{}, time.Now)
		assert.NotContains(t, menuLabels(tr.Menu())[1], "Today")
	})
}

func TestTodayLineSumsTodaysBlocks(t *testing.T) {
	opts := fakedata.Options{Days: 1, Seed: 11, Location: time.Local}
	buckets := fakedata.Generate(opts)
	var buf bytes.Buffer
	require.NoError(t, fakedata.WriteExport(&buf, buckets))
	path := filepath.Join(t.TempDir(), "export.json")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	x, err := pipeline.OpenExport(path)
	require.NoError(t, err)

	cfg := config.Default(func(string) string { return "" })
	cfg.Profiles = profile.Starters()
	cfg.ActivityWatch.Hostnames = x.Hosts()
	from, to := fakedata.Day(opts, 0)
	now := to.Add(-time.Minute)
	line, err := todayLine(context.Background(), x, cfg, now)
	require.NoError(t, err)

	eng, err := pipeline.Engine(cfg)
	require.NoError(t, err)
	flt, err := pipeline.Privacy(cfg)
	require.NoError(t, err)
	filtered, _ := flt.Apply(buckets)
	var total time.Duration
	for _, b := range eng.Derive(engine.Input{From: from.Add(-report.Lead), To: now, Buckets: filtered}).Blocks {
		total += overlapOf(b.Start, b.End, from, now)
	}
	require.Positive(t, total)
	assert.Regexp(t, regexp.MustCompile(`^Today: `+regexp.QuoteMeta(report.Duration(total))+` — \S.* (\d+h \d\dm|\d+m)$`), line)
}

func TestTrayThisWeek(t *testing.T) {
	a := test.NewTempApp(t)
	rt := newFakeRuntime()
	opened := 0
	tr := NewTray(a, rt, TrayActions{ShowWeek: func() { opened++ }}, time.Now)
	var week *fyne.MenuItem
	for _, it := range tr.Menu().Items {
		if it.Label == "This week…" {
			week = it
		}
	}
	require.NotNil(t, week, "the menu has the item: %v", menuLabels(tr.Menu()))
	week.Action()
	assert.Equal(t, 1, opened)
	assert.NotContains(t, menuLabels(NewTray(a, rt, TrayActions{}, time.Now).Menu()), "This week…")
}
