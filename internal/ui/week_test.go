package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/report"
)

func TestWeekView(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.week.async = inline
	s.week.SetWeek(day)
	require.Equal(t, time.Monday, s.week.Start().Weekday())
	assert.Equal(t, "Week of Mon 9 Mar – Sun 15 Mar 2026", s.week.title.Text)
	require.Len(t, s.week.bars.days, 7)
	tue := s.week.bars.days[1]
	assert.Equal(t, day, tue.Day)
	assert.Equal(t, []string{"Coding", "Research"}, []string{tue.Row.Totals[0].Name, tue.Row.Totals[1].Name})
	assert.Positive(t, tue.Row.Total)
	assert.Zero(t, s.week.bars.days[0].Row.Total, "no activity on Monday")
	assert.Equal(t, weekTotals(s.week.bars.days), s.week.totals.Text)
	assert.Contains(t, s.week.totals.Text, "Week: "+report.Duration(tue.Row.Total)+" — Coding ")

	t.Run("a click on a day opens it in the Preview tab", func(t *testing.T) {
		s.Window().Resize(fyne.NewSize(1040, 720))
		s.week.bars.Resize(fyne.NewSize(700, 300))
		test.TapAt(s.week.bars, fyne.NewPos(700/7*1.5, 150)) // Tuesday's column
		assert.Equal(t, "Preview", s.tabs.Selected().Text)
		assert.Equal(t, day, s.preview.Day())
	})
	t.Run("the next week is empty", func(t *testing.T) {
		s.week.SetWeek(day.AddDate(0, 0, 7))
		assert.Equal(t, "No blocks this week.", s.week.totals.Text)
	})
	t.Run("the tab loads the week", func(t *testing.T) {
		s.week.start = weekStart(day.AddDate(0, 0, 14))
		s.ShowTab("Week")
		assert.Equal(t, "Week", s.tabs.Selected().Text)
		require.Len(t, s.week.bars.days, 7)
		assert.Equal(t, weekStart(day.AddDate(0, 0, 14)), s.week.bars.days[0].Day)
	})
}

func TestWeekLegend(t *testing.T) {
	var saved []*config.Config
	s := newTestSettings(t, baseConfig(), &saved)
	s.week.async = inline
	s.week.SetWeek(day)
	var names []string
	for _, o := range s.week.legend.Objects {
		if l, ok := o.(*widget.Label); ok {
			names = append(names, l.Text)
		}
	}
	assert.Equal(t, []string{"Coding", "Research"}, names, "each bar colour is named")
}
