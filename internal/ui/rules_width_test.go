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
