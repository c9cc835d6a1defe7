package ui

import (
	"encoding/json"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestRuleRowValidation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		regex   bool
		bucket  string
		typed   string
		problem string // substring of the row's message; "" = valid
	}{
		{"substring", false, "window", "code", ""},
		{"valid regex", true, "window", "^(code|vim)$", ""},
		{"unclosed group", true, "window", "(code", "pattern"},
		{"lookahead is not RE2", true, "window", "foo(?=bar)", "pattern"},
		{"parenthesis is fine as a substring", false, "window", "(code", ""},
		{"empty pattern", false, "window", "", "pattern"},
		{"unknown bucket word", false, "browser", "x", "bucket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test.NewTempApp(t)
			changes := 0
			l := newRuleList("Primary", []profile.Rule{{Bucket: "window", Field: "app", Pattern: "x"}}, newChoices(), func() { changes++ })
			w := test.NewTempWindow(t, l.root)
			_ = w
			row := l.rows[0]
			row.bucket.SetText(tc.bucket)
			if tc.regex {
				tapCheck(row.regex)
			}
			row.pattern.SetText("")
			test.Type(row.pattern, tc.typed)
			assert.Equal(t, tc.typed, l.rules[0].Pattern, "the model follows the typing")
			assert.Equal(t, tc.regex, l.rules[0].Regex)
			assert.Positive(t, changes)
			if tc.problem == "" {
				assert.False(t, row.problem.Visible(), "no message: %q", row.problem.Text)
				assert.NoError(t, row.pattern.Validate())
				return
			}
			assert.True(t, row.problem.Visible(), "the row shows the problem")
			assert.Contains(t, row.problem.Text, tc.problem)
			assert.Error(t, row.pattern.Validate())
		})
	}
}

func TestRuleListEditing(t *testing.T) {
	test.NewTempApp(t)
	rules := []profile.Rule{
		{Bucket: "window", Field: "app", Pattern: "a"},
		{Bucket: "web", Field: "url", Pattern: "b"},
		{Bucket: "afk", Field: "status", Pattern: "afk"},
	}
	l := newRuleList("Primary", rules, newChoices(), func() {})
	test.NewTempWindow(t, l.root)

	t.Run("move down", func(t *testing.T) {
		test.Tap(l.rows[0].down)
		assert.Equal(t, []string{"b", "a", "afk"}, patterns(l.rules))
		assert.True(t, l.rows[0].up.Disabled(), "the first row cannot move up")
		assert.True(t, l.rows[2].down.Disabled(), "the last row cannot move down")
	})
	t.Run("negate", func(t *testing.T) {
		tapCheck(l.rows[1].negate)
		assert.True(t, l.rules[1].Negate)
	})
	t.Run("delete", func(t *testing.T) {
		test.Tap(l.rows[2].del)
		assert.Equal(t, []string{"b", "a"}, patterns(l.rules))
		assert.Len(t, l.rows, 2)
	})
	t.Run("add", func(t *testing.T) {
		test.Tap(l.add)
		require.Len(t, l.rules, 3)
		assert.Equal(t, profile.Rule{Bucket: "window", Field: "app"}, l.rules[2], "a new rule starts on window apps")
		assert.False(t, l.rows[2].problem.Visible(), "and shows no error before any typing")
		assert.Equal(t, 2, l.freshRule())
	})
}

func patterns(rs []profile.Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Pattern
	}
	return out
}

func TestChoicesFollowData(t *testing.T) {
	c := newChoices()
	c.addBuckets(sampleDay())
	c.addBuckets([]activity.BucketEvents{{Bucket: activity.Bucket{ID: "x", Type: "os.lockscreen.unlocks"},
		Events: []activity.Event{{Data: map[string]any{"unlocked": true}}}}})
	assert.Contains(t, c.bucketOptions(), "os.lockscreen.unlocks")
	assert.Equal(t, []string{"app", "title"}, c.fieldOptions("window"))
	assert.Equal(t, []string{"unlocked"}, c.fieldOptions("lockscreen"))
	assert.Contains(t, c.fieldOptions("any"), "status")
	assert.Contains(t, c.dataKeys(), "url")
}
