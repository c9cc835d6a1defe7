package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

func TestPreviewFailedReloadClearsTheLanes(t *testing.T) {
	s := newTestSettings(t, baseConfig(), new([]*config.Config))
	s.checked = true
	s.ShowTab("Preview")
	require.NotEmpty(t, s.preview.timeline.lanes, s.preview.status.Text)
	require.Equal(t, widget.MediumImportance, s.preview.status.Importance)
	reload := findButton(t, s.win, "Reload")

	s.deps.Activity = func(string) ActivitySource { return fakeSource{err: assert.AnError} }
	s.preview.deps.Activity = s.deps.Activity
	test.Tap(reload)
	assert.Empty(t, s.preview.timeline.lanes, "no stale lanes under an error")
	assert.Contains(t, s.preview.status.Text, assert.AnError.Error())
	assert.Equal(t, widget.DangerImportance, s.preview.status.Importance, "in the error style")

	t.Run("an edit after the failure does not bring the old lanes back", func(t *testing.T) {
		s.preview.Schedule()
		assert.Empty(t, s.preview.timeline.lanes)
	})
	t.Run("a good reload shows the day again", func(t *testing.T) {
		s.preview.deps.Activity = func(string) ActivitySource { return fakeSource{buckets: sampleDay()} }
		test.Tap(reload)
		assert.NotEmpty(t, s.preview.timeline.lanes)
		assert.Equal(t, widget.MediumImportance, s.preview.status.Importance)
	})
}
