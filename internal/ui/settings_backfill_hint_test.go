package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

func TestSettingsProfileChangeOffersBackfill(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	opened := 0
	s.OnBackfill = func() { opened++ }

	editURL(s)
	test.Tap(s.save)
	require.Len(t, saved, 1)
	assert.False(t, s.backfillHint.Visible(), "only a profile change changes past blocks")

	s.profiles.name.SetText("Deep work")
	test.Tap(s.save)
	require.Len(t, saved, 2, s.summary.Text)
	require.True(t, s.backfillHint.Visible(), "past days keep the old profiles' blocks: a backfill is offered")
	test.Tap(findButton(t, s.win, "Backfill past days…"))
	assert.Equal(t, 1, opened)
	assert.False(t, s.backfillHint.Visible(), "offered once")

	t.Run("not on first start: nothing was synced yet", func(t *testing.T) {
		test.NewTempApp(t)
		var saved []*config.Config
		s := NewSettings(test.NewTempApp(t), testDeps(&saved), baseConfig(), true)
		s.async, s.profiles.async = inline, inline
		s.OnBackfill = func() { opened++ }
		s.profiles.name.SetText("Deep work")
		test.Tap(s.save)
		require.Len(t, saved, 1)
		assert.False(t, s.backfillHint.Visible())
	})
}
