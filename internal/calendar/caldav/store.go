package caldav

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"

	"github.com/awcal/awcal/internal/calendar"
)

// Store is one CalDAV calendar as a calendar.Store. It is safe for concurrent use.
type Store struct {
	t   *transport
	cal *url.URL // the calendar collection, path ending in "/"
	// now stamps DTSTAMP on written events.
	now func() time.Time

	mu sync.Mutex
	// hrefs maps a UID to the path of the resource that held it when last read or written:
	// awcal writes each event at a path derived from its UID, but a resource created by
	// another awcal install or moved by the server may live elsewhere.
	hrefs map[string]string
}

var _ calendar.Store = (*Store)(nil)

// calendarCheckBody asks whether a collection is a calendar.
const calendarCheckBody = `<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>`

// Open connects to the calendar at calendarPath (a path on the server, or a full URL on it)
// and checks that it is a calendar, which also checks the credentials: a wrong password gives
// an error matching ErrUnauthorized, a calendar that is gone one matching ErrNotFound.
func Open(ctx context.Context, serverURL, calendarPath string, creds Credentials, opts Options) (*Store, error) {
	base, err := parseServerURL(serverURL)
	if err != nil {
		return nil, err
	}
	cal, err := collectionURL(base, calendarPath)
	if err != nil {
		return nil, err
	}
	t, err := newTransport(creds, opts)
	if err != nil {
		return nil, err
	}
	ms, err := t.multistatus(ctx, "PROPFIND", cal, "0", calendarCheckBody)
	if err != nil {
		return nil, fmt.Errorf("opening calendar %s: %w", cal.Redacted(), err)
	}
	isCalendar := false
	for _, r := range ms.Responses {
		if p, ok := r.props(); ok && p.ResourceType != nil && p.ResourceType.Calendar != nil {
			isCalendar = true
		}
	}
	if !isCalendar {
		return nil, fmt.Errorf("opening calendar %s: it is not a calendar — choose one from the list in Settings", cal.Redacted())
	}
	return &Store{t: t, cal: cal, now: time.Now, hrefs: map[string]string{}}, nil
}

// URL is the calendar collection's address.
func (s *Store) URL() string { return s.cal.String() }

// WebURL is the address of a web page showing the calendar, when the server is one whose
// web interface awcal knows (Nextcloud and ownCloud), else "".
func (s *Store) WebURL() string {
	if prefix, _, ok := strings.Cut(s.cal.Path, "/remote.php/dav/calendars/"); ok {
		u := url.URL{Scheme: s.cal.Scheme, Host: s.cal.Host, Path: prefix + "/apps/calendar/"}
		return u.String()
	}
	return ""
}

// queryPad widens the REPORT's time range: which events a server counts at the edges of a
// range varies (go-webdav's own filter misses an event exactly equal to it), so the store asks
// for a little more and applies the contract's overlap test itself.
const queryPad = time.Hour

// queryBody is a calendar-query (RFC 4791 §7.8) for the VEVENTs overlapping a time range.
const queryBody = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
	`<D:prop><D:getetag/><C:calendar-data/></D:prop>` +
	`<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">` +
	`<C:time-range start="%s" end="%s"/>` +
	`</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`

const icalUTC = "20060102T150405Z"

// Owned returns the events awcal owns that overlap [from, to), sorted by start then UID,
// each with its ETag as Version.
func (s *Store) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	body := fmt.Sprintf(queryBody, from.Add(-queryPad).UTC().Format(icalUTC), to.Add(queryPad).UTC().Format(icalUTC))
	ms, err := s.t.multistatus(ctx, "REPORT", s.cal, "1", body)
	if err != nil {
		return nil, fmt.Errorf("reading the events of %s: %w", s.cal.Redacted(), err)
	}
	var events []calendar.Event
	hrefs := map[string]string{}
	for _, r := range ms.Responses {
		p, ok := r.props()
		// Only a resource that mentions the marker can be awcal's: the others are never parsed,
		// so a foreign event awcal cannot read does not stop a sync.
		if !ok || !mentionsMarker(p.CalendarData) {
			continue
		}
		href, err := r.path(s.cal)
		if err != nil {
			return nil, fmt.Errorf("reading the events of %s: %w", s.cal.Redacted(), err)
		}
		owned, err := ownedEvents(p.CalendarData)
		if err != nil {
			return nil, fmt.Errorf("reading event %s: %w", href, err)
		}
		for _, e := range owned {
			hrefs[e.UID] = href
			if calendar.Overlaps(e, from, to) {
				e.Version = strings.TrimSpace(p.ETag)
				events = append(events, e)
			}
		}
	}
	s.mu.Lock()
	for uid, href := range hrefs {
		s.hrefs[uid] = href
	}
	s.mu.Unlock()
	sort.Slice(events, func(i, j int) bool {
		if !events[i].Start.Equal(events[j].Start) {
			return events[i].Start.Before(events[j].Start)
		}
		return events[i].UID < events[j].UID
	})
	return events, nil
}

// mentionsMarker is a cheap test that a resource may hold an owned event. Property names are
// case-insensitive, and a name at the start of a content line is never folded.
func mentionsMarker(data string) bool {
	return strings.Contains(strings.ToUpper(data), calendar.MarkerProperty)
}

// ownedEvents parses one calendar object resource and returns the VEVENTs awcal owns.
func ownedEvents(data string) ([]calendar.Event, error) {
	cal, err := ical.NewDecoder(strings.NewReader(data)).Decode()
	if err != nil {
		return nil, fmt.Errorf("it does not parse as iCalendar: %w", err)
	}
	var out []calendar.Event
	for _, ev := range cal.Events() {
		e, owned, err := calendar.FromVEvent(&ev)
		if err != nil {
			return nil, err
		}
		if owned {
			out = append(out, e)
		}
	}
	return out, nil
}

// Apply makes the changes in order and stops at the first error; the changes before it stay
// applied. A write whose version is stale (412), whose resource exists already or has
// vanished, or that the server refuses as conflicting (409) fails with calendar.ErrConflict.
// A change with an empty Version (a server that gives no ETags) is written unconditionally.
func (s *Store) Apply(ctx context.Context, changes []calendar.Change) error {
	if err := calendar.ValidateChanges(changes); err != nil {
		return err
	}
	for i, c := range changes {
		if err := s.apply(ctx, c); err != nil {
			return fmt.Errorf("change %d of %d (%s event %s in %s): %w",
				i+1, len(changes), c.Op, c.Event.UID, s.cal.Redacted(), err)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, c calendar.Change) error {
	u := s.resourceURL(c.Event.UID)
	var (
		req *http.Request
		err error
	)
	switch c.Op {
	case calendar.Create, calendar.Update:
		body, encErr := s.encode(c.Event)
		if encErr != nil {
			return encErr
		}
		if req, err = s.t.request(ctx, http.MethodPut, u, body, "text/calendar; charset=utf-8"); err != nil {
			return err
		}
		if c.Op == calendar.Create {
			req.Header.Set("If-None-Match", "*")
		}
	case calendar.Delete:
		if req, err = s.t.request(ctx, http.MethodDelete, u, nil, ""); err != nil {
			return err
		}
	}
	if c.Op != calendar.Create && c.Event.Version != "" {
		req.Header.Set("If-Match", c.Event.Version)
	}
	resp, err := s.t.Do(req)
	if err != nil {
		if c.Op != calendar.Create && errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: it is gone from the server: %w", calendar.ErrConflict, err)
		}
		return err
	}
	resp.Body.Close()
	s.mu.Lock()
	if c.Op == calendar.Delete {
		delete(s.hrefs, c.Event.UID)
	} else {
		s.hrefs[c.Event.UID] = u.Path
	}
	s.mu.Unlock()
	return nil
}

// encode renders one event as a calendar object resource.
func (s *Store) encode(e calendar.Event) ([]byte, error) {
	cal := calendar.NewCalendar()
	cal.Children = append(cal.Children, calendar.ToVEvent(e, s.now()).Component)
	var buf bytes.Buffer
	if err := calendar.Encode(&buf, cal); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// resourceURL is where the event with uid lives: where it was last seen, else
// <calendar>/<uid with unsafe characters replaced>.ics.
func (s *Store) resourceURL(uid string) *url.URL {
	s.mu.Lock()
	href, ok := s.hrefs[uid]
	s.mu.Unlock()
	if !ok {
		href = s.cal.Path + ResourceName(uid)
	}
	return s.cal.ResolveReference(&url.URL{Path: href})
}

// ResourceName is the file name awcal gives the resource of the event with uid: the UID with
// every character but ASCII letters, digits, '-', '_' and '.' replaced by '-', and ".ics".
// awcal's UIDs (calendar.NewUID) differ in their hex part, so names never collide.
func ResourceName(uid string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, uid) + ".ics"
}
