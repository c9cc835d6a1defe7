// Package privacy keeps private activity out of calendars (issue #8): it drops incognito tabs
// and the events that "drop" rules match before the engine slices anything, and marks the
// values that "redact" rules match so that every output shows activity.RedactedValue instead.
// Rules match exactly as profile rules do (ENGINE.md §3.2): they are compiled by
// internal/profile; internal/awimport turns the privacy filters aw-webui keeps in aw-server's settings
// into rules. The package is pure: no I/O, and it never changes what it is given.
package privacy

import (
	"fmt"
	"slices"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

// Filter is a compiled Settings. It is safe for concurrent use.
type Filter struct {
	dropIncognito bool
	rules         []rule
}

type rule struct {
	action  string // Drop or Redact
	field   string // the rule's field; "" = the fallback fields
	matcher *profile.Matcher
}

// Stats says what a Filter hid, for the UI's "what would be hidden" count.
type Stats struct {
	// Incognito counts web events dropped because their tab was incognito, and window events
	// dropped because they showed a private browser window.
	Incognito int
	// Dropped counts events removed by drop rules.
	Dropped int
	// Redacted counts kept events with at least one redacted value.
	Redacted int
	// PerRule counts, for each rule in config order, the events it matched among those that
	// were not incognito (an event two rules match counts for both).
	PerRule []int
}

// Hidden is the number of events no output shows at all.
func (s Stats) Hidden() int { return s.Incognito + s.Dropped }

// New compiles the privacy settings. An invalid rule is an error that names it by its 1-based
// position ("privacy rule 2: invalid regex at position 3: …").
func New(p Settings) (*Filter, error) {
	f := &Filter{dropIncognito: p.DropIncognito, rules: make([]rule, len(p.Rules))}
	for i, r := range p.Rules {
		switch r.Action {
		case Drop, Redact:
		default:
			return nil, fmt.Errorf("privacy rule %d: action is %q: use %q or %q", i+1, r.Action, Drop, Redact)
		}
		m, err := r.Rule().Compile()
		if err != nil {
			return nil, fmt.Errorf("privacy rule %d: %w", i+1, err)
		}
		f.rules[i] = rule{action: r.Action, field: r.Field, matcher: m}
	}
	return f, nil
}

// Apply returns the buckets with incognito tabs (when enabled) and the events of drop rules
// removed, and the values of redact rules named in activity.Event.Private. Drop rules win over
// redact rules. It never modifies the buckets, events, data maps or Private slices it is given:
// a bucket with changes gets a new event slice, a redacted event a new Private slice, and
// unchanged buckets share the caller's events.
func (f *Filter) Apply(buckets []activity.BucketEvents) ([]activity.BucketEvents, Stats) {
	edits, st := f.check(buckets)
	out := slices.Clone(buckets)
	for bi, es := range edits {
		if len(es) > 0 {
			out[bi].Events = es.apply(buckets[bi].Events)
		}
	}
	return out, st
}

// ApplyOwned is Apply for buckets whose event arrays the caller hands over: a bucket with
// owned[i] set is filtered in its own array (the kept events move down, the tail is cleared)
// instead of a copy; the others are copied as Apply copies them. The events' data maps and
// Private slices are never modified. The caller must not use the owned arrays afterwards but
// through the result.
func (f *Filter) ApplyOwned(buckets []activity.BucketEvents, owned []bool) ([]activity.BucketEvents, Stats) {
	edits, st := f.check(buckets)
	out := slices.Clone(buckets)
	for bi, es := range edits {
		switch {
		case len(es) == 0:
		case bi < len(owned) && owned[bi]:
			out[bi].Events = es.applyInPlace(buckets[bi].Events)
		default:
			out[bi].Events = es.apply(buckets[bi].Events)
		}
	}
	return out, st
}

// edit is a change the checks found in a bucket's events: the event at index is dropped, or,
// when changed is set, replaced by it.
type edit struct {
	index   int
	changed *activity.Event
}

// edits are a bucket's changes, in index order.
type edits []edit

// apply returns a copy of events with the edits made: the unchanged runs between them are
// copied whole.
func (es edits) apply(events []activity.Event) []activity.Event {
	out := make([]activity.Event, 0, len(events))
	from := 0
	for _, e := range es {
		out = append(out, events[from:e.index]...)
		if e.changed != nil {
			out = append(out, *e.changed)
		}
		from = e.index + 1
	}
	return append(out, events[from:]...)
}

// applyInPlace makes the edits in events itself: the runs between them move down over the
// dropped events, and the freed tail is cleared so that it holds no data.
func (es edits) applyInPlace(events []activity.Event) []activity.Event {
	w, from := es[0].index, es[0].index
	for _, e := range es {
		w += copy(events[w:], events[from:e.index])
		if e.changed != nil {
			events[w] = *e.changed
			w++
		}
		from = e.index + 1
	}
	w += copy(events[w:], events[from:])
	clear(events[w:])
	return events[:w]
}

// check runs the incognito checks and the rules on every event and returns each bucket's
// edits and what they hide; it copies no event (Apply builds the buckets that change).
func (f *Filter) check(buckets []activity.BucketEvents) ([]edits, Stats) {
	st := Stats{PerRule: make([]int, len(f.rules))}
	all := make([]edits, len(buckets))
	matched := make([]bool, len(f.rules))
	var tabs *privateTabs
	if f.dropIncognito {
		tabs = privateActivity(buckets)
	}
	// Each rule's verdict per subject, for this call: real activity repeats the same titles,
	// urls and apps, so each rule runs once per distinct value.
	verdicts := make([]map[string]bool, len(f.rules))
	selects := make([]bool, len(f.rules)) // rule i's bucket word selects this bucket
	if len(f.rules) == 0 {
		// Only the private activity goes: its events are the bits set, and no other event
		// needs looking at.
		if tabs != nil {
			for bi := range buckets {
				all[bi] = tabs.privateEdits(bi)
				st.Incognito += len(all[bi])
			}
		}
		return all, st
	}
	for bi, b := range buckets {
		for i, r := range f.rules {
			selects[i] = r.matcher.MatchesBucket(b.Bucket.Type)
		}
		for ei := range b.Events {
			e := &b.Events[ei]
			if f.dropIncognito && tabs.isPrivate(bi, ei) {
				st.Incognito++
				all[bi] = append(all[bi], edit{index: ei})
			} else if keep, changed := f.event(e, selects, verdicts, matched, &st); !keep || changed != nil {
				all[bi] = append(all[bi], edit{index: ei, changed: changed})
			}
		}
	}
	return all, st
}

// event applies the rules to one event that is not an incognito tab. It returns whether to keep
// it and, when what to keep differs from *e, the changed copy.
func (f *Filter) event(e *activity.Event, selects []bool, verdicts []map[string]bool, matched []bool, st *Stats) (bool, *activity.Event) {
	drop, redact := false, false
	for i, r := range f.rules {
		matched[i] = selects[i] && matchCached(r.matcher, e.Data, &verdicts[i])
		if matched[i] {
			st.PerRule[i]++
			drop = drop || r.action == Drop
			redact = redact || r.action == Redact
		}
	}
	if drop {
		st.Dropped++
		return false, nil
	}
	if !redact {
		return true, nil
	}
	private := slices.Clip(e.Private) // appending must never write into the caller's array
	for i, r := range f.rules {
		if matched[i] && r.action == Redact {
			if key, ok := subjectKey(e.Data, r.field); ok && !slices.Contains(private, key) {
				private = append(private, key)
			}
		}
	}
	if len(private) == len(e.Private) {
		return true, nil // every matched value was private already
	}
	st.Redacted++
	changed := *e
	changed.Private = private
	return true, &changed
}

// matchCached is m.MatchData(data), remembered by subject in *verdicts.
func matchCached(m *profile.Matcher, data map[string]any, verdicts *map[string]bool) bool {
	s := m.Subject(data)
	if s == "" {
		return false
	}
	if *verdicts == nil {
		*verdicts = map[string]bool{}
	}
	v, ok := (*verdicts)[s]
	if !ok {
		v = m.MatchSubject(s)
		(*verdicts)[s] = v
	}
	return v
}

// incognito reports whether a web event's tab is incognito: "incognito" is true (as JSON true
// or, defensively, the string "true").
func incognito(data map[string]any) bool {
	_, v, ok := profile.FieldValue(data, "incognito")
	return ok && profile.ValueText(v) == "true"
}

// subjectKey returns the data key whose value a rule with this field tests (ENGINE.md §3.2):
// the field itself (as the data spells it) when it holds a non-empty value, else the first
// fallback field that does. Privacy rules have no negation, so the fallback always applies.
func subjectKey(data map[string]any, field string) (string, bool) {
	if field != "" {
		if key, v, ok := profile.FieldValue(data, field); ok && profile.ValueText(v) != "" {
			return key, true
		}
	}
	for _, fb := range profile.FallbackFields {
		if key, v, ok := profile.FieldValue(data, fb); ok && profile.ValueText(v) != "" {
			return key, true
		}
	}
	return "", false
}

// Redacted returns an event's data as outputs that show raw data (previews, JSON, logs) must
// show it: a copy in which every key named in e.Private holds activity.RedactedValue, or e.Data
// itself when nothing is private. Callers must not modify the result.
func Redacted(e activity.Event) map[string]any {
	if len(e.Private) == 0 {
		return e.Data
	}
	out := make(map[string]any, len(e.Data))
	for k, v := range e.Data {
		out[k] = v
	}
	for _, k := range e.Private {
		if _, ok := out[k]; ok {
			out[k] = activity.RedactedValue
		}
	}
	return out
}
