package ui

import (
	"context"
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

// renderedTextColor is the colour of the visible canvas text reading text inside o, as drawn
// now. It walks the renderers o already has: test.LaidOutObjects would build new ones, and
// building a renderer refreshes what it holds, hiding a missing refresh.
func renderedTextColor(t *testing.T, o fyne.CanvasObject, text string) color.Color {
	t.Helper()
	var found color.Color
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			if x.Text == text {
				found = x.Color
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	require.NotNil(t, found, "no text %q is drawn", text)
	return found
}

// labelColors are the colours a form draws a disabled and an enabled field's label in.
func labelColors(t *testing.T) (disabled, enabled color.Color) {
	th, v := fyne.CurrentApp().Settings().Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	disabled, enabled = th.Color(theme.ColorNameDisabled, v), th.Color(theme.ColorNameForeground, v)
	require.NotEqual(t, disabled, enabled)
	return disabled, enabled
}

func TestSettingsFeedPortLabelFollowsTheFeed(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.ShowTab("Calendar")
	f := s.cal.feed
	disabled, enabled := labelColors(t)
	require.True(t, f.port.Disabled())
	assert.Equal(t, disabled, renderedTextColor(t, f.root, "Port"), "a disabled field's label is grey")

	tapCheck(f.enabled)
	require.False(t, f.port.Disabled())
	assert.Equal(t, enabled, renderedTextColor(t, f.root, "Port"), "the label looks enabled with its field")

	tapCheck(f.enabled)
	assert.Equal(t, disabled, renderedTextColor(t, f.root, "Port"), "and grey again when the feed is off")
}

func TestReviewEditorLabelsFollowTheSelection(t *testing.T) {
	r, _, _, _ := newTestReview(t)
	r.async = inline
	disabled, enabled := labelColors(t)
	require.False(t, r.title.Disabled(), "the first proposal is selected")
	assert.Equal(t, enabled, renderedTextColor(t, r.Root(), "Title"))

	test.Tap(r.approveAll)
	require.True(t, r.title.Disabled(), "nothing left to edit")
	assert.Equal(t, disabled, renderedTextColor(t, r.Root(), "Title"), "the labels grey with their fields")
	assert.Equal(t, disabled, renderedTextColor(t, r.Root(), "Profile"))

	r.ShowDay(reviewDay.AddDate(0, 0, 1))
	require.False(t, r.title.Disabled(), "the next day's proposal is selected")
	assert.Equal(t, enabled, renderedTextColor(t, r.Root(), "Title"))
}

func TestBackfillDateLabelsGreyWhileItRuns(t *testing.T) {
	test.NewTempApp(t)
	rt := newFakeRuntime()
	rt.backfill = func(context.Context, time.Time, time.Time, bool, func(string, float64)) (Plan, error) {
		return Plan{Created: 1}, nil
	}
	b := NewBackfill(rt, at(15, 0))
	var pending func()
	b.async = func(f func()) { pending = f }
	test.NewTempWindow(t, b.Root())
	disabled, enabled := labelColors(t)
	assert.Equal(t, enabled, renderedTextColor(t, b.Root(), "From"))

	test.Tap(b.preview)
	require.NotNil(t, pending, "the preview runs in the background")
	require.True(t, b.from.Disabled(), "the dates are fixed while it runs")
	assert.Equal(t, disabled, renderedTextColor(t, b.Root(), "From"))
	assert.Equal(t, disabled, renderedTextColor(t, b.Root(), "To (inclusive)"))

	pending()
	require.Equal(t, bfPlanned, b.state)
	assert.Equal(t, enabled, renderedTextColor(t, b.Root(), "From"))
}
