package calendartest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin for the DST cases, whatever the machine's zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
)

// Run is the conformance suite. newHarness must return a fresh, empty calendar for each subtest.
//
// The contract it checks, beyond calendar.Store's doc comments:
//   - events read back with every field, in UTC at whole seconds (calendar.Normalize), with a
//     non-empty Version that changes on every update;
//   - Create of a UID the calendar holds (owned or foreign) is ErrConflict;
//   - Update or Delete of a UID the calendar does not hold, or with a stale Version, is
//     ErrConflict, and nothing after that change is applied (changes before it may be);
//   - Update or Delete of an event the calendar holds as foreign, or of a UID outside awcal's
//     namespace, is ErrNotOwned (not ErrConflict: re-reading cannot make it ours, so retrying
//     is pointless) and touches nothing;
//   - a change list that fails calendar.ValidateChanges is refused before anything is written;
//   - foreign events stay byte-identical through every kind of write;
//   - a cancelled context makes Owned and Apply fail with the context's error, writing nothing.
//
// Its second part, correctionstest.Run, checks with the syncer that an owned event the person
// edited reads as locked and stays as the person left it, and that a deleted block is not
// written again.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"create and read back", testCreateAndReadBack},
		{"update in place", testUpdateInPlace},
		{"delete", testDelete},
		{"foreign events untouched", testForeignUntouched},
		{"owned by time range", testOwnedByTimeRange},
		{"idempotent re-apply", testIdempotentReapply},
		{"stale version conflicts", testStaleVersionConflicts},
		{"create of an existing UID conflicts", testCreateExistingConflicts},
		{"changes to foreign events refused", testForeignChangesRefused},
		{"update or delete of a missing event conflicts", testMissingConflicts},
		{"invalid change lists refused before writing", testInvalidRefused},
		{"context cancellation", testContextCancellation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newHarness(t)) })
	}
}

// allFrom and allTo hold every event the suite writes.
var (
	allFrom = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	allTo   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// day is an ordinary Monday without a DST change.
var day = time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)

func at(h, m int) time.Time {
	return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func berlin(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	return loc
}

// event returns an owned event with every field set and a fresh UID.
func event(title string, start, end time.Time) calendar.Event {
	return calendar.Event{
		UID:         calendar.NewUID(),
		ProfileID:   "suite-profile",
		Title:       title,
		Start:       start,
		End:         end,
		Category:    "Work",
		Color:       "#3a7bd5",
		Description: "code: 40 min\nfirefox: 20 min (docs)",
	}
}

func create(evs ...calendar.Event) []calendar.Change {
	out := make([]calendar.Change, len(evs))
	for i, e := range evs {
		out[i] = calendar.Change{Op: calendar.Create, Event: e}
	}
	return out
}

func apply(t *testing.T, h Harness, changes ...calendar.Change) {
	t.Helper()
	require.NoError(t, h.Store().Apply(t.Context(), changes))
}

func owned(t *testing.T, h Harness, from, to time.Time) []calendar.Event {
	t.Helper()
	evs, err := h.Store().Owned(t.Context(), from, to)
	require.NoError(t, err)
	return evs
}

func all(t *testing.T, h Harness) []calendar.Event {
	t.Helper()
	return owned(t, h, allFrom, allTo)
}

// byUID returns the owned event with uid, failing when it is missing.
func byUID(t *testing.T, h Harness, uid string) calendar.Event {
	t.Helper()
	for _, e := range all(t, h) {
		if e.UID == uid {
			return e
		}
	}
	require.Failf(t, "event missing", "owned event %s not found", uid)
	return calendar.Event{}
}

func uids(evs []calendar.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.UID
	}
	return out
}

// assertSame checks that got is want as a store reads it back: normalized, with a version.
func assertSame(t *testing.T, want, got calendar.Event) {
	t.Helper()
	assert.NotEmpty(t, got.Version, "an event read from a store carries a version")
	want = calendar.Normalize(want)
	want.Version = got.Version
	assert.Equal(t, want, got)
	assert.Equal(t, time.UTC, got.Start.Location(), "start must be UTC")
	assert.Equal(t, time.UTC, got.End.Location(), "end must be UTC")
}

// foreign events: what other clients put into a calendar. They overlap the owned events'
// times, so a store that mistook them for owned would list them.
const (
	foreignMeeting    = "meeting-1@example.com"
	foreignFolded     = "4F2A-folded@example.org"
	foreignImpostor   = "impostor@example.net"                   // carries awcal's marker, foreign UID
	foreignAwcalNoMrk = "00000000000000000000000000000001@awcal" // awcal's UID form, no marker
)

var foreignEvents = []struct{ uid, ics string }{
	{foreignMeeting, "BEGIN:VEVENT\r\nUID:" + foreignMeeting + "\r\nDTSTAMP:20250301T080000Z\r\n" +
		"DTSTART:20250310T093000Z\r\nDTEND:20250310T103000Z\r\nSUMMARY:Team meeting\r\n" +
		"CATEGORIES:Work\r\nEND:VEVENT\r\n"},
	{foreignFolded, "BEGIN:VEVENT\r\nUID:" + foreignFolded + "\r\nDTSTAMP:20250301T080000Z\r\n" +
		"DTSTART:20250310T110000Z\r\nDTEND:20250310T120000Z\r\n" +
		"SUMMARY:Planning with a title long enough that the client folded it over\r\n  two lines\r\n" +
		"ATTENDEE;CN=\"Doe, Jane\";ROLE=REQ-PARTICIPANT:mailto:jane@example.org\r\n" +
		"X-OTHER-APP-TAG;X-PARAM=1:keep me\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n" +
		"END:VEVENT\r\n"},
	{foreignImpostor, "BEGIN:VEVENT\r\nUID:" + foreignImpostor + "\r\nDTSTAMP:20250301T080000Z\r\n" +
		"DTSTART:20250310T100000Z\r\nDTEND:20250310T110000Z\r\nSUMMARY:Copied by another tool\r\n" +
		calendar.MarkerProperty + ":suite-profile\r\nEND:VEVENT\r\n"},
	{foreignAwcalNoMrk, "BEGIN:VEVENT\r\nUID:" + foreignAwcalNoMrk + "\r\nDTSTAMP:20250301T080000Z\r\n" +
		"DTSTART:20250310T100000Z\r\nDTEND:20250310T101500Z\r\nSUMMARY:Marker removed by hand\r\n" +
		"END:VEVENT\r\n"},
}

// addForeign adds all foreign events and returns their bytes as the calendar holds them.
func addForeign(t *testing.T, h Harness) map[string]string {
	t.Helper()
	held := map[string]string{}
	for _, f := range foreignEvents {
		h.AddForeign(t, f.uid, f.ics)
		held[f.uid] = h.Foreign(t, f.uid)
		require.NotEmpty(t, held[f.uid])
	}
	return held
}

func assertForeignUntouched(t *testing.T, h Harness, held map[string]string, after string) {
	t.Helper()
	for uid, want := range held {
		assert.Equal(t, want, h.Foreign(t, uid), "foreign event %s changed after %s", uid, after)
	}
	for _, e := range all(t, h) {
		_, isForeign := held[e.UID]
		assert.False(t, isForeign, "foreign event %s listed as owned after %s", e.UID, after)
	}
}

func testCreateAndReadBack(t *testing.T, h Harness) {
	loc := berlin(t)
	full := event(`Coding — awcal: "plan", fix; test \ ship `+strings.Repeat("ü🙂", 30), at(9, 0), at(10, 10))
	full.Description = "line one\nline two, with a comma; and a semicolon\n\ttabbed"
	local := event("Sub-second local times", time.Date(2025, 3, 10, 14, 0, 0, 999_999_999, loc),
		time.Date(2025, 3, 10, 15, 30, 59, 1, loc))
	bare := calendar.Event{UID: calendar.NewUID(), ProfileID: "bare", Title: "No extras",
		Start: at(16, 0), End: at(16, 5)}
	empty := event("Empty", at(17, 0), at(17, 0))
	multiDay := event("Multi-day", at(22, 0), at(22, 0).Add(50*time.Hour+7*time.Second))
	want := []calendar.Event{full, local, bare, empty, multiDay}

	apply(t, h, create(want...)...)

	got := all(t, h)
	require.Len(t, got, len(want))
	for i := range want {
		assertSame(t, want[i], got[i])
		assert.Zero(t, got[i].Start.Nanosecond(), "second precision")
	}
	assert.Equal(t, time.Date(2025, 3, 10, 13, 0, 0, 0, time.UTC), got[1].Start, "14:00 CET is 13:00 UTC, truncated")
}

func testUpdateInPlace(t *testing.T, h Harness) {
	e := event("Coding", at(9, 0), at(10, 10))
	apply(t, h, create(e)...)
	read := byUID(t, h, e.UID)

	grown := read
	grown.End = at(11, 30)
	grown.Title = "Coding — grown"
	grown.Description = "code: 150 min"
	grown.Category = "Deep work"
	grown.Color = "#00ff00"
	apply(t, h, calendar.Change{Op: calendar.Update, Event: grown})

	got := all(t, h)
	require.Len(t, got, 1, "an update must not add an event")
	assertSame(t, grown, got[0])
	assert.Equal(t, e.UID, got[0].UID, "a growing block keeps its UID")
	assert.NotEqual(t, read.Version, got[0].Version, "an update changes the version")
}

func testDelete(t *testing.T, h Harness) {
	a, b := event("A", at(9, 0), at(10, 0)), event("B", at(10, 0), at(11, 0))
	apply(t, h, create(a, b)...)
	apply(t, h, calendar.Change{Op: calendar.Delete, Event: byUID(t, h, a.UID)})
	assert.Equal(t, []string{b.UID}, uids(all(t, h)))
}

func testForeignUntouched(t *testing.T, h Harness) {
	held := addForeign(t, h)
	assertForeignUntouched(t, h, held, "adding them")

	a, b, c := event("A", at(9, 0), at(10, 0)), event("B", at(10, 0), at(11, 0)), event("C", at(11, 0), at(12, 0))
	apply(t, h, create(a, b, c)...)
	assertForeignUntouched(t, h, held, "a create")

	ua := byUID(t, h, a.UID)
	ua.End = at(10, 30)
	apply(t, h, calendar.Change{Op: calendar.Update, Event: ua})
	assertForeignUntouched(t, h, held, "an update")

	apply(t, h, calendar.Change{Op: calendar.Delete, Event: byUID(t, h, b.UID)})
	assertForeignUntouched(t, h, held, "a delete")

	uc := byUID(t, h, c.UID)
	uc.Title = "C, renamed"
	d := event("D", at(13, 0), at(14, 0))
	apply(t, h,
		calendar.Change{Op: calendar.Update, Event: uc},
		calendar.Change{Op: calendar.Delete, Event: byUID(t, h, a.UID)},
		calendar.Change{Op: calendar.Create, Event: d})
	assertForeignUntouched(t, h, held, "a mixed change list")

	apply(t, h, calendar.Change{Op: calendar.Delete, Event: byUID(t, h, c.UID)},
		calendar.Change{Op: calendar.Delete, Event: byUID(t, h, d.UID)})
	assert.Empty(t, all(t, h))
	assertForeignUntouched(t, h, held, "deleting every owned event")
}

func testOwnedByTimeRange(t *testing.T, h Harness) {
	loc := berlin(t)
	// A Berlin-local day: 2025-03-30 has 23 hours (02:00 CET becomes 03:00 CEST).
	dstDay := time.Date(2025, 3, 30, 0, 0, 0, 0, loc)
	dstNext := time.Date(2025, 3, 31, 0, 0, 0, 0, loc)

	exact := event("exactly the range", at(10, 0), at(12, 0))
	touchFrom := event("ends at from", at(9, 0), at(10, 0))
	touchTo := event("starts at to", at(12, 0), at(13, 0))
	emptyFrom := event("empty at from", at(10, 0), at(10, 0))
	emptyTo := event("empty at to", at(12, 0), at(12, 0))
	midnight := event("crosses midnight", at(23, 30), at(24, 30))
	overDST := event("over the DST change", time.Date(2025, 3, 30, 1, 30, 0, 0, loc),
		time.Date(2025, 3, 30, 3, 30, 0, 0, loc)) // one real hour: 00:30Z–01:30Z
	dstNight := event("night of the DST change", time.Date(2025, 3, 29, 23, 0, 0, 0, loc),
		time.Date(2025, 3, 30, 4, 0, 0, 0, loc)) // 22:00Z–02:00Z
	apply(t, h, create(exact, touchFrom, touchTo, emptyFrom, emptyTo, midnight, overDST, dstNight)...)
	addForeign(t, h)

	sorted := func(evs ...calendar.Event) []string {
		calendar.SortEvents(evs)
		return uids(evs)
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"exactly one event's range", at(10, 0), at(12, 0), sorted(exact, emptyFrom)},
		{"the day", at(0, 0), at(24, 0), sorted(touchFrom, exact, emptyFrom, touchTo, emptyTo, midnight)},
		{"the next day", at(24, 0), at(48, 0), sorted(midnight)},
		{"a second at midnight", at(24, 0).Add(-time.Second), at(24, 0).Add(time.Second), sorted(midnight)},
		{"before the first event", at(0, 0), at(9, 0), sorted()},
		{"Berlin's short DST day", dstDay, dstNext, sorted(dstNight, overDST)},
		{"the hour after the change", time.Date(2025, 3, 30, 3, 0, 0, 0, loc),
			time.Date(2025, 3, 30, 4, 0, 0, 0, loc), sorted(dstNight, overDST)},
		{"up to the DST event's start", time.Date(2025, 3, 30, 0, 0, 0, 0, loc),
			time.Date(2025, 3, 30, 1, 30, 0, 0, loc), sorted(dstNight)},
		{"after the night event's end", time.Date(2025, 3, 30, 4, 0, 0, 0, loc), dstNext, sorted()},
		{"everything, sorted by start then UID", allFrom, allTo,
			sorted(exact, touchFrom, touchTo, emptyFrom, emptyTo, midnight, overDST, dstNight)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := owned(t, h, tc.from, tc.to)
			assert.Equal(t, tc.want, uids(got), "range [%s, %s)", tc.from.UTC(), tc.to.UTC())
		})
	}
}

func testIdempotentReapply(t *testing.T, h Harness) {
	apply(t, h)
	apply(t, h, []calendar.Change{}...)
	assert.Empty(t, all(t, h), "an empty change list writes nothing")

	e := event("Coding", at(9, 0), at(10, 0))
	plan := create(e)
	apply(t, h, plan...)
	before := all(t, h)

	err := h.Store().Apply(t.Context(), plan)
	require.ErrorIs(t, err, calendar.ErrConflict, "re-applying a create must conflict, not duplicate")
	assert.Equal(t, before, all(t, h), "a refused re-apply changes nothing")

	for i := range 2 {
		cur := byUID(t, h, e.UID)
		apply(t, h, calendar.Change{Op: calendar.Update, Event: cur})
		got := all(t, h)
		require.Len(t, got, 1, "update %d", i+1)
		assertSame(t, before[0], got[0])
	}
}

func testStaleVersionConflicts(t *testing.T, h Harness) {
	held := addForeign(t, h)
	for _, op := range []calendar.Op{calendar.Update, calendar.Delete} {
		t.Run(op.String(), func(t *testing.T) {
			stale := event("stale "+op.String(), at(9, 0), at(10, 0))
			after := event("after "+op.String(), at(10, 0), at(11, 0))
			apply(t, h, create(stale, after)...)
			readStale, readAfter := byUID(t, h, stale.UID), byUID(t, h, after.UID)

			h.Tamper(t, stale.UID)
			tampered := byUID(t, h, stale.UID)
			require.NotEqual(t, readStale.Version, tampered.Version, "Tamper must change the version")

			planned, next := readStale, readAfter
			planned.Title, next.Title = "ours", "ours too"
			err := h.Store().Apply(t.Context(), []calendar.Change{
				{Op: op, Event: planned},
				{Op: calendar.Update, Event: next},
			})
			require.ErrorIs(t, err, calendar.ErrConflict)
			assert.Equal(t, tampered, byUID(t, h, stale.UID), "the conflicting change must not be applied")
			assert.Equal(t, readAfter, byUID(t, h, after.UID), "nothing after the conflict may be applied")
			assertForeignUntouched(t, h, held, "a conflict")

			// Re-read and re-plan: the fresh version goes through.
			fresh := byUID(t, h, stale.UID)
			fresh.Title = "ours"
			apply(t, h, calendar.Change{Op: op, Event: fresh})
			if op == calendar.Delete {
				assert.NotContains(t, uids(all(t, h)), stale.UID)
			} else {
				assert.Equal(t, "ours", byUID(t, h, stale.UID).Title)
			}
			// Leave the calendar empty for the next operation.
			for _, e := range all(t, h) {
				apply(t, h, calendar.Change{Op: calendar.Delete, Event: e})
			}
		})
	}
}

func testCreateExistingConflicts(t *testing.T, h Harness) {
	held := addForeign(t, h)
	e := event("Coding", at(9, 0), at(10, 0))
	apply(t, h, create(e)...)
	before := all(t, h)

	again := e
	again.Title = "a second event with the same UID"
	require.ErrorIs(t, h.Store().Apply(t.Context(), create(again)), calendar.ErrConflict)

	squatter := event("UID of a foreign event", at(11, 0), at(12, 0))
	squatter.UID = foreignAwcalNoMrk
	require.ErrorIs(t, h.Store().Apply(t.Context(), create(squatter)), calendar.ErrConflict,
		"a UID held by a foreign event exists too")

	assert.Equal(t, before, all(t, h))
	assertForeignUntouched(t, h, held, "refused creates")
}

func testForeignChangesRefused(t *testing.T, h Harness) {
	held := addForeign(t, h)
	mine := event("mine", at(9, 0), at(10, 0))
	apply(t, h, create(mine)...)
	before := all(t, h)

	for _, op := range []calendar.Op{calendar.Update, calendar.Delete} {
		for _, uid := range []string{foreignAwcalNoMrk, foreignMeeting, foreignImpostor} {
			t.Run(op.String()+" "+uid, func(t *testing.T) {
				e := event("hijack", at(9, 30), at(10, 30))
				e.UID = uid
				e.Version = "any"
				err := h.Store().Apply(t.Context(), []calendar.Change{{Op: op, Event: e}})
				require.ErrorIs(t, err, calendar.ErrNotOwned)
				assert.False(t, errors.Is(err, calendar.ErrConflict), "not a conflict: re-reading cannot help")
			})
		}
	}
	assert.Equal(t, before, all(t, h))
	assertForeignUntouched(t, h, held, "refused changes to foreign events")
}

func testMissingConflicts(t *testing.T, h Harness) {
	for _, op := range []calendar.Op{calendar.Update, calendar.Delete} {
		t.Run(op.String(), func(t *testing.T) {
			e := event("never created", at(9, 0), at(10, 0))
			e.Version = "1"
			err := h.Store().Apply(t.Context(), []calendar.Change{{Op: op, Event: e}})
			require.ErrorIs(t, err, calendar.ErrConflict)
			assert.Empty(t, all(t, h))
		})
	}
}

func testInvalidRefused(t *testing.T, h Harness) {
	good := event("good", at(9, 0), at(10, 0))
	backwards := event("backwards", at(11, 0), at(10, 0))
	foreignUID := event("foreign UID", at(11, 0), at(12, 0))
	foreignUID.UID = "someone-else@example.com"
	noProfile := event("no profile", at(11, 0), at(12, 0))
	noProfile.ProfileID = ""
	tests := []struct {
		name     string
		changes  []calendar.Change
		notOwned bool
	}{
		{"end before start", create(good, backwards), false},
		{"UID outside awcal's namespace", create(good, foreignUID), true},
		{"no profile id", create(good, noProfile), true},
		{"UID twice", create(good, good), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := h.Store().Apply(t.Context(), tc.changes)
			require.Error(t, err)
			assert.Equal(t, tc.notOwned, errors.Is(err, calendar.ErrNotOwned), "ErrNotOwned? %v", err)
			assert.False(t, errors.Is(err, calendar.ErrConflict), "a bad change list is not a conflict: %v", err)
			assert.Empty(t, all(t, h), "the valid change before the invalid one must not be written either")
		})
	}
}

func testContextCancellation(t *testing.T, h Harness) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := h.Store().Owned(ctx, allFrom, allTo)
	require.ErrorIs(t, err, context.Canceled)
	err = h.Store().Apply(ctx, create(event("cancelled", at(9, 0), at(10, 0))))
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, all(t, h), "a cancelled Apply writes nothing")
}
