package syncer

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/engine"
)

func uidN(n int) string { return fmt.Sprintf("%032x@awcal", n) }

// ev is an owned event of profile p at [from, to) with UID uidN(n).
func ev(n int, p string, from, to time.Time) calendar.Event {
	return calendar.Event{UID: uidN(n), ProfileID: p, Title: p, Start: from, End: to, Version: "v1"}
}

func locked(e calendar.Event) calendar.Event { e.Locked = true; return e }

func spans(ss ...[2]time.Time) []span {
	var out []span
	for _, s := range ss {
		out = append(out, span{s[0], s[1]})
	}
	return out
}

func TestDesired(t *testing.T) {
	pl := planner{profiles: profileMap(pCode, pMeet), status: calendar.StatusTentative}
	sc := exactScope(at(9, 0), at(12, 0))
	tests := []struct {
		name   string
		blocks []engine.Block
		want   []string
	}{
		{"blocks overlapping the scope", []engine.Block{block("code", "A", at(8, 0), at(9, 30)), block("meet", "B", at(11, 0), at(13, 0))},
			[]string{"A 08:00–09:30", "B 11:00–13:00"}},
		{"blocks outside it", []engine.Block{block("code", "A", at(7, 0), at(9, 0)), block("code", "B", at(12, 0), at(13, 0))}, nil},
		{"a profile that is not live", []engine.Block{block("study", "A", at(9, 0), at(10, 0))}, nil},
		{"a block empty at second precision", []engine.Block{block("code", "A", at(9, 0), at(9, 0).Add(400*time.Millisecond))}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, w := range pl.desired(tc.blocks, sc) {
				assert.Equal(t, -1, w.match)
				assert.Equal(t, calendar.StatusTentative, w.ev.Status, "new events get the review status")
				got = append(got, fmt.Sprintf("%s %s–%s", w.ev.Title, w.ev.Start.Format("15:04"), w.ev.End.Format("15:04")))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestPartition(t *testing.T) {
	sc := exactScope(at(9, 0), at(12, 0))
	tests := []struct {
		name       string
		forget     bool
		owned      []calendar.Event
		wantScoped []string
		wantFixed  []span
	}{
		{"in the scope and live: may change", false, []calendar.Event{ev(1, "code", at(9, 0), at(10, 0))}, []string{uidN(1)}, nil},
		{"outside the scope: stays", false, []calendar.Event{ev(1, "code", at(8, 0), at(9, 0))}, nil,
			spans([2]time.Time{at(8, 0), at(9, 0)})},
		{"a profile that is gone: stays", false, []calendar.Event{ev(1, "study", at(9, 0), at(10, 0))}, nil,
			spans([2]time.Time{at(9, 0), at(10, 0)})},
		{"locked by the person: stays", false, []calendar.Event{locked(ev(1, "code", at(9, 0), at(10, 0)))}, nil,
			spans([2]time.Time{at(9, 0), at(10, 0)})},
		{"locked, corrections forgotten: may change", true, []calendar.Event{locked(ev(1, "code", at(9, 0), at(10, 0)))}, []string{uidN(1)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl := planner{profiles: profileMap(pCode), forget: tc.forget}
			scoped, fixed := pl.partition(tc.owned, sc)
			var uids []string
			for _, e := range scoped {
				uids = append(uids, e.UID)
			}
			assert.Equal(t, tc.wantScoped, uids)
			assert.Equal(t, tc.wantFixed, fixed)
		})
	}
}

func TestMatch(t *testing.T) {
	w := func(p string, from, to time.Time) want {
		return want{ev: calendar.Event{ProfileID: p, Start: from, End: to}, match: -1}
	}
	tests := []struct {
		name   string
		wants  []want
		scoped []calendar.Event
		want   []int
	}{
		{"same profile, overlapping", []want{w("code", at(9, 0), at(10, 0))}, []calendar.Event{ev(1, "code", at(9, 30), at(11, 0))}, []int{0}},
		{"other profile never matches", []want{w("meet", at(9, 0), at(10, 0))}, []calendar.Event{ev(1, "code", at(9, 0), at(10, 0))}, []int{-1}},
		{"touching is not overlapping", []want{w("code", at(9, 0), at(10, 0))}, []calendar.Event{ev(1, "code", at(10, 0), at(11, 0))}, []int{-1}},
		{"largest overlap first", []want{w("code", at(9, 0), at(9, 40)), w("code", at(9, 50), at(11, 0))},
			[]calendar.Event{ev(1, "code", at(9, 0), at(11, 0))}, []int{-1, 0}},
		{"one event per block, one block per event", []want{w("code", at(9, 0), at(11, 0))},
			[]calendar.Event{ev(1, "code", at(9, 0), at(9, 20)), ev(2, "code", at(9, 30), at(11, 0))}, []int{1}},
		{"ties: the earlier block", []want{w("code", at(9, 0), at(10, 0)), w("code", at(10, 0), at(11, 0))},
			[]calendar.Event{ev(1, "code", at(9, 30), at(10, 30))}, []int{0, -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			match(tc.wants, tc.scoped)
			var got []int
			for _, w := range tc.wants {
				got = append(got, w.match)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCandidates(t *testing.T) {
	desired := calendar.Event{ProfileID: "code", Title: "New", Description: "new", Start: at(9, 0), End: at(10, 0)}
	tests := []struct {
		name                       string
		sc                         scope
		old                        calendar.Event
		wantTitle                  string
		wantStart, wantEnd         time.Time
		wantBoundary, wantIdentity bool
	}{
		{"inside the exact range: the derivation's content, the event's identity", exactScope(at(8, 0), at(12, 0)),
			ev(1, "code", at(9, 10), at(9, 50)), "New", at(9, 0), at(10, 0), false, true},
		{"began before the trusted range: keeps start, title", scope{From: at(9, 30), To: at(12, 0), TrustFrom: at(9, 30), DerivedTo: at(12, 0)},
			ev(1, "code", at(8, 0), at(9, 45)), "code", at(8, 0), at(10, 0), true, true},
		{"warm start: never shrinks", scope{From: at(9, 30), To: at(12, 0), TrustFrom: at(9, 30), DerivedTo: at(12, 0), ExtendOnly: true},
			ev(1, "code", at(8, 0), at(10, 30)), "code", at(8, 0), at(10, 30), true, true},
		{"ends after the derivation: keeps its end", scope{From: at(8, 0), To: at(10, 0), TrustFrom: at(8, 0), DerivedTo: at(10, 0)},
			ev(1, "code", at(9, 30), at(11, 0)), "code", at(9, 0), at(11, 0), true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cands := planner{}.candidates([]want{{ev: desired, match: 0}}, []calendar.Event{tc.old}, tc.sc)
			c := cands[0]
			assert.Equal(t, tc.wantTitle, c.ev.Title)
			assert.Equal(t, tc.wantStart, c.ev.Start)
			assert.Equal(t, tc.wantEnd, c.ev.End)
			assert.Equal(t, tc.wantBoundary, c.boundary)
			assert.Equal(t, tc.old.UID, c.ev.UID)
			assert.Equal(t, tc.old.Version, c.ev.Version)
		})
	}
	t.Run("order: boundary events, matched ones, new blocks, each by start", func(t *testing.T) {
		sc := scope{From: at(9, 0), To: at(12, 0), TrustFrom: at(9, 0), DerivedTo: at(12, 0)}
		wants := []want{
			{ev: calendar.Event{Title: "new early", Start: at(9, 0), End: at(9, 10)}, match: -1},
			{ev: calendar.Event{Title: "matched late", Start: at(11, 0), End: at(11, 30)}, match: 1},
			{ev: calendar.Event{Title: "matched early", Start: at(10, 0), End: at(10, 30)}, match: 2},
			{ev: calendar.Event{Title: "boundary", Start: at(9, 0), End: at(9, 30)}, match: 0},
		}
		scoped := []calendar.Event{ev(1, "code", at(8, 30), at(9, 30)), ev(2, "code", at(11, 0), at(11, 20)), ev(3, "code", at(10, 0), at(10, 20))}
		var got []string
		for _, c := range (planner{}).candidates(wants, scoped, sc) {
			got = append(got, c.ev.Title)
		}
		assert.Equal(t, []string{"code", "matched early", "matched late", "new early"}, got)
	})
}

func TestDropUnmatched(t *testing.T) {
	sc := scope{From: at(9, 0), To: at(12, 0), TrustFrom: at(9, 0), DerivedTo: at(11, 0)}
	scoped := []calendar.Event{
		ev(1, "code", at(9, 0), at(9, 30)),    // matched
		ev(2, "code", at(10, 0), at(10, 30)),  // unmatched, seen whole: deleted
		ev(3, "code", at(10, 45), at(11, 30)), // unmatched, ends after the derivation: stays
	}
	b := &builder{newUID: seqUID()}
	b.dropUnmatched([]want{{match: 0}}, scoped, sc)
	assert.Equal(t, []string{"delete code 10:00:00–10:30:00"}, ops(plan{Changes: b.deletes}))
	assert.Equal(t, spans([2]time.Time{at(10, 45), at(11, 30)}), b.placed)
	assert.Equal(t, Counts{Deleted: 1}, b.counts)
}

func TestPlace(t *testing.T) {
	profiles := profileMap(pCode, pMeet)
	old := ev(1, "code", at(9, 0), at(10, 0))
	tests := []struct {
		name   string
		placed []span
		cand   candidate
		want   []string
		counts Counts
	}{
		{"a new block in free time is created", nil,
			candidate{ev: calendar.Event{ProfileID: "code", Title: "A", Start: at(9, 0), End: at(10, 0)}},
			[]string{"create A 09:00:00–10:00:00"}, Counts{Created: 1}},
		{"a new block is cut around a taken span, short fragments dropped", spans([2]time.Time{at(9, 3), at(9, 30)}),
			candidate{ev: calendar.Event{ProfileID: "code", Title: "A", Start: at(9, 0), End: at(10, 0)}},
			[]string{"create A 09:30:00–10:00:00"}, Counts{Created: 1}},
		{"a matched event that changed is updated", nil,
			candidate{ev: calendar.Event{UID: old.UID, ProfileID: "code", Title: "code", Start: at(9, 0), End: at(10, 30)}, old: &old},
			[]string{"update code 09:00:00–10:30:00"}, Counts{Updated: 1}},
		{"a matched event that did not change is left", nil,
			candidate{ev: old, old: &old}, nil, Counts{Unchanged: 1}},
		{"a matched event wholly covered by a taken span is deleted", spans([2]time.Time{at(8, 0), at(11, 0)}),
			candidate{ev: old, old: &old}, []string{"delete code 09:00:00–10:00:00"}, Counts{Deleted: 1}},
		{"a matched event split by a taken span keeps the larger part, the other is created", spans([2]time.Time{at(9, 20), at(9, 30)}),
			candidate{ev: old, old: &old}, []string{"update code 09:30:00–10:00:00", "create code 09:00:00–09:20:00"},
			Counts{Created: 1, Updated: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &builder{newUID: seqUID(), placed: tc.placed}
			b.place([]candidate{tc.cand}, profiles)
			assert.Equal(t, tc.want, ops(plan{Changes: append(b.writes, b.deletes...)}))
			assert.Equal(t, tc.counts, b.counts)
		})
	}
}

func TestFinishOrdersWritesThenDeletes(t *testing.T) {
	b := &builder{
		writes: []calendar.Change{{Op: calendar.Update, Event: ev(2, "code", at(11, 0), at(12, 0))},
			{Op: calendar.Create, Event: ev(1, "code", at(9, 0), at(10, 0))}},
		deletes: []calendar.Change{{Op: calendar.Delete, Event: ev(4, "code", at(10, 30), at(11, 0))},
			{Op: calendar.Delete, Event: ev(3, "code", at(8, 0), at(8, 30))}},
		counts: Counts{Created: 1, Updated: 1, Deleted: 2},
	}
	p := b.finish()
	assert.Equal(t, []string{"create code 09:00:00–10:00:00", "update code 11:00:00–12:00:00",
		"delete code 08:00:00–08:30:00", "delete code 10:30:00–11:00:00"}, ops(p))
	assert.Equal(t, b.counts, p.Counts)
}

func TestPlanLeavesThePersonsCorrections(t *testing.T) {
	profiles := profileMap(pCode, pMeet)
	sc := exactScope(at(9, 0), at(12, 0))
	blocks := []engine.Block{block("code", "Code", at(9, 0), at(10, 30)), block("meet", "Call", at(10, 30), at(11, 0))}
	tests := []struct {
		name   string
		owned  []calendar.Event
		taken  []span
		forget bool
		want   []string
	}{
		{"an edited event is neither updated nor deleted; the block is cut around it",
			[]calendar.Event{locked(ev(101, "code", at(9, 0), at(10, 0)))}, nil, false,
			[]string{"create Code 10:00:00–10:30:00", "create Call 10:30:00–11:00:00"}},
		{"an edited event that no block justifies stays",
			[]calendar.Event{locked(ev(101, "meet", at(11, 0), at(11, 30)))}, nil, false,
			[]string{"create Code 09:00:00–10:30:00", "create Call 10:30:00–11:00:00"}},
		{"an edited event covering a block: nothing duplicates it",
			[]calendar.Event{locked(ev(101, "meet", at(10, 0), at(11, 30)))}, nil, false,
			[]string{"create Code 09:00:00–10:00:00"}},
		{"a tombstone: nothing is written into it",
			nil, spans([2]time.Time{at(9, 0), at(10, 30)}), false,
			[]string{"create Call 10:30:00–11:00:00"}},
		{"forgotten corrections: the edited event is the block's again",
			[]calendar.Event{locked(ev(101, "code", at(9, 0), at(10, 0)))}, nil, true,
			[]string{"update Code 09:00:00–10:30:00", "create Call 10:30:00–11:00:00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl := planner{scope: sc, profiles: profiles, newUID: seqUID(), taken: tc.taken, forget: tc.forget}
			p := pl.makePlan(blocks, tc.owned)
			assert.Equal(t, tc.want, ops(p))
			after := applyTo(t, tc.owned, p.Changes)
			requireNoOverlap(t, after)
			for _, e := range after {
				for _, s := range tc.taken {
					assert.Zero(t, overlap(spanOf(e), s), "%s is written into a tombstone", e.Title)
				}
			}
			if !tc.forget {
				again := pl.makePlan(blocks, after)
				assert.Empty(t, again.Changes, "a second plan writes nothing: %v", ops(again))
			}
		})
	}
}
