package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

// TestPatternFieldShowsFortyCharacters: at the default window size the rule editor's pattern
// field is wide enough for 40 characters of a typical regex.
func TestPatternFieldShowsFortyCharacters(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.ShowTab("Profiles")
	s.profiles.list.Select(0)
	row := s.profiles.primary.rows[0]
	need := fyne.MeasureText(strings.Repeat("x", 40), theme.TextSize(), fyne.TextStyle{}).Width
	require.NotZero(t, row.pattern.Size().Width)
	t.Logf("pattern field %.0f units, 40 characters %.0f", row.pattern.Size().Width, need)
	assert.GreaterOrEqual(t, row.pattern.Size().Width, need+2*theme.InnerPadding())
}

// TestLongPatternShowsWholeWhenFocused: a pattern wider than its field shows whole under it
// while the field has the focus, and goes again when the focus leaves; a short one never does.
func TestLongPatternShowsWholeWhenFocused(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.ShowTab("Profiles")
	s.profiles.list.Select(0)
	row := s.profiles.primary.rows[0]
	long := "(?i)^(code|code - oss|vscodium|jetbrains (idea|goland|pycharm|webstorm|clion|rider)|neovim|emacs|sublime text)$"
	require.Greater(t, fyne.MeasureText(long, theme.TextSize(), fyne.TextStyle{}).Width, row.pattern.Size().Width,
		"the test pattern must be wider than the field")

	row.pattern.SetText("vim")
	s.win.Canvas().Focus(row.pattern)
	assert.False(t, row.pattern.full.Visible(), "a pattern that fits is not repeated")

	row.pattern.SetText(long)
	assert.True(t, row.pattern.full.Visible(), "a long pattern shows whole while it is edited")
	assert.Equal(t, long, row.pattern.full.Text)

	s.win.Canvas().Unfocus()
	assert.False(t, row.pattern.full.Visible(), "it goes when the focus leaves")
	s.win.Canvas().Focus(row.pattern)
	assert.True(t, row.pattern.full.Visible(), "and comes back with the focus")
	assert.Equal(t, long, s.cfg.Profiles[0].Primary[0].Pattern, "the edit reached the working config")
}
