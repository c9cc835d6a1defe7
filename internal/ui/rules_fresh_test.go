package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

func TestNewRuleGetsTheFocusAndNoErrorBeforeTyping(t *testing.T) {
	s := newTestSettings(t, baseConfig(), new([]*config.Config))
	s.ShowTab("Profiles")
	l := s.profiles.primary
	n := len(l.rows)
	test.Tap(l.add)
	require.Len(t, l.rows, n+1)
	row := l.rows[n]

	assert.Same(t, row.pattern, s.win.Canvas().Focused(), "the new rule's pattern has the focus")
	assert.False(t, row.problem.Visible(), "no error before any typing")
	assert.NoError(t, row.pattern.Validate())
	assert.Equal(t, "Type the new rule's pattern; Save waits for it.", s.summary.Text)
	assert.Equal(t, widget.MediumImportance, s.summary.Importance, "not in the error style")
	assert.True(t, s.save.Disabled(), "an empty pattern is still not saved")

	test.Type(row.pattern, "vim")
	assert.Empty(t, s.summary.Text)
	assert.False(t, s.save.Disabled())

	t.Run("once typed in, an emptied pattern is an error", func(t *testing.T) {
		row.pattern.SetText("")
		assert.True(t, row.problem.Visible())
		assert.Error(t, row.pattern.Validate())
		assert.Contains(t, s.summary.Text, "Coding → primary rule 2: pattern")
		assert.Equal(t, widget.DangerImportance, s.summary.Importance)
	})
	t.Run("privacy rules too", func(t *testing.T) {
		row.pattern.SetText("vim")
		s.ShowTab("Privacy")
		pl := s.priv.rules
		test.Tap(pl.add)
		prow := pl.rows[len(pl.rows)-1]
		assert.Same(t, prow.pattern, s.win.Canvas().Focused())
		assert.False(t, prow.problem.Visible())
		assert.Equal(t, "Type the new rule's pattern; Save waits for it.", s.summary.Text)
	})
}
