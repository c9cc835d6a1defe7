package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"

	"github.com/awcal/awcal/internal/config"
)

func TestCalendarErrorGoesWithTheKind(t *testing.T) {
	s := newTestSettings(t, baseConfig(), new([]*config.Config))
	tested := 0
	s.deps.TestCalendar = func(context.Context, config.Calendar, string) error { tested++; return nil }
	s.deps.Discover = func(context.Context, config.Calendar, string) ([]CalendarChoice, error) {
		return nil, assert.AnError
	}
	s.cal.kind.SetSelected(calendarCalDAV)

	t.Run("no calendar chosen says to press Discover", func(t *testing.T) {
		s.cal.testCalendar()
		assert.Zero(t, tested, "nothing to test without a calendar")
		assert.Contains(t, s.cal.status.Text, "press Discover")
		assert.Equal(t, widget.DangerImportance, s.cal.status.Importance)
	})
	t.Run("a CalDAV error goes when the kind changes", func(t *testing.T) {
		s.cal.discover()
		assert.Contains(t, s.cal.status.Text, assert.AnError.Error())
		s.cal.kind.SetSelected(calendarICS)
		assert.Empty(t, s.cal.status.Text)
		assert.Equal(t, widget.MediumImportance, s.cal.status.Importance)
	})
	t.Run("a late answer about the other kind is dropped", func(t *testing.T) {
		var pending []func()
		s.async = func(f func()) { pending = append(pending, f) }
		s.cal.kind.SetSelected(calendarCalDAV)
		s.cal.discover()
		s.cal.kind.SetSelected(calendarICS)
		pending[0]()
		assert.Empty(t, s.cal.status.Text)
	})
}
