package syncer

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// day0 is the morning of the hand-built scenarios; at(h, m) is a time on it.
var day0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func at(h, m int) time.Time {
	return day0.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

var (
	pCode  = profile.Profile{ID: "code", Name: "Coding", Category: "Work", Color: "#112233", Threshold: 5, SoftBreak: 3, Enabled: true}
	pMeet  = profile.Profile{ID: "meet", Name: "Meetings", Category: "Work", Color: "#445566", Threshold: 5, SoftBreak: 3, Enabled: true}
	pStudy = profile.Profile{ID: "study", Name: "Study", Category: "Study", Color: "#778899", Threshold: 5, SoftBreak: 3, Enabled: true}
)

func profileMap(ps ...profile.Profile) map[string]profile.Profile {
	m := map[string]profile.Profile{}
	for _, p := range ps {
		m[p.ID] = p
	}
	return m
}

func block(p string, title string, from, to time.Time) engine.Block {
	return engine.Block{ProfileID: p, Title: title, Start: from, End: to,
		Evidence: []engine.Evidence{{Label: title, Duration: to.Sub(from)}}}
}

// seqUID hands out predictable UIDs in awcal's namespace.
func seqUID() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("%032x@awcal", n)
	}
}

// owned renders a block as the event a previous run would have written.
func owned(t *testing.T, uid string, b engine.Block) calendar.Event {
	t.Helper()
	p := profileMap(pCode, pMeet, pStudy)[b.ProfileID]
	ev, ok := toEvent(b, p)
	require.True(t, ok)
	ev.UID, ev.Version = uid, "v1"
	return ev
}

// applyTo applies a plan to an event list as a store would.
func applyTo(t *testing.T, evs []calendar.Event, changes []calendar.Change) []calendar.Event {
	t.Helper()
	require.NoError(t, calendar.ValidateChanges(changes))
	out := slices.Clone(evs)
	for _, c := range changes {
		i := slices.IndexFunc(out, func(e calendar.Event) bool { return e.UID == c.Event.UID })
		switch c.Op {
		case calendar.Create:
			require.Equal(t, -1, i, "create of an existing UID")
			ev := c.Event
			ev.Version = "v1"
			out = append(out, ev)
		case calendar.Update:
			require.GreaterOrEqual(t, i, 0, "update of a missing UID")
			ev := c.Event
			ev.Version = out[i].Version + "+"
			out[i] = ev
		case calendar.Delete:
			require.GreaterOrEqual(t, i, 0, "delete of a missing UID")
			out = slices.Delete(out, i, i+1)
		}
	}
	slices.SortFunc(out, func(a, b calendar.Event) int { return a.Start.Compare(b.Start) })
	return out
}

func exactScope(from, to time.Time) scope {
	return scope{From: from, To: to, TrustFrom: from, DerivedTo: to}
}

func requireNoOverlap(t *testing.T, evs []calendar.Event) {
	t.Helper()
	for i := range evs {
		for j := i + 1; j < len(evs); j++ {
			require.Zero(t, overlap(spanOf(evs[i]), spanOf(evs[j])),
				"owned events overlap: %s %v–%v and %s %v–%v", evs[i].Title, evs[i].Start, evs[i].End,
				evs[j].Title, evs[j].Start, evs[j].End)
		}
	}
}

func ops(p plan) []string {
	var s []string
	for _, c := range p.Changes {
		s = append(s, fmt.Sprintf("%s %s %s–%s", c.Op, c.Event.Title, c.Event.Start.Format("15:04:05"), c.Event.End.Format("15:04:05")))
	}
	return s
}

func TestPlan(t *testing.T) {
	profiles := profileMap(pCode, pMeet, pStudy)
	tests := []struct {
		name   string
		scope  scope
		blocks []engine.Block
		owned  []engine.Block // written by a previous run, UIDs u1, u2, … in order
		want   []string
		counts Counts
	}{
		{
			name:   "empty calendar: every block in the scope is created, blocks outside it are not",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("code", "Code", at(8, 0), at(8, 50)), block("code", "Code", at(9, 10), at(10, 0)), block("meet", "Standup", at(10, 0), at(10, 15))},
			want:   []string{"create Code 09:10:00–10:00:00", "create Standup 10:00:00–10:15:00"},
			counts: Counts{Created: 2},
		},
		{
			name:   "a growing block keeps its event and is updated in place",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("code", "Code", at(9, 0), at(11, 30))},
			owned:  []engine.Block{block("code", "Code", at(9, 0), at(10, 10))},
			want:   []string{"update Code 09:00:00–11:30:00"},
			counts: Counts{Updated: 1},
		},
		{
			name:   "nothing new: nothing written",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("code", "Code", at(9, 0), at(10, 10)), block("meet", "Standup", at(10, 10), at(10, 30))},
			owned:  []engine.Block{block("code", "Code", at(9, 0), at(10, 10)), block("meet", "Standup", at(10, 10), at(10, 30))},
			counts: Counts{Unchanged: 2},
		},
		{
			name:   "an owned event in the scope that no block justifies is deleted, one outside the scope is not",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("code", "Code", at(9, 0), at(10, 0))},
			owned:  []engine.Block{block("meet", "Old", at(8, 0), at(8, 30)), block("code", "Code", at(9, 0), at(10, 0)), block("meet", "Gone", at(10, 30), at(11, 0))},
			want:   []string{"delete Gone 10:30:00–11:00:00"},
			counts: Counts{Deleted: 1, Unchanged: 1},
		},
		{
			name:   "a block that turned into another profile replaces the event (other profile)",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("meet", "Call", at(9, 0), at(10, 0))},
			owned:  []engine.Block{block("code", "Code", at(9, 0), at(9, 40))},
			want:   []string{"create Call 09:00:00–10:00:00", "delete Code 09:00:00–09:40:00"},
			counts: Counts{Created: 1, Deleted: 1},
		},
		{
			name:   "a title change is an update of the same event",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("code", "Code - main.go", at(9, 0), at(10, 0))},
			owned:  []engine.Block{block("code", "Code - README", at(9, 0), at(10, 0))},
			want:   []string{"update Code - main.go 09:00:00–10:00:00"},
			counts: Counts{Updated: 1},
		},
		{
			name:   "a split block: the larger part keeps the event, the other part is created",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("code", "Code", at(9, 0), at(9, 20)), block("code", "Code", at(9, 30), at(10, 30))},
			owned:  []engine.Block{block("code", "Code", at(9, 0), at(10, 30))},
			want:   []string{"create Code 09:00:00–09:20:00", "update Code 09:30:00–10:30:00"},
			counts: Counts{Created: 1, Updated: 1},
		},
		{
			name:   "two blocks merged into one: one event is kept, the other deleted",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("code", "Code", at(9, 0), at(10, 30))},
			owned:  []engine.Block{block("code", "Code", at(9, 0), at(9, 20)), block("code", "Code", at(9, 30), at(10, 30))},
			want:   []string{"update Code 09:00:00–10:30:00", "delete Code 09:00:00–09:20:00"},
			counts: Counts{Updated: 1, Deleted: 1},
		},
		{
			name:  "warm start: an event that began before the trusted range keeps its start and title and only grows",
			scope: scope{From: at(10, 4), To: at(11, 0), TrustFrom: at(10, 4), DerivedTo: at(11, 0), ExtendOnly: true},
			// The seeded session's title comes from supporting evidence only (FCR's title drift).
			blocks: []engine.Block{block("code", "Coding", at(9, 0), at(10, 40))},
			owned:  []engine.Block{block("code", "Code - main.go", at(9, 0), at(10, 5))},
			want:   []string{"update Code - main.go 09:00:00–10:40:00"},
			counts: Counts{Updated: 1},
		},
		{
			name:   "warm start: a shorter block never shrinks an event that began before the trusted range",
			scope:  scope{From: at(10, 4), To: at(11, 0), TrustFrom: at(10, 4), DerivedTo: at(11, 0), ExtendOnly: true},
			blocks: []engine.Block{block("code", "Code", at(9, 30), at(10, 4).Add(30*time.Second))},
			owned:  []engine.Block{block("code", "Code", at(9, 0), at(10, 5))},
			counts: Counts{Unchanged: 1},
		},
		{
			name:   "warm start: an unmatched event that began before the trusted range is kept, and a new block is cut around it",
			scope:  scope{From: at(10, 4), To: at(11, 0), TrustFrom: at(10, 4), DerivedTo: at(11, 0), ExtendOnly: true},
			blocks: []engine.Block{block("meet", "Call", at(9, 50), at(10, 40))},
			owned:  []engine.Block{block("code", "Code", at(9, 0), at(10, 5))},
			want:   []string{"create Call 10:05:00–10:40:00"},
			counts: Counts{Created: 1},
		},
		{
			name:   "a cut fragment shorter than the profile's threshold is not booked",
			scope:  scope{From: at(10, 4), To: at(11, 0), TrustFrom: at(10, 4), DerivedTo: at(11, 0), ExtendOnly: true},
			blocks: []engine.Block{block("meet", "Call", at(9, 50), at(10, 8))},
			owned:  []engine.Block{block("code", "Code", at(9, 0), at(10, 5))},
			counts: Counts{},
		},
		{
			name:   "an event ending after what the derivation saw keeps its end",
			scope:  scope{From: at(9, 0), To: at(10, 0), TrustFrom: at(8, 0), DerivedTo: at(11, 0)},
			blocks: []engine.Block{block("code", "Code", at(9, 30), at(10, 50))},
			owned:  []engine.Block{block("code", "Code", at(9, 30), at(12, 0)), block("meet", "Late", at(12, 0), at(12, 30))},
			counts: Counts{Unchanged: 1},
		},
		{
			name:   "sub-second times are rounded to whole seconds",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("code", "Code", at(9, 0).Add(400*time.Millisecond), at(9, 10).Add(500*time.Millisecond))},
			want:   []string{"create Code 09:00:00–09:10:01"},
			counts: Counts{Created: 1},
		},
		{
			name:   "two profiles sharing a category stay apart",
			scope:  exactScope(at(9, 0), at(12, 0)),
			blocks: []engine.Block{block("code", "Code", at(9, 0), at(10, 0)), block("meet", "Call", at(10, 0), at(10, 30))},
			owned:  []engine.Block{block("meet", "Call", at(10, 0), at(10, 30)), block("code", "Code", at(9, 0), at(9, 50))},
			want:   []string{"update Code 09:00:00–10:00:00"},
			counts: Counts{Updated: 1, Unchanged: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var evs []calendar.Event
			for i, b := range tt.owned {
				evs = append(evs, owned(t, fmt.Sprintf("%032x@awcal", 1000+i), b))
			}
			pl := planner{scope: tt.scope, profiles: profiles, newUID: seqUID()}
			p := pl.makePlan(tt.blocks, evs)
			assert.Equal(t, tt.want, ops(p))
			assert.Equal(t, tt.counts, p.Counts)
			after := applyTo(t, evs, p.Changes)
			requireNoOverlap(t, after)
			again := pl.makePlan(tt.blocks, after)
			assert.Empty(t, again.Changes, "a second plan over the result must write nothing: %v", ops(again))
		})
	}
}

func TestPlanTrustsASubSecondQuiescentPoint(t *testing.T) {
	// The quiescent point has a fraction of a second and the block starts exactly there: its
	// event, written at whole seconds, starts a fraction before it, and is still the block's.
	q := at(10, 45).Add(45*time.Second + 185*time.Millisecond)
	old := owned(t, "0000000000000000000000000000aaaa@awcal", block("code", "Code - syncer.go", q, at(11, 0)))
	require.True(t, old.Start.Before(q))
	pl := planner{scope: exactScope(q, at(11, 40)), profiles: profileMap(pCode), newUID: seqUID()}
	p := pl.makePlan([]engine.Block{block("code", "Code - engine.go", q, at(11, 33))}, []calendar.Event{old})
	assert.Equal(t, []string{"update Code - engine.go 10:45:45–11:33:00"}, ops(p), "the title follows the exact derivation")
}

func TestPlanKeepsEventsOfRemovedProfiles(t *testing.T) {
	// Deleting a profile does not delete its past events (SYNC.md §3); new blocks go around them.
	old := owned(t, "0000000000000000000000000000aaaa@awcal", block("study", "Paper", at(9, 30), at(10, 0)))
	pl := planner{scope: exactScope(at(9, 0), at(12, 0)), profiles: profileMap(pCode), newUID: seqUID()}
	p := pl.makePlan([]engine.Block{block("code", "Code", at(9, 0), at(10, 30))}, []calendar.Event{old})
	assert.Equal(t, []string{"create Code 09:00:00–09:30:00", "create Code 10:00:00–10:30:00"}, ops(p))
	requireNoOverlap(t, applyTo(t, []calendar.Event{old}, p.Changes))
}

func TestPlanEventContent(t *testing.T) {
	b := engine.Block{ProfileID: "code", Title: "Code - main.go", Start: at(9, 0), End: at(10, 30),
		Evidence: []engine.Evidence{
			{Label: "Code — main.go", Duration: 75 * time.Minute},
			{Label: "github.com", Duration: 14*time.Minute + 40*time.Second},
			{Label: "  ", Duration: time.Minute},
			{Label: "terminal", Duration: 20 * time.Second},
		}}
	pl := planner{scope: exactScope(at(9, 0), at(12, 0)), profiles: profileMap(pCode), newUID: seqUID()}
	p := pl.makePlan([]engine.Block{b}, nil)
	require.Len(t, p.Changes, 1)
	ev := p.Changes[0].Event
	assert.Equal(t, "code", ev.ProfileID)
	assert.Equal(t, "Work", ev.Category)
	assert.Equal(t, "#112233", ev.Color)
	assert.Equal(t, "Code — main.go: 1 h 15 min\ngithub.com: 15 min\nterminal: 20 s", ev.Description)
	assert.True(t, calendar.IsAwcalUID(ev.UID))
}
