// Package calendartest is the one conformance suite every calendar store passes (memory fake,
// ICS file, CalDAV against go-webdav's handler and against a real Radicale), in the manner of
// restic's backend tests: one contract, one suite.
package calendartest

import (
	"testing"

	"github.com/awcal/awcal/internal/calendar"
)

// Harness gives the suite a fresh, empty store and the backdoors it needs to check what the
// store must never do.
type Harness interface {
	// Store is the store under test.
	Store() calendar.Store
	// AddForeign puts an event that awcal does not own into the calendar, bypassing the store.
	// ics is a complete VEVENT block (BEGIN:VEVENT … END:VEVENT, CRLF line ends).
	AddForeign(t *testing.T, uid, ics string)
	// Foreign returns the foreign event's bytes exactly as the calendar holds them now, so the
	// suite can check they stayed byte-identical.
	Foreign(t *testing.T, uid string) string
	// Tamper changes an owned event behind the store's back (as another client would), so that
	// the version the store read earlier is stale.
	Tamper(t *testing.T, uid string)
	// Raw returns an owned event's text as the calendar holds it now (its VEVENT, or its whole
	// resource on CalDAV), for byte-for-byte comparisons.
	Raw(t *testing.T, uid string) string
	// Edit changes an owned event as a person would in a calendar app, through a second client
	// (on CalDAV a raw PUT with If-Match): edit gets the text Raw returns and gives the new one.
	Edit(t *testing.T, uid string, edit func(text string) string)
	// Remove deletes an owned event as a person would (on CalDAV a DELETE with If-Match).
	Remove(t *testing.T, uid string)
}
