package syncer

import (
	"fmt"
	"strings"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// roundSecond rounds t to the nearest whole second in UTC. Start and end of every block go
// through it, and rounding is monotonic, so blocks that touch or do not overlap still do not
// overlap after rounding; and one derivation always gives the same event times, which is what
// makes a second run write nothing (SYNC.md §5 idempotence).
func roundSecond(t time.Time) time.Time {
	return t.UTC().Round(time.Second)
}

// toEvent renders a block as the event awcal wants in the calendar, without identity (UID and
// Version are the planner's business). It returns false when the block is empty at second
// precision.
func toEvent(b engine.Block, p profile.Profile) (calendar.Event, bool) {
	start, end := roundSecond(b.Start), roundSecond(b.End)
	if !end.After(start) {
		return calendar.Event{}, false
	}
	return calendar.Normalize(calendar.Event{
		ProfileID:   b.ProfileID,
		Title:       b.Title,
		Start:       start,
		End:         end,
		Category:    p.Category,
		Color:       p.Color,
		Description: describe(b.Evidence),
	}), true
}

// describe is the event's description: the block's top evidence, one line each, so that a
// person reading the calendar sees why the block exists (ENGINE.md §6). It depends only on the
// evidence, so that re-deriving the same block gives the same text.
func describe(evs []engine.Evidence) string {
	var sb strings.Builder
	for _, e := range evs {
		label := strings.TrimSpace(e.Label)
		if label == "" {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		fmt.Fprintf(&sb, "%s: %s", label, humanDuration(e.Duration))
	}
	return sb.String()
}

// humanDuration writes d as "42 min", "1 h 05 min" or "40 s".
func humanDuration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	}
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}

// sameContent reports whether two events would read back identically (identity aside).
func sameContent(a, b calendar.Event) bool {
	return a.ProfileID == b.ProfileID && a.Title == b.Title && a.Start.Equal(b.Start) &&
		a.End.Equal(b.End) && a.Category == b.Category && a.Color == b.Color &&
		a.Description == b.Description && a.Status == b.Status && a.Locked == b.Locked
}

// normTitle is the title comparison of SYNC.md §2: whitespace collapsed, trimmed, lower-cased.
func normTitle(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
