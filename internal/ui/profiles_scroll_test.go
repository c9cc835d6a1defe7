package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProfileEditorSwitchScrollsToTop(t *testing.T) {
	e, _ := newTestEditor(t, testProfiles())
	w := fyne.CurrentApp().Driver().AllWindows()[0]
	w.Resize(fyne.NewSize(900, 300)) // shorter than a profile's fields and rules
	require.Greater(t, e.detailBox.MinSize().Height, e.detailScroll.Size().Height, "the editor scrolls")

	e.detailScroll.ScrollToOffset(fyne.NewPos(0, 400)) // the person scrolled down to the rules
	require.Positive(t, e.detailScroll.Offset.Y)

	e.list.Select(1)
	assert.Zero(t, e.detailScroll.Offset.Y, "another profile starts at its name")
	assert.Equal(t, testProfiles()[1].Name, e.name.Text)
}
