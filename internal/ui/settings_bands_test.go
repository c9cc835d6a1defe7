package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
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
	s := newTestSettings(t, customRangeConfig(), &saved)
	s.ShowTab("Sync")
	d := fyne.CurrentApp().Driver()
	require.True(t, s.sync.custom.Visible())
	top := syncTabTop(t, s).Y
	assert.Equal(t, top, d.AbsolutePositionForObject(s.sync.custom).Y, "the custom-range notice is the first row")
	assert.Greater(t, d.AbsolutePositionForObject(s.sync.autoSync).Y, top+s.sync.custom.MinSize().Height-1,
		"Sync automatically comes under it")
}

// gapAfter is the space between a and the object after it in their box.
func gapAfter(a, b fyne.CanvasObject) float32 {
	return b.Position().Y - (a.Position().Y + a.Size().Height)
}

func TestSettingsFeedNotesTakeNoRoomWhileEmpty(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.ShowTab("Calendar")
	f := s.cal.feed
	box := f.root.(*fyne.Container)
	require.Same(t, f.fields, box.Objects[2])
	fields, url, copyRow, status, hint := box.Objects[2], box.Objects[3], box.Objects[4], box.Objects[5], box.Objects[6]
	require.Same(t, f.url, url)
	require.Same(t, f.status, status)
	padding := theme.Padding()

	box.Refresh()
	assert.False(t, f.url.Visible(), "no URL while the feed is off")
	assert.Equal(t, padding, gapAfter(fields, copyRow), "and no empty band where it would be")
	assert.Equal(t, padding, gapAfter(copyRow, hint), "nothing copied yet: no empty band under the button")

	tapCheck(f.enabled)
	box.Refresh()
	assert.True(t, f.url.Visible())
	assert.Equal(t, "http://127.0.0.1:5680/awcal.ics", f.url.Text)
	assert.Greater(t, gapAfter(fields, copyRow), padding, "the URL sits between the fields and the button")

	test.Tap(f.copy)
	box.Refresh()
	assert.True(t, f.status.Visible())
	assert.Contains(t, f.status.Text, "Subscription URL copied")
	assert.Greater(t, gapAfter(copyRow, hint), padding)
}
