package awimport

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/profile"
)

// categories is aw-webui's "classes" setting as activitywatch decodes it.
var categories = []activitywatch.Category{
	{Name: []string{"Work"}, Rule: activitywatch.CategoryRule{Type: "none"}, Color: "#0000FF"},
	{Name: []string{"Work", "Programming"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "Code|vim", IgnoreCase: true}},
	{Name: []string{"Media", "Video"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "YouTube"}, Color: "#FF0000"},
	{Name: []string{"Lookahead"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "foo(?=bar)"}},
	{Name: []string{"Uncategorized"}, Rule: activitywatch.CategoryRule{Type: "none"}},
	{Name: []string{"Empty"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "  "}},
	{Name: []string{"work programming"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "emacs"}},
}

func ids(ps []profile.Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestProfiles(t *testing.T) {
	added, skipped := Profiles(categories, profile.Starters())
	require.Equal(t, []string{"aw-work-programming", "aw-media-video"}, ids(added))
	assert.Len(t, skipped, 2)
	assert.Contains(t, skipped[0], `"Lookahead"`, "a JavaScript-only regex is reported, not imported")
	assert.Equal(t, `"work programming": another category has the same id aw-work-programming`, skipped[1])

	t.Run("rules match the regex on window app and title, supported by the tab title", func(t *testing.T) {
		p := added[0]
		assert.Equal(t, "Work > Programming", p.Name)
		assert.Equal(t, "Work", p.Category)
		assert.True(t, p.Enabled)
		assert.Equal(t, []profile.Rule{
			{Bucket: "window", Field: "app", Pattern: "Code|vim", Regex: true},
			{Bucket: "window", Field: "title", Pattern: "Code|vim", Regex: true},
		}, p.Primary)
		assert.Equal(t, []profile.Rule{{Bucket: "web", Field: "title", Pattern: "Code|vim", Regex: true}}, p.Supporting)
	})
	t.Run("colours: own, else the nearest ancestor's", func(t *testing.T) {
		assert.Equal(t, "#0000FF", added[0].Color)
		assert.Equal(t, "#FF0000", added[1].Color)
	})
	t.Run("sub-categories sharing a parent's colour get shades of their own", func(t *testing.T) {
		cats := []activitywatch.Category{
			{Name: []string{"Work"}, Rule: activitywatch.CategoryRule{Type: "none"}, Color: "#0000FF"},
			{Name: []string{"Work", "Programming"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "Code"}},
			{Name: []string{"Work", "Docs"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "Docs"}},
			{Name: []string{"Work", "Mail"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "Mail"}},
		}
		got, _ := Profiles(cats, nil)
		require.Len(t, got, 3)
		assert.Equal(t, "#0000FF", got[0].Color, "the first keeps the parent's colour")
		seen := map[string]bool{}
		for _, p := range got {
			assert.False(t, seen[strings.ToLower(p.Color)], "%s repeats a colour", p.Name)
			seen[strings.ToLower(p.Color)] = true
			assert.Equal(t, p.Color, profile.Distinct(p.Color, colorsExcept(got, p.ID)), "%s is apart from the others", p.Name)
		}
	})
	t.Run("a case-sensitive regex stays case-sensitive", func(t *testing.T) {
		assert.Equal(t, "(?-i)YouTube", added[1].Primary[0].Pattern)
		m, err := added[1].Primary[0].Compile()
		require.NoError(t, err)
		assert.True(t, m.Match("currentwindow", map[string]any{"app": "YouTube"}))
		assert.False(t, m.Match("currentwindow", map[string]any{"app": "youtube"}))
	})
	t.Run("importing again adds nothing and reports nothing new", func(t *testing.T) {
		again, skipped := Profiles(categories, append(profile.Starters(), added...))
		assert.Empty(t, again)
		require.Len(t, skipped, 1)
		assert.Contains(t, skipped[0], `"Lookahead"`)
	})
	t.Run("the result validates with the existing profiles", func(t *testing.T) {
		assert.NoError(t, profile.Validate(append(profile.Starters(), added...)))
	})
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Work Programming": "work-programming",
		"Média / Vidéo":    "média-vidéo",
		"  C++ ":           "c",
		"***":              "category",
	} {
		t.Run(in, func(t *testing.T) {
			assert.Equal(t, want, slug(in))
		})
	}
}

func colorsExcept(ps []profile.Profile, id string) []string {
	var out []string
	for _, p := range ps {
		if p.ID != id {
			out = append(out, p.Color)
		}
	}
	return out
}
