package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

func TestSettingsLongErrorKeepsTheButtons(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.win.Resize(fyne.NewSize(1040, 720))
	s.deps.Save = func(*config.Config) error {
		return errors.New("writing the config: " + strings.Repeat("a long reason that goes on and on, ", 30))
	}
	editURL(s)
	s.Save()
	require.Contains(t, s.summary.Text, "a long reason")
	s.win.Content().Refresh()
	assert.Greater(t, s.summary.Size().Height, 3*s.save.MinSize().Height, "the error takes several lines")
	assert.Equal(t, s.save.MinSize().Height, s.save.Size().Height, "Save keeps its height")
	assert.Equal(t, findButton(t, s.win, "Close").MinSize().Height, findButton(t, s.win, "Close").Size().Height)
}
