package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

// typeShortcut sends a keyboard shortcut as the desktop driver does: to the window's main
// menu first, which is how it reaches the window while an entry has the focus.
func typeShortcut(t *testing.T, w fyne.Window, sc fyne.Shortcut) {
	t.Helper()
	require.NotNil(t, w.MainMenu(), "the window has no menu to take shortcuts")
	for _, m := range w.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() && it.Action != nil {
				it.Action()
				return
			}
		}
	}
	t.Fatalf("no menu item takes %s", sc.ShortcutName())
}

func ctrl(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

// editURL types into the aw-server URL field, an edit like any other.
func editURL(s *Settings) {
	s.win.Canvas().Focus(s.aw.url)
	s.aw.url.CursorColumn = len([]rune(s.aw.url.Text))
	test.Type(s.aw.url, "/x")
}

func TestSettingsUnsavedEditsAreMarked(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	require.Equal(t, settingsTitle, s.win.Title(), "a loaded config has nothing unsaved")
	require.Empty(t, s.saveStatus.Text)

	editURL(s)
	assert.Equal(t, unsavedTitle, s.win.Title())
	assert.Equal(t, "Unsaved changes", s.saveStatus.Text)

	t.Run("typing it back is no change", func(t *testing.T) {
		s.aw.url.SetText(s.saved.ActivityWatch.URL)
		assert.Equal(t, settingsTitle, s.win.Title())
		assert.Empty(t, s.saveStatus.Text)
	})
	t.Run("a typed password is unsaved", func(t *testing.T) {
		test.Type(s.cal.davPass, "secret")
		assert.Equal(t, unsavedTitle, s.win.Title())
		s.cal.davPass.SetText("")
		s.cal.passwordSet = false
		s.changed()
	})
	t.Run("Ctrl+S saves while an entry has the focus", func(t *testing.T) {
		editURL(s)
		typeShortcut(t, s.win, ctrl(fyne.KeyS))
		require.Len(t, saved, 1, s.summary.Text)
		assert.Equal(t, s.aw.url.Text, saved[0].ActivityWatch.URL)
		assert.Equal(t, settingsTitle, s.win.Title(), "saved: the mark goes")
		assert.Equal(t, "Saved.", s.saveStatus.Text)
	})
}

func TestSettingsCloseAsksBeforeDroppingEdits(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	orig := s.aw.url.Text
	ctx := s.life.Context()

	t.Run("nothing unsaved closes at once", func(t *testing.T) {
		test.Tap(findButton(t, s.win, "Close"))
		assert.Nil(t, s.win.Canvas().Overlays().Top())
		assert.Error(t, ctx.Err(), "closed: the window's reads stop")
	})
	t.Run("keep editing", func(t *testing.T) {
		ctx = s.life.Context()
		editURL(s)
		test.Tap(findButton(t, s.win, "Close"))
		assert.Contains(t, dialogText(s.win), "not saved")
		tapDialogButton(t, s.win, "Keep editing")
		assert.NoError(t, ctx.Err(), "still open")
		assert.Equal(t, orig+"/x", s.aw.url.Text, "the edit is still there")
		assert.Empty(t, saved)
	})
	t.Run("close without saving drops the edits", func(t *testing.T) {
		typeShortcut(t, s.win, ctrl(fyne.KeyW))
		tapDialogButton(t, s.win, "Close without saving")
		assert.Error(t, ctx.Err(), "closed")
		assert.Empty(t, saved)
		assert.Equal(t, orig, s.aw.url.Text, "the window is back to the saved settings")
		assert.Equal(t, orig, s.cfg.ActivityWatch.URL)
		assert.Equal(t, settingsTitle, s.win.Title())
	})
	t.Run("save and close", func(t *testing.T) {
		ctx = s.life.Context()
		editURL(s)
		s.close()
		tapDialogButton(t, s.win, "Save and close")
		require.Len(t, saved, 1)
		assert.Equal(t, orig+"/x", saved[0].ActivityWatch.URL)
		assert.Error(t, ctx.Err(), "closed once saved")
	})
}

func TestSettingsQuitAsksBeforeDroppingEdits(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	quits := 0
	quit := func() { quits++ }

	s.ConfirmQuit(quit)
	assert.Equal(t, 1, quits, "nothing unsaved: quits at once")

	editURL(s)
	s.ConfirmQuit(quit)
	assert.Equal(t, 1, quits, "asks first")
	tapDialogButton(t, s.win, "Keep editing")
	assert.Equal(t, 1, quits)

	s.ConfirmQuit(quit)
	tapDialogButton(t, s.win, "Quit without saving")
	assert.Equal(t, 2, quits)
	assert.Empty(t, saved)

	t.Run("save and quit quits only once saved", func(t *testing.T) {
		editURL(s)
		s.ConfirmQuit(quit)
		tapDialogButton(t, s.win, "Save and quit")
		require.Len(t, saved, 1)
		assert.Equal(t, 3, quits)
	})
	t.Run("a failed save does not quit", func(t *testing.T) {
		s.deps.Save = func(*config.Config) error { return assert.AnError }
		editURL(s)
		s.ConfirmQuit(quit)
		tapDialogButton(t, s.win, "Save and quit")
		assert.Equal(t, 3, quits)
		assert.Contains(t, s.summary.Text, assert.AnError.Error())
		assert.Equal(t, unsavedTitle, s.win.Title())
	})
	t.Run("the window's File menu quits the same way", func(t *testing.T) {
		var quitItem *fyne.MenuItem
		for _, it := range s.win.MainMenu().Items[0].Items {
			if it.IsQuit {
				quitItem = it
			}
		}
		require.NotNil(t, quitItem)
		require.NotNil(t, quitItem.Action, "its own action, not the driver's (which quits at once)")
		quitItem.Action()
		assert.Contains(t, dialogText(s.win), "not saved")
	})
}

func TestSettingsWelcomeGoesAfterFirstSave(t *testing.T) {
	test.NewTempApp(t)
	var saved []*config.Config
	s := NewSettings(test.NewTempApp(t), testDeps(&saved), baseConfig(), true)
	s.async = inline
	require.NotNil(t, s.welcome)
	assert.True(t, s.welcome.Visible())
	assert.Equal(t, unsavedTitle, s.win.Title(), "nothing is saved on first start")

	s.close()
	assert.Contains(t, dialogText(s.win), "not saved yet")
	tapDialogButton(t, s.win, "Keep editing")

	test.Tap(s.save)
	require.Len(t, saved, 1, s.summary.Text)
	assert.False(t, s.welcome.Visible(), "set up: the welcome goes")
	assert.Equal(t, settingsTitle, s.win.Title())
}

// findButton finds a visible button by its label in the window's content.
func findButton(t *testing.T, w fyne.Window, label string) *widget.Button {
	t.Helper()
	for _, o := range test.LaidOutObjects(w.Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == label && b.Visible() {
			return b
		}
	}
	t.Fatalf("no %q button", label)
	return nil
}
