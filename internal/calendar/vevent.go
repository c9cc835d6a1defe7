package calendar

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

// MarkerProperty is the ownership marker: its value is the profile id. An event is awcal's only
// when it carries this property and a UID from NewUID (SYNC.md §3).
const MarkerProperty = "X-AWCAL-PROFILE"

// colorProperty keeps the profile's colour exactly as configured. RFC 7986 COLOR only takes a
// CSS3 colour name, so COLOR gets the nearest name and this property makes the round trip lossless.
const colorProperty = "X-AWCAL-COLOR"

// ProdID is the PRODID of the calendars awcal creates.
const ProdID = "-//awcal//awcal//EN"

// NewCalendar returns an empty VCALENDAR with awcal's PRODID and VERSION 2.0.
func NewCalendar() *ical.Calendar {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, ProdID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	return cal
}

// Validate reports whether a store can write e: a UID in awcal's namespace and a profile id
// (else the error wraps ErrNotOwned, because the event would not read back as awcal's), and an
// start, and an end that is not before it, within years 1–9999 (what iCalendar can express).
func (e Event) Validate() error {
	if !IsAwcalUID(e.UID) {
		return fmt.Errorf("event %q: UID is not in awcal's namespace: %w", e.UID, ErrNotOwned)
	}
	if sanitizeText(e.ProfileID) == "" {
		return fmt.Errorf("event %s has no profile id: %w", e.UID, ErrNotOwned)
	}
	if e.Start.IsZero() {
		return fmt.Errorf("event %s has no start time", e.UID)
	}
	for _, t := range []time.Time{e.Start, e.End} {
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return fmt.Errorf("event %s: time %s is outside the years 1-9999", e.UID, t.UTC().Format(time.RFC3339))
		}
	}
	if e.End.Before(e.Start) {
		return fmt.Errorf("event %s ends (%s) before it starts (%s)", e.UID,
			e.End.UTC().Format(time.RFC3339), e.Start.UTC().Format(time.RFC3339))
	}
	return nil
}

// ValidateChanges checks a change list before a store touches anything: known operations, events
// that Validate (a Delete only needs an awcal UID), and no UID named twice, because each change's
// Version refers to the calendar as it was read, not as an earlier change in the list left it.
func ValidateChanges(changes []Change) error {
	seen := make(map[string]bool, len(changes))
	for i, c := range changes {
		switch c.Op {
		case Create, Update:
			if err := c.Event.Validate(); err != nil {
				return fmt.Errorf("change %d (%s): %w", i+1, c.Op, err)
			}
		case Delete:
			if !IsAwcalUID(c.Event.UID) {
				return fmt.Errorf("change %d (delete): UID %q is not in awcal's namespace: %w", i+1, c.Event.UID, ErrNotOwned)
			}
		default:
			return fmt.Errorf("change %d: unknown operation %d", i+1, c.Op)
		}
		if seen[c.Event.UID] {
			return fmt.Errorf("change %d (%s): event %s is named twice in one change list", i+1, c.Op, c.Event.UID)
		}
		seen[c.Event.UID] = true
	}
	return nil
}

// Normalize returns e as it reads back after a store wrote it: times in UTC truncated to whole
// seconds and text made valid (UTF-8, CRLF and CR as LF, other control characters but tab
// dropped). Callers compare normalized events so that an unrepresentable detail never makes an
// event look changed on every run.
func Normalize(e Event) Event {
	e.Start = e.Start.UTC().Truncate(time.Second)
	e.End = e.End.UTC().Truncate(time.Second)
	e.ProfileID = sanitizeText(e.ProfileID)
	e.Title = sanitizeText(e.Title)
	e.Category = sanitizeText(e.Category)
	e.Color = sanitizeText(e.Color)
	e.Description = sanitizeText(e.Description)
	e.Status = sanitizeText(e.Status)
	return e
}

// Overlaps is the store contract's range test: e overlaps [from, to) when it starts before to and
// ends after from; an empty event counts when it sits exactly at from.
func Overlaps(e Event, from, to time.Time) bool {
	if e.Start.Before(to) && e.End.After(from) {
		return true
	}
	return e.Start.Equal(e.End) && e.Start.Equal(from)
}

// ToVEvent renders e as a VEVENT stamped (DTSTAMP) at stamp. Times are written in UTC at second
// precision (a time.Local time would come out as the invalid TZID=Local); a block crossing
// midnight is one event with a later end date. An empty event has no DTEND, because RFC 5545
// requires DTEND to be later than DTSTART. Empty text fields are left out. Text is normalized
// as Normalize does, so what FromVEvent reads back equals Normalize(e) without its Version.
// The event carries its fingerprint (FingerprintProperty), so that a later edit shows.
func ToVEvent(e Event, stamp time.Time) *ical.Event {
	e = Normalize(e)
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, e.UID)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp.UTC().Truncate(time.Second))
	ev.Props.SetDateTime(ical.PropDateTimeStart, e.Start)
	if e.End.After(e.Start) {
		ev.Props.SetDateTime(ical.PropDateTimeEnd, e.End)
	}
	if e.Title != "" {
		ev.Props.SetText(ical.PropSummary, e.Title)
	}
	if e.Category != "" {
		cat := ical.NewProp(ical.PropCategories)
		cat.SetTextList([]string{e.Category})
		ev.Props.Set(cat)
	}
	if e.Color != "" {
		if name := cssColorName(e.Color); name != "" {
			ev.Props.SetText(ical.PropColor, name)
		}
		setXText(ev.Component, colorProperty, e.Color)
	}
	if e.Description != "" {
		ev.Props.SetText(ical.PropDescription, e.Description)
	}
	if e.Status != "" {
		ev.Props.SetText(ical.PropStatus, e.Status)
	}
	setXText(ev.Component, MarkerProperty, e.ProfileID)
	if e.Locked {
		setXText(ev.Component, LockProperty, "TRUE")
	}
	setFingerprint(ev)
	return ev
}

// setXText sets an X- property to text without the ;VALUE=TEXT that go-ical's SetText adds to
// properties it does not know (TEXT is already the default for X- properties).
func setXText(c *ical.Component, name, text string) {
	p := ical.NewProp(name)
	p.SetText(text)
	p.Params.Del(ical.ParamValue)
	c.Props.Set(p)
}

// FromVEvent reads an event. owned is true only when the marker is present (non-empty) and the
// UID is in awcal's namespace; a foreign event comes back as owned=false with only its UID set
// and is never looked at further. err is set when an owned event's times cannot be read.
// Version is left empty for the store to fill in. Locked is set when the event no longer
// matches its fingerprint or carries LockProperty.
func FromVEvent(ev *ical.Event) (e Event, owned bool, err error) {
	e, owned, err = FromVEventUnchecked(ev)
	if owned && err == nil {
		e.Locked = VEventLocked(ev)
	}
	return e, owned, err
}

// VEventLocked reports whether an owned event is the person's: edited since awcal wrote it
// (it no longer matches its fingerprint) or carrying LockProperty.
func VEventLocked(ev *ical.Event) bool {
	return ev.Props.Get(LockProperty) != nil || editedByPerson(ev)
}

// FromVEventUnchecked is FromVEvent without the lock check (Locked stays false), for a store
// that reads many events and checks only those it returns (VEventLocked): hashing every event
// of a large file would cost more than parsing it.
func FromVEventUnchecked(ev *ical.Event) (e Event, owned bool, err error) {
	if p := ev.Props.Get(ical.PropUID); p != nil {
		// The raw value: UIDs are compared as opaque strings, as CalDAV servers do.
		e.UID = p.Value
	}
	e.ProfileID = propText(ev.Component, MarkerProperty)
	if e.ProfileID == "" || !IsAwcalUID(e.UID) {
		return Event{UID: e.UID}, false, nil
	}
	start := ev.Props.Get(ical.PropDateTimeStart)
	if start == nil {
		return Event{}, true, fmt.Errorf("reading event %s: no DTSTART", e.UID)
	}
	if e.Start, err = start.DateTime(time.UTC); err != nil {
		return Event{}, true, fmt.Errorf("reading event %s: DTSTART: %w", e.UID, err)
	}
	if e.End, err = ev.DateTimeEnd(time.UTC); err != nil {
		return Event{}, true, fmt.Errorf("reading event %s: DTEND: %w", e.UID, err)
	}
	e.Start, e.End = e.Start.UTC(), e.End.UTC()
	if e.End.Before(e.Start) {
		return Event{}, true, fmt.Errorf("reading event %s: %w", e.UID, errEndBeforeStart)
	}
	e.Title = propText(ev.Component, ical.PropSummary)
	e.Description = propText(ev.Component, ical.PropDescription)
	if p := ev.Props.Get(ical.PropCategories); p != nil {
		e.Category = escapedListFirst(p.Value)
	}
	e.Color = propText(ev.Component, colorProperty)
	if e.Color == "" {
		e.Color = propText(ev.Component, ical.PropColor)
	}
	e.Status = strings.ToUpper(propText(ev.Component, ical.PropStatus))
	return e, true, nil
}

var errEndBeforeStart = errors.New("ends before it starts")

// propText returns a single-valued TEXT property unescaped. It is lenient where go-ical's
// Text is not: an unescaped comma does not cut the value short and an unknown escape is kept as
// written, so a client's sloppy edit of an owned event never makes the calendar unreadable.
func propText(c *ical.Component, name string) string {
	if p := c.Props.Get(name); p != nil {
		return unescapeText(p.Value)
	}
	return ""
}

// escapedListFirst returns the first element of a comma-separated TEXT list, unescaped.
func escapedListFirst(v string) string {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case ',':
			return unescapeText(v[:i])
		}
	}
	return unescapeText(v)
}

// unescapeText undoes RFC 5545 §3.3.11 TEXT escaping.
func unescapeText(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var sb strings.Builder
	sb.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			sb.WriteByte(c)
			continue
		}
		i++
		switch n := v[i]; n {
		case '\\', ';', ',':
			sb.WriteByte(n)
		case 'n', 'N':
			sb.WriteByte('\n')
		default:
			sb.WriteByte('\\')
			sb.WriteByte(n)
		}
	}
	return sb.String()
}

// sanitizeText makes s representable as iCalendar TEXT: valid UTF-8, line breaks as LF, and no
// control characters other than LF and tab (RFC 5545 §3.3.11 excludes them).
func sanitizeText(s string) string {
	clean := utf8.ValidString(s)
	for i := 0; clean && i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			clean = false
		}
	}
	if clean {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// SortEvents puts events in the order Store.Owned returns them: by start, then by UID.
func SortEvents(evs []Event) {
	slices.SortFunc(evs, func(a, b Event) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.UID, b.UID))
	})
}
