package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

func TestSettingsShowsSyncErrors(t *testing.T) {
	s := newTestSettings(t, baseConfig(), new([]*config.Config))
	rt := newFakeRuntime()
	prev := time.Date(2026, 3, 10, 10, 42, 0, 0, time.Local)
	rt.status = Status{State: StateError, Last: RunSummary{At: prev},
		Error: "cannot reach aw-server at http://127.0.0.1:5600: start ActivityWatch"}
	s.Follow(rt)

	require.True(t, s.syncStatus.Visible(), "a failed sync shows in the window")
	assert.Equal(t, "Last sync failed · previous 10:42: cannot reach aw-server at http://127.0.0.1:5600: start ActivityWatch",
		s.syncStatus.Text)
	assert.Equal(t, widget.DangerImportance, s.syncStatus.Importance, "in the error style")

	require.Len(t, rt.subs, 1)
	rt.subs[0](Status{State: StateIdle, Last: RunSummary{At: prev.Add(time.Minute)}, Notices: []string{"a backfill did not finish: run it again"}})
	assert.Equal(t, "a backfill did not finish: run it again", s.syncStatus.Text, "notices show too")
	assert.Equal(t, widget.WarningImportance, s.syncStatus.Importance)

	rt.subs[0](Status{State: StateIdle, Last: RunSummary{At: prev.Add(2 * time.Minute)}})
	assert.False(t, s.syncStatus.Visible(), "a good sync clears it")

	t.Run("it stays across discarded edits", func(t *testing.T) {
		rt.subs[0](rt.status)
		editURL(s)
		s.close()
		tapDialogButton(t, s.win, "Close without saving")
		assert.True(t, s.syncStatus.Visible())
		assert.Contains(t, s.syncStatus.Text, "cannot reach aw-server")
	})
}
