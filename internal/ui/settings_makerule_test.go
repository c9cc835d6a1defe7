package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// realDerive derives with the real engine (the fake one reads only the first rule).
func realDerive(cfg config.Config, in engine.Input) (engine.Result, error) {
	e, err := engine.New(cfg.Profiles, engine.Options{})
	if err != nil {
		return engine.Result{}, err
	}
	return e.Derive(in), nil
}

func TestMakeRule(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.deps.Derive = realDerive
	s.preview.deps.Derive = realDerive
	s.preview.SetDay(day)
	apps := s.preview.timeline.lanes[2]
	require.Equal(t, "Apps", apps.Name)
	firefox := apps.Segments[1]
	require.Equal(t, "Firefox", firefox.Event.Data["app"])

	m := s.newMakeRule(firefox)
	require.NotNil(t, m)
	var impacts []string
	m.onImpact = func(s string) { impacts = append(impacts, s) }
	assert.Equal(t, []string{"App is Firefox", `Title contains "docs"`}, m.match.Options, "prefilled from the activity")
	assert.Equal(t, "^Firefox$", m.pattern.Text)
	assert.Equal(t, "Coding", m.profile.Selected)

	m.update()
	assert.Equal(t, "This day: Coding +20m · Research −20m\nLast 7 days: Coding +20m · Research −20m", m.impact.Text,
		"before saving, the minutes each profile gains and loses")
	assert.Equal(t, []string{"Working out the change…", m.impact.Text}, impacts)

	t.Run("another profile", func(t *testing.T) {
		m.profile.SetSelected("Research")
		assert.Equal(t, "This day: no change\nLast 7 days: no change", m.impact.Text)
		m.profile.SetSelected("Coding")
	})
	t.Run("a title keyword", func(t *testing.T) {
		m.match.SetSelected(`Title contains "docs"`)
		assert.Equal(t, "docs", m.pattern.Text)
		assert.Contains(t, m.impact.Text, "This day: Coding +20m")
	})
	t.Run("a pattern that matches nothing", func(t *testing.T) {
		test.Type(m.pattern, "zzz")
		assert.Equal(t, "zzzdocs", m.pattern.Text, "typed at the cursor")
		assert.Equal(t, "This day: no change\nLast 7 days: no change", m.impact.Text)
		m.pattern.SetText("docs")
	})
	t.Run("adding puts the rule in the profile", func(t *testing.T) {
		m.add()
		coding := s.cfg.Profiles[0]
		require.Len(t, coding.Primary, 2)
		assert.Equal(t, profile.Rule{Bucket: "window", Field: "title", Pattern: "docs"}, coding.Primary[1])
		s.Save()
		require.Len(t, saved, 1, s.summary.Text)
		assert.Equal(t, coding.Primary, saved[0].Profiles[0].Primary)
	})
}

func TestSuggestRules(t *testing.T) {
	assert.Equal(t, "programming", titleKeyword("Go-programming - Docs"), "the longest word")
	assert.Equal(t, "", titleKeyword("a b c"))
	assert.Nil(t, suggestRules(Segment{}), "a block or nothing suggests no rule")
}

func TestRuleStatisticsOnTheProfilesTab(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.profiles.list.Select(0)
	assert.Equal(t, "Open the Preview tab to see what each rule matches on a day.", s.profiles.dayStats.Text)
	s.preview.SetDay(day)
	assert.Equal(t, "Tue 10 Mar: 50m in blocks.\nprimary rule 1 (window app \"code\"): 1 event, 50 min", s.profiles.dayStats.Text)

	s.profiles.list.Select(1)
	assert.Equal(t, "Tue 10 Mar: 20m in blocks.\nprimary rule 1 (window app \"firefox\"): 1 event, 20 min", s.profiles.dayStats.Text)

	t.Run("an edit updates them", func(t *testing.T) {
		row := s.profiles.primary.rows[0]
		row.pattern.SetText("nothing-matches")
		assert.Equal(t, "Tue 10 Mar: 0m in blocks.\nNo rule matches any event that day.", s.profiles.dayStats.Text)
	})
}

func TestProfilesTabShowsTheDayBesideTheRules(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.preview.SetDay(day)
	s.ShowTab("Profiles")
	require.Len(t, s.preview.mini.lanes, 2)
	assert.Equal(t, "Blocks", s.preview.mini.lanes[0].Name)
	assert.Len(t, s.preview.mini.lanes[0].Segments, 2, "coding and research")

	s.profiles.list.Select(1) // Research
	s.profiles.primary.rows[0].pattern.SetText("nothing-matches")
	assert.Len(t, s.preview.mini.lanes[0].Segments, 1, "an edit shows on the day below the editor at once")
}

// TestMakeRuleThroughTheWindow clicks a raw activity on the timeline, then "Make a rule…",
// reads the live change in the dialog and adds the rule with its button.
func TestMakeRuleThroughTheWindow(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.deps.Derive = realDerive
	s.preview.deps.Derive = realDerive
	s.ShowDay(day)
	tl := s.preview.timeline
	tl.Resize(fyne.NewSize(tlLabelWidth+960, tl.MinSize().Height)) // 40 units an hour
	appsY := float32(tlAxis + tlBlockLane + tlGap + tlLane + tlGap + tlLane/2)
	test.TapAt(tl, fyne.NewPos(tlLabelWidth+40*10, appsY)) // Firefox, 09:50–10:10
	require.True(t, s.preview.details.makeRule.Visible())
	test.Tap(s.preview.details.makeRule)

	text := dialogText(s.win)
	assert.Contains(t, text, "This day: Coding +20m · Research −20m", "the dialog shows the change before anything is added")
	tapDialogButton(t, s.win, "Add rule")
	coding := s.cfg.Profiles[0]
	require.Len(t, coding.Primary, 2)
	assert.Equal(t, profile.Rule{Bucket: "window", Field: "app", Pattern: "^Firefox$", Regex: true}, coding.Primary[1])
}
