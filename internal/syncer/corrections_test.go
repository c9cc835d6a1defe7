package syncer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/corrections"
	"github.com/awcal/awcal/internal/syncer"
)

func TestCorruptCorrectionsFileStopsTheRun(t *testing.T) {
	w := newWorld(t, coding)
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	path := corrections.PathBeside(w.statePath)
	require.NoError(t, os.WriteFile(path, []byte("{broken"), 0o600))
	_, err := w.sync(hm(12, 0))
	var ce *syncer.ConfigError
	require.ErrorAs(t, err, &ce, "a corrupt file is the person's to fix: no retry helps")
	assert.Contains(t, err.Error(), path)
	assert.Empty(t, w.owned(), "nothing is written without the corrections")
	data, _ := os.ReadFile(path)
	assert.Equal(t, "{broken", string(data), "and the file is never reset")
}

func TestDeletedBlockIsRememberedAcrossRuns(t *testing.T) {
	w := newWorld(t, coding, meetings)
	w.window(hm(9, 0), hm(10, 0), "Code", "main.go")
	w.window(hm(10, 0), hm(10, 30), "zoom", "Standup")
	w.mustSync(hm(11, 0))
	require.Len(t, w.owned(), 2)
	require.NoError(t, w.mem.Remove(w.owned()[0].UID))

	dry, err := w.run(hm(11, 10), syncer.Request{Trigger: syncer.Manual, From: hm(8, 0), To: hm(11, 0), DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, 1, dry.Buried)
	assert.Zero(t, dry.Created, "a dry run plans around the deletion too")
	_, err = os.Stat(corrections.PathBeside(w.statePath))
	require.NoError(t, err, "the first run wrote the file")

	rep, err := w.backfill(hm(11, 20), hm(8, 0), hm(11, 0))
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Buried)
	assert.Zero(t, rep.Created)
	rep, err = w.backfill(hm(11, 30), hm(8, 0), hm(11, 0))
	require.NoError(t, err)
	assert.Zero(t, rep.Buried+rep.Created, "the tombstone is kept between runs")
	assert.Equal(t, []brief{{"meetings", "Standup", hm(10, 0), hm(10, 30)}}, briefs(w.owned()))

	rep, err = w.run(hm(11, 40), syncer.Request{Trigger: syncer.Manual, From: hm(8, 0), To: hm(11, 0), ForgetCorrections: true})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Forgotten)
	assert.Equal(t, []brief{{"coding", "Code - main.go", hm(9, 0), hm(10, 0)}, {"meetings", "Standup", hm(10, 0), hm(10, 30)}},
		briefs(w.owned()))
}

func TestForgetCorrectionsNeedsARange(t *testing.T) {
	w := newWorld(t, coding)
	_, err := w.run(hm(11, 0), syncer.Request{Trigger: syncer.Manual, ForgetCorrections: true})
	var ce *syncer.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "--from and --to")
}

func TestPurgeKeepsEditedEvents(t *testing.T) {
	w := newWorld(t, coding, meetings)
	w.window(hm(9, 0), hm(10, 0), "zoom", "Standup")
	w.window(hm(10, 30), hm(11, 0), "zoom", "Planning")
	w.mustSync(hm(12, 0))
	evs := w.owned()
	require.Len(t, evs, 2)
	require.NoError(t, w.mem.Edit(evs[0].UID, func(s string) string {
		return strings.Replace(s, "SUMMARY:Standup", "SUMMARY:Standup (notes inside)", 1)
	}))
	edited, _ := w.mem.Raw(evs[0].UID)
	ledger := corrections.PathBeside(w.statePath)

	gone, kept, err := syncer.PurgeProfile(context.Background(), w.store, "meetings", hm(0, 0), hm(23, 0),
		syncer.PurgeOptions{CorrectionsPath: ledger})
	require.NoError(t, err)
	assert.Equal(t, 1, kept)
	assert.Equal(t, []brief{{"meetings", "Planning", hm(10, 30), hm(11, 0)}}, briefs(gone))
	raw, ok := w.mem.Raw(evs[0].UID)
	require.True(t, ok)
	assert.Equal(t, edited, raw, "the edited event is untouched")

	rep, err := w.backfill(hm(12, 10), hm(8, 0), hm(12, 0))
	require.NoError(t, err)
	assert.Zero(t, rep.Buried, "the purged event is not taken for one the person deleted")
	assert.Equal(t, 1, rep.Created, "so the next run books it again (the profile is enabled)")

	gone, kept, err = syncer.PurgeProfile(context.Background(), w.store, "meetings", hm(0, 0), hm(23, 0),
		syncer.PurgeOptions{CorrectionsPath: ledger, IncludeEdited: true})
	require.NoError(t, err)
	assert.Zero(t, kept)
	assert.Len(t, gone, 2)
	assert.Equal(t, []calendar.Event(nil), w.owned())
}

func TestLedgerFileIsBesideTheState(t *testing.T) {
	assert.Equal(t, filepath.Join("cfg", "awcal", "corrections.json"), corrections.PathBeside(filepath.Join("cfg", "awcal", "state.json")))
}
