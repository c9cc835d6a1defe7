package ui

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/awimport"
	"github.com/awcal/awcal/internal/profile"
)

func newTestEditor(t *testing.T, ps []profile.Profile) (*profileEditor, *int) {
	t.Helper()
	test.NewTempApp(t)
	changes := 0
	w := test.NewTempWindow(t, nil)
	e := newProfileEditor(ps, newChoices(), testDeps(nil), w, inline, func() string { return "" }, func() { changes++ })
	w.SetContent(e.root)
	return e, &changes
}

func names(ps []profile.Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func TestProfileEditorReorder(t *testing.T) {
	e, changes := newTestEditor(t, append(testProfiles(), profile.Profile{ID: "p-mail", Name: "Mail", Enabled: true, Threshold: 5}))
	require.Equal(t, 0, e.selected)
	assert.True(t, e.up.Disabled(), "the first profile cannot move up")

	test.Tap(e.down)
	assert.Equal(t, []string{"Research", "Coding", "Mail"}, names(e.profiles))
	assert.Equal(t, 1, e.selected, "the moved profile stays selected")
	test.Tap(e.down)
	assert.Equal(t, []string{"Research", "Mail", "Coding"}, names(e.profiles))
	assert.True(t, e.down.Disabled(), "the last profile cannot move down")
	test.Tap(e.up)
	assert.Equal(t, []string{"Research", "Coding", "Mail"}, names(e.profiles))
	assert.Equal(t, 3, *changes)
}

func TestProfileEditorDuplicate(t *testing.T) {
	e, _ := newTestEditor(t, testProfiles())
	test.Tap(e.dup)
	require.Equal(t, []string{"Coding", "Coding (copy)", "Research"}, names(e.profiles))
	orig, cp := e.profiles[0], e.profiles[1]
	assert.NotEqual(t, orig.ID, cp.ID, "a copy gets its own id")
	assert.Equal(t, orig.Primary, cp.Primary)
	assert.Equal(t, 1, e.selected, "the copy is selected")

	// Editing the copy's rule must not change the original.
	e.primary.rows[0].pattern.SetText("vim")
	assert.Equal(t, "vim", e.profiles[1].Primary[0].Pattern)
	assert.Equal(t, "code", e.profiles[0].Primary[0].Pattern)
}

func TestProfileEditorDeleteAsksFirst(t *testing.T) {
	e, _ := newTestEditor(t, testProfiles())
	test.Tap(e.del)
	assert.Len(t, e.profiles, 2, "nothing is deleted before the confirmation")
	e.deleteSelected()
	assert.Equal(t, []string{"Research"}, names(e.profiles))
	assert.Equal(t, 0, e.selected)
	e.deleteSelected()
	assert.Empty(t, e.profiles)
	assert.True(t, e.del.Disabled())
}

func TestProfileEditorFields(t *testing.T) {
	e, _ := newTestEditor(t, testProfiles())
	e.name.SetText("Deep work")
	e.threshold.SetText("12.5")
	e.detail.SetSelected("Profile name only")
	tapCheck(e.enabled)
	test.Tap(e.hardBreak.add)
	p := e.profiles[0]
	assert.Equal(t, "Deep work", p.Name)
	assert.Equal(t, 12.5, p.Threshold)
	assert.Equal(t, profile.TitleName, p.TitleDetail)
	assert.False(t, p.Enabled)
	assert.Len(t, p.HardBreak, 1)

	e.threshold.SetText("soon")
	assert.Error(t, e.threshold.Validate())
	assert.Equal(t, 12.5, e.profiles[0].Threshold, "an unreadable number leaves the model as it was")
}

func TestProfileEditorAddAndStarters(t *testing.T) {
	e, _ := newTestEditor(t, nil)
	test.Tap(e.dup) // disabled: nothing selected
	assert.Empty(t, e.profiles)
	e.add()
	require.Len(t, e.profiles, 1)
	assert.Equal(t, profile.DefaultName, e.profiles[0].Name)
	starters := profile.Starters()
	require.NotEmpty(t, starters)
	e.appendProfiles(starters)
	e.appendProfiles(starters[:1])
	assert.Len(t, e.profiles, 2+len(starters))
	ids := map[string]bool{}
	for _, p := range e.profiles {
		assert.False(t, ids[p.ID], "ids stay unique when a starter is added twice")
		ids[p.ID] = true
	}
}

func TestProfileEditorImportCategories(t *testing.T) {
	cats := []activitywatch.Category{
		{Name: []string{"Work"}, Rule: activitywatch.CategoryRule{Type: "none"}, Color: "#0000FF"},
		{Name: []string{"Work", "Programming"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "Code|vim", IgnoreCase: true}},
		{Name: []string{"Lookahead"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "foo(?=bar)"}},
	}
	e, changes := newTestEditor(t, testProfiles())
	e.deps.Activity = func(string) ActivitySource { return fakeSource{settings: activitywatch.Settings{Categories: cats}} }

	test.Tap(e.importAW)
	require.Equal(t, []string{"Coding", "Research", "Work > Programming"}, names(e.profiles), "imported after the existing profiles")
	imported := e.profiles[2]
	assert.Equal(t, "aw-work-programming", imported.ID, "the id awcal profiles import-aw gives it, so the two never duplicate")
	want, _ := awimport.Profiles(cats, testProfiles())
	assert.Equal(t, want, []profile.Profile{imported}, "the same conversion as the command line")
	assert.Equal(t, 2, e.selected, "the first imported profile is shown")
	assert.Equal(t, 1, *changes)
	assert.Contains(t, e.status.Text, "Imported 1 category as profiles")
	assert.Contains(t, e.status.Text, "Skipped 1:\n• \"Lookahead\"")

	t.Run("again adds nothing", func(t *testing.T) {
		test.Tap(e.importAW)
		assert.Len(t, e.profiles, 3)
		assert.Contains(t, e.status.Text, "No new categories to import.")
	})
	t.Run("aw-server without categories", func(t *testing.T) {
		e.deps.Activity = func(string) ActivitySource { return fakeSource{} }
		test.Tap(e.importAW)
		assert.Equal(t, "aw-server has no categories to import.", e.status.Text)
	})
	t.Run("aw-server unreachable", func(t *testing.T) {
		e.deps.Activity = func(string) ActivitySource {
			return fakeSource{err: errors.New("aw-server is not reachable — is ActivityWatch running?")}
		}
		test.Tap(e.importAW)
		assert.Equal(t, "Import failed: aw-server is not reachable — is ActivityWatch running?", e.status.Text)
		assert.False(t, e.importAW.Disabled(), "it can be tried again")
		assert.Len(t, e.profiles, 3)
	})
}

func TestSkippedText(t *testing.T) {
	for _, tc := range []struct {
		name    string
		skipped []string
		want    string
	}{
		{"none", nil, ""},
		{"one", []string{"a: why"}, "\nSkipped 1:\n• a: why"},
		{"more than three", []string{"a", "b", "c", "d", "e"}, "\nSkipped 5:\n• a\n• b\n• c\n… and 2 more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, skippedText(tc.skipped))
		})
	}
}
