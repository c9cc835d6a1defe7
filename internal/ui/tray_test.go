package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatusLine(t *testing.T) {
	last := time.Date(2026, 3, 10, 10, 42, 0, 0, time.Local)
	for _, tc := range []struct {
		name string
		s    Status
		want string
	}{
		{"never synced", Status{State: StateIdle}, "Not synced yet"},
		{"updated", Status{State: StateIdle, Last: RunSummary{At: last, Updated: 2}}, "Last sync 10:42 · 2 updated"},
		{"several", Status{State: StateIdle, Last: RunSummary{At: last, Created: 1, Deleted: 3}}, "Last sync 10:42 · 1 created, 3 deleted"},
		{"held for review", Status{State: StateIdle, Last: RunSummary{At: last, Created: 39, Deleted: 1, Held: true}},
			"Last sync 10:42 · 39 proposed, 1 withdrawn for review"},
		{"nothing changed", Status{State: StatePaused, Last: RunSummary{At: last, Unchanged: 4}}, "Last sync 10:42 · no changes"},
		{"syncing", Status{State: StateSyncing, Last: RunSummary{At: last}}, "Syncing…"},
		{"failed first", Status{State: StateError, Error: "x"}, "Last sync failed"},
		{"failed later", Status{State: StateError, Last: RunSummary{At: last}, Error: "x"}, "Last sync failed · previous 10:42"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, statusLine(tc.s))
		})
	}
}

func TestTooltip(t *testing.T) {
	now := time.Date(2026, 3, 10, 10, 45, 0, 0, time.Local)
	s := Status{State: StateError, Error: "aw-server is not reachable — is ActivityWatch running?", Next: now.Add(7 * time.Minute)}
	assert.Equal(t, "awcal — Last sync failed\naw-server is not reachable — is ActivityWatch running?\nNext sync in 7 min", tooltip(s, now))
	assert.Equal(t, "awcal — Not synced yet\nAuto sync paused", tooltip(Status{State: StatePaused, Next: now.Add(time.Hour)}, now))
}

func menuLabels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		if it.IsSeparator {
			out = append(out, "---")
			continue
		}
		out = append(out, it.Label)
	}
	return out
}

func waitCall(t *testing.T, rt *fakeRuntime, want string) {
	t.Helper()
	select {
	case got := <-rt.calls:
		assert.Equal(t, want, got)
	case <-time.After(5 * time.Second):
		t.Fatalf("the runtime was never asked to %s", want)
	}
}

func TestTrayMenu(t *testing.T) {
	a := test.NewTempApp(t)
	rt := newFakeRuntime()
	var opened []string
	tr := NewTray(a, rt, TrayActions{
		ShowSettings: func() { opened = append(opened, "settings") },
		ShowBackfill: func() { opened = append(opened, "backfill") },
		OpenCalendar: func() { opened = append(opened, "calendar") },
		CopyFeedURL:  func() { opened = append(opened, "feed") },
		OpenLog:      func() { opened = append(opened, "log") },
	}, time.Now)
	tr.Install(rt)
	m := tr.Menu()
	require.Equal(t, []string{"Not synced yet", "---", "Sync now", "Pause auto sync", "Backfill range…", "---",
		"Settings…", "Open calendar", "Copy subscription URL", "Open log", "---", "Quit"}, menuLabels(m))
	assert.True(t, m.Items[0].Disabled, "the status line is not clickable")
	assert.True(t, m.Items[len(m.Items)-1].IsQuit, "Quit is the driver's quit item, not a second one")

	t.Run("sync now asks the runtime without blocking", func(t *testing.T) {
		m.Items[2].Action()
		waitCall(t, rt, "sync")
	})
	t.Run("pause and resume", func(t *testing.T) {
		m.Items[3].Action()
		waitCall(t, rt, "pause")
		assert.Equal(t, "Resume auto sync", m.Items[3].Label)
		m.Items[3].Action()
		waitCall(t, rt, "resume")
		assert.Equal(t, "Pause auto sync", m.Items[3].Label)
	})
	t.Run("actions", func(t *testing.T) {
		m.Items[4].Action()
		m.Items[6].Action()
		m.Items[7].Action()
		m.Items[8].Action()
		m.Items[9].Action()
		assert.Equal(t, []string{"backfill", "settings", "calendar", "feed", "log"}, opened)
	})
	t.Run("status updates the menu", func(t *testing.T) {
		require.Len(t, rt.subs, 1)
		rt.subs[0](Status{State: StateSyncing})
		assert.Equal(t, "Syncing…", m.Items[0].Label)
		assert.True(t, m.Items[2].Disabled, "no second sync while one runs")
		rt.subs[0](Status{State: StatePaused})
		assert.Equal(t, "Resume auto sync", m.Items[3].Label)
	})
	t.Run("a new failure notifies once", func(t *testing.T) {
		failed := Status{State: StateError, Error: "calendar refused the password — set it again in Settings"}
		test.AssertNotificationSent(t, fyne.NewNotification("awcal: sync failed", failed.Error), func() { tr.Apply(failed) })
		test.AssertNotificationSent(t, nil, func() { tr.Apply(failed) })
	})
}

func TestTrayIcons(t *testing.T) {
	seen := map[fyne.Resource]State{}
	for _, s := range []State{StateIdle, StateSyncing, StateError, StatePaused} {
		r := trayIcon(s)
		prev, dup := seen[r]
		assert.False(t, dup, "%s and %s share an icon", s, prev)
		seen[r] = s
	}
}

func TestTrayNotifiesFailuresNotCancels(t *testing.T) {
	a := test.NewTempApp(t)
	tr := NewTray(a, newFakeRuntime(), TrayActions{}, time.Now)
	last := RunSummary{At: time.Date(2026, 3, 10, 10, 42, 0, 0, time.Local)}
	test.AssertNotificationSent(t, nil, func() {
		// What the runtime reports after a cancelled backfill: the last outcome, no error.
		tr.Apply(Status{State: StateSyncing, Last: last})
		tr.Apply(Status{State: StateIdle, Last: last})
	})
	test.AssertNotificationSent(t, fyne.NewNotification("awcal: sync failed", "aw-server is not reachable"), func() {
		tr.Apply(Status{State: StateError, Last: last, Error: "aw-server is not reachable"})
	})
}
