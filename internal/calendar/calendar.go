// Package calendar maps awcal's blocks to iCalendar VEVENTs (RFC 5545, with RFC 7986 COLOR)
// and back, and defines what every calendar store offers: listing the events awcal owns in a
// time range and applying a list of changes. Ownership is explicit: an event is awcal's only
// when it carries the X-AWCAL-PROFILE marker and a UID in awcal's namespace (SYNC.md §3).
package calendar

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Event is one calendar event that awcal owns, as the stores read and write it.
type Event struct {
	// UID is in awcal's namespace (see NewUID) and never changes while a block grows.
	UID string
	// ProfileID is the ownership marker (X-AWCAL-PROFILE).
	ProfileID   string
	Title       string
	Start, End  time.Time // UTC, whole seconds
	Category    string
	Color       string // "#rrggbb"
	Description string
	// Status is the event's STATUS: "" (none, the default), StatusTentative (a proposal the
	// person has not approved yet) or StatusConfirmed (approved).
	Status string
	// Locked: the event is the person's, and awcal never updates or deletes it. A store reads an
	// owned event as locked when it was edited since awcal wrote it (its content no longer
	// matches FingerprintProperty: a new summary, times, an added VALARM, any added property)
	// or when it carries LockProperty; writing an event with Locked set writes LockProperty
	// (an approval or a correction made through awcal).
	Locked bool
	// Version is opaque to callers: the ETag on CalDAV, a content hash in an ICS file. Updates
	// and deletes carry the version they were planned against; a store refuses a stale one with
	// ErrConflict.
	Version string
}

// Op is what a Change does.
type Op int

// Change operations.
const (
	Create Op = iota + 1
	Update
	Delete
)

// String names the operation for logs and dry runs.
func (o Op) String() string {
	switch o {
	case Create:
		return "create"
	case Update:
		return "update"
	case Delete:
		return "delete"
	}
	return "unknown"
}

// Change is one step of a reconciliation plan.
type Change struct {
	Op    Op
	Event Event
}

// Store is a calendar awcal can keep its blocks in.
type Store interface {
	// Owned returns the events awcal owns that overlap [from, to), sorted by start then UID.
	// An event overlaps when Start < to and End > from; an empty event at from counts too.
	Owned(ctx context.Context, from, to time.Time) ([]Event, error)
	// Apply makes the changes in their order. Foreign events are never touched. A store may
	// write consecutive creates at the same time (each makes a new event, independent of the
	// others; the CalDAV store has up to four in flight), but an Update or Delete is written
	// only after every change before it, and nothing after it starts until it is done.
	//
	// When Apply fails, its error is that of the first failing change in list order, and:
	//   - the changes before it may have been applied (the CalDAV store and memstore applied
	//     all of them; the .ics store writes a whole list or nothing);
	//   - the failing change was not applied when the error is ErrConflict or ErrNotOwned;
	//   - after it, no Update or Delete was applied, and neither was a Create that an Update or
	//     Delete separates from it; the Creates between it and the next Update or Delete may
	//     have been (the CalDAV store has them in flight together; the others apply none).
	//
	// So on ErrConflict the caller re-reads, which shows every event that was written, and
	// re-plans from there.
	//
	// ErrConflict: a Create of a UID the calendar holds (owned or foreign), an Update or
	// Delete of a UID it does not hold or with a stale Version. ErrNotOwned: an Update or
	// Delete of an event the calendar holds as foreign, or a change list that names a UID
	// outside awcal's namespace (ValidateChanges) — re-reading cannot help, so it is not a
	// conflict. A list that fails ValidateChanges is refused before anything is written.
	// calendartest.Run checks all of this.
	Apply(ctx context.Context, changes []Change) error
}

// Locker is a Store that can keep other writers out across a read, a plan and a write. Without
// it, two syncs that read the calendar before either writes both plan the same new block.
type Locker interface {
	// Lock holds off every other awcal's writes to the calendar until unlock is called. Owned
	// and Apply are called with the returned context meanwhile.
	Lock(ctx context.Context) (locked context.Context, unlock func() error, err error)
}

// Errors a store returns, to be tested with errors.Is.
var (
	// ErrConflict: the event changed (or appeared, or vanished) since it was read.
	ErrConflict = errors.New("calendar event changed since it was read")
	// ErrNotOwned: a change named an event awcal does not own.
	ErrNotOwned = errors.New("event is not owned by awcal")
)

// DuplicateUIDError: the calendar holds an owned event's UID a second time, in an event that is
// not awcal's (another program copied it, keeping the UID). awcal cannot tell which one a
// change would reach, so it changes neither. It matches ErrNotOwned.
type DuplicateUIDError struct {
	UID string
	// Where names the two copies, e.g. "calendar.ics, lines 12 and 40".
	Where string
}

func (e *DuplicateUIDError) Error() string {
	return fmt.Sprintf("event %s appears twice in the calendar (%s): as awcal's, and as a copy that another program made and awcal does not own; "+
		"awcal leaves both alone — delete one of them (keep the copy if you edited it) and awcal manages that time again", e.UID, e.Where)
}

// Is makes the error match ErrNotOwned.
func (e *DuplicateUIDError) Is(target error) bool { return target == ErrNotOwned }

// UIDTakenError: a Create named a UID the calendar already holds (awcal's, or a copy another
// program made). It matches ErrConflict: the caller re-reads, and finds the event when it is
// awcal's; when it is not, re-reading cannot show it, and the caller must choose another UID.
type UIDTakenError struct {
	UID string
	// Where names what holds it (a file, a resource path).
	Where string
}

func (e *UIDTakenError) Error() string {
	return fmt.Sprintf("creating event %s: the calendar already holds that UID (%s): %v", e.UID, e.Where, ErrConflict)
}

// Is makes the error match ErrConflict.
func (e *UIDTakenError) Is(target error) bool { return target == ErrConflict }
