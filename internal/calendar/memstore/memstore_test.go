package memstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/calendartest"
)

type harness struct{ s *Store }

func (h harness) Store() calendar.Store { return h.s }

func (h harness) AddForeign(t *testing.T, uid, ics string) { h.s.AddForeign(uid, ics) }

func (h harness) Foreign(t *testing.T, uid string) string {
	ics, ok := h.s.Foreign(uid)
	require.True(t, ok, "foreign event %s is gone", uid)
	return ics
}

// Tamper edits the event's summary as another client would: new content, new version.
func (h harness) Tamper(t *testing.T, uid string) {
	require.NoError(t, h.s.Edit(uid, func(text string) string {
		return strings.Replace(text, "\r\nSUMMARY:", "\r\nSUMMARY:edited elsewhere ", 1)
	}))
}

func (h harness) Raw(t *testing.T, uid string) string {
	text, ok := h.s.Raw(uid)
	require.True(t, ok, "no owned event %s", uid)
	return text
}

func (h harness) Edit(t *testing.T, uid string, edit func(string) string) {
	require.NoError(t, h.s.Edit(uid, edit))
}

func (h harness) Remove(t *testing.T, uid string) { require.NoError(t, h.s.Remove(uid)) }

func TestConformance(t *testing.T) {
	calendartest.Run(t, func(t *testing.T) calendartest.Harness { return harness{New()} })
}

func ev(h int) calendar.Event {
	start := time.Date(2025, 3, 10, h, 0, 0, 0, time.UTC)
	return calendar.Event{UID: calendar.NewUID(), ProfileID: "p", Title: "t", Start: start, End: start.Add(time.Hour)}
}

func TestFailOnStopsAtTheFailingStep(t *testing.T) {
	boom := errors.New("network down")
	tests := []struct {
		name       string
		failAt     int // index of the change that fails
		wantStored int
	}{
		{"first change", 0, 0},
		{"second change", 1, 1},
		{"third change", 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New()
			evs := []calendar.Event{ev(9), ev(10), ev(11)}
			var seen []string
			s.FailOn(func(c calendar.Change) error {
				seen = append(seen, c.Event.UID)
				if c.Event.UID == evs[tc.failAt].UID {
					return boom
				}
				return nil
			})
			changes := make([]calendar.Change, len(evs))
			for i, e := range evs {
				changes[i] = calendar.Change{Op: calendar.Create, Event: e}
			}
			err := s.Apply(context.Background(), changes)
			require.ErrorIs(t, err, boom)
			assert.Contains(t, err.Error(), evs[tc.failAt].UID, "the error names the failing event")
			assert.Len(t, s.All(), tc.wantStored, "changes before the failing one stay applied")
			assert.Len(t, seen, tc.failAt+1, "the hook runs once per change up to the failing one")

			s.FailOn(nil)
			require.NoError(t, s.Apply(context.Background(), changes[tc.failAt:]))
			assert.Len(t, s.All(), len(evs), "after the hook is removed the rest applies")
		})
	}
}

func TestAllSortsAndNormalizes(t *testing.T) {
	s := New()
	late, early := ev(11), ev(9)
	early.Start = early.Start.Add(123 * time.Millisecond)
	require.NoError(t, s.Apply(context.Background(), []calendar.Change{
		{Op: calendar.Create, Event: late}, {Op: calendar.Create, Event: early}}))
	all := s.All()
	require.Len(t, all, 2)
	assert.Equal(t, []string{early.UID, late.UID}, []string{all[0].UID, all[1].UID})
	assert.Zero(t, all[0].Start.Nanosecond(), "stored as a real store reads it back")
	assert.NotEqual(t, all[0].Version, all[1].Version, "every write gets its own version")
}

func TestForeignIsVerbatim(t *testing.T) {
	s := New()
	const ics = "BEGIN:VEVENT\r\nUID:x@example.com\r\nX-ODD:  spaces kept  \r\nEND:VEVENT\r\n"
	s.AddForeign("x@example.com", ics)
	got, ok := s.Foreign("x@example.com")
	require.True(t, ok)
	assert.Equal(t, ics, got)
	_, ok = s.Foreign("missing")
	assert.False(t, ok)
	assert.Empty(t, s.All(), "a foreign event is never listed as owned")
}
