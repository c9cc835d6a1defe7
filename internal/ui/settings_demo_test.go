package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"

	"github.com/awcal/awcal/internal/config"
)

func TestSettingsDemoIsMarked(t *testing.T) {
	s := newTestSettings(t, baseConfig(), new([]*config.Config))
	assert.False(t, s.demo.Visible(), "a real setup has no demo banner")
	assert.Equal(t, "awcal settings", s.win.Title())

	left := 0
	s.MarkDemo(func() { left++ })
	assert.True(t, s.demo.Visible())
	assert.Equal(t, "awcal demo settings", s.win.Title())
	editURL(s)
	assert.Equal(t, "awcal demo settings — unsaved changes", s.win.Title())

	test.Tap(findButton(t, s.win, "Set up awcal for real"))
	assert.Equal(t, 1, left, "the way back to a real setup")
}
