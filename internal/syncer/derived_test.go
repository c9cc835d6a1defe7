package syncer_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/syncer"
)

// A backfill confirmed after its preview writes what the preview derived: the activity of the
// range is not read again. A meeting added to aw-server after the preview proves it.
func TestBackfillAfterPreviewDoesNotReadTheRangeAgain(t *testing.T) {
	from, to := hm(8, 0), hm(12, 0)
	setup := func(t *testing.T) *world {
		w := newWorld(t, coding, meetings)
		w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
		return w
	}
	preview := func(t *testing.T, w *world, at time.Time, d *syncer.Derived) {
		t.Helper()
		dry, err := w.run(at, syncer.Request{Trigger: syncer.Manual, From: from, To: to, DryRun: true, Derived: d})
		require.NoError(t, err)
		require.Equal(t, 1, dry.Created)
		w.window(hm(10, 30), hm(11, 0), "zoom", "Standup") // after the preview
	}
	confirm := func(t *testing.T, w *world, at time.Time, d *syncer.Derived) (*syncer.Report, int) {
		t.Helper()
		before := w.aw.Requests()
		rep, err := w.run(at, syncer.Request{Trigger: syncer.Manual, From: from, To: to, Derived: d})
		require.NoError(t, err)
		return rep, w.aw.Requests() - before
	}
	code := brief{"coding", "Code - main.go", hm(9, 0), hm(10, 0)}
	standup := brief{"meetings", "Standup", hm(10, 30), hm(11, 0)}

	var fresh int
	t.Run("without a preview it reads the range", func(t *testing.T) {
		w := setup(t)
		w.window(hm(10, 30), hm(11, 0), "zoom", "Standup")
		var n int
		_, n = confirm(t, w, hm(12, 5), nil)
		fresh = n
		assert.Equal(t, []brief{code, standup}, briefs(w.owned()))
	})
	t.Run("confirmed soon after the preview it writes the preview's blocks", func(t *testing.T) {
		w := setup(t)
		var d syncer.Derived
		preview(t, w, hm(12, 5), &d)
		rep, n := confirm(t, w, hm(12, 10), &d)
		assert.Equal(t, 1, rep.Created)
		assert.Equal(t, []brief{code}, briefs(w.owned()), "the preview's blocks, not a second read")
		assert.Less(t, n, fresh, "fewer aw-server requests than a backfill that reads the range")
	})
	t.Run("an old preview is read again", func(t *testing.T) {
		w := setup(t)
		var d syncer.Derived
		preview(t, w, hm(12, 5), &d)
		confirm(t, w, hm(12, 21), &d)
		assert.Equal(t, []brief{code, standup}, briefs(w.owned()))
	})
	t.Run("a preview made with other settings is read again", func(t *testing.T) {
		w := setup(t)
		var d syncer.Derived
		preview(t, w, hm(12, 5), &d)
		w.cfg.AFKMasking = !w.cfg.AFKMasking
		confirm(t, w, hm(12, 10), &d)
		assert.Equal(t, []brief{code, standup}, briefs(w.owned()))
	})
	t.Run("a preview of another range is read again", func(t *testing.T) {
		w := setup(t)
		var d syncer.Derived
		dry, err := w.run(hm(12, 5), syncer.Request{Trigger: syncer.Manual, From: hm(9, 0), To: to, DryRun: true, Derived: &d})
		require.NoError(t, err)
		require.Equal(t, 1, dry.Created)
		w.window(hm(10, 30), hm(11, 0), "zoom", "Standup")
		confirm(t, w, hm(12, 10), &d)
		assert.Equal(t, []brief{code, standup}, briefs(w.owned()))
	})
}
