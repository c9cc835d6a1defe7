package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

// syncTabTop is where the Sync tab's first row is drawn, in the window.
func syncTabTop(t *testing.T, s *Settings) fyne.Position {
	t.Helper()
	scroll, ok := s.sync.root.(*container.Scroll)
	require.True(t, ok, "the Sync tab scrolls")
	padded, ok := scroll.Content.(*fyne.Container)
	require.True(t, ok)
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(padded.Objects[0])
}

func TestSettingsSyncStartsWithItsFirstField(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.ShowTab("Sync")
	d := fyne.CurrentApp().Driver()
	require.False(t, s.sync.custom.Visible())
	assert.Equal(t, syncTabTop(t, s).Y, d.AbsolutePositionForObject(s.sync.autoSync).Y,
		"Sync automatically is the first row: no empty band above it")
}

func TestSettingsSyncCustomRangeNoticeComesFirst(t *testing.T) {
	var saved []*config.Config
	c := baseConfig()
	from, to := time.Date(2026, 3, 2, 0, 0, 0, 0, time.Local), time.Date(2026, 3, 4, 0, 0, 0, 0, time.Local)
	c.Sync.CustomStart, c.Sync.CustomEnd = &from, &to
	c.SetStrategy(config.StrategyCustom)
	s := newTestSettings(t, c, &saved)
	s.ShowTab("Sync")
	d := fyne.CurrentApp().Driver()
	require.True(t, s.sync.custom.Visible())
	top := syncTabTop(t, s).Y
	assert.Equal(t, top, d.AbsolutePositionForObject(s.sync.custom).Y, "the custom-range notice is the first row")
	assert.Greater(t, d.AbsolutePositionForObject(s.sync.autoSync).Y, top+s.sync.custom.MinSize().Height-1,
		"Sync automatically comes under it")
}
