package caldav

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
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
	// afterWrite, when set (by tests), is called after each write of an Apply with the change's
	// index and error, before the next write may start in its place.
	afterWrite func(change int, err error)
}

var _ calendar.Store = (*Store)(nil)

// calendarCheckBody asks whether a collection is a calendar.
const calendarCheckBody = `<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>`

// Open connects to the calendar at calendarPath (a path on the server, or a full URL on it)
// and checks that it is a calendar, which also checks the credentials: a wrong password gives
// an error matching ErrUnauthorized, a calendar that is gone one matching ErrNotFound.
func Open(ctx context.Context, serverURL, calendarPath string, creds Credentials, opts Options) (*Store, error) {
	base, err := parseServerURL(serverURL, opts.AllowPlainHTTP)
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

// queryBody is a calendar-query (RFC 4791 §7.8) for the VEVENTs overlapping a time range that
// carry awcal's marker property (markerFilter): the server sends the data of those resources
// only, so the foreign events of a busy calendar are never sent whole just to be skipped. The
// marker is still checked here, and every resource is parsed as before.
const queryBody = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
	`<D:prop><D:getetag/><C:calendar-data/></D:prop>` +
	`<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">` +
	`<C:time-range start="%s" end="%s"/>%s` +
	`</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`

// markerFilter narrows a calendar-query to the VEVENTs that have awcal's marker property.
const markerFilter = `<C:prop-filter name="` + calendar.MarkerProperty + `"/>`

const icalUTC = "20060102T150405Z"

// Owned returns the events awcal owns that overlap [from, to), sorted by start then UID,
// each with its ETag as Version.
func (s *Store) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	start, end := from.Add(-queryPad).UTC().Format(icalUTC), to.Add(queryPad).UTC().Format(icalUTC)
	ms, err := s.t.multistatus(ctx, "REPORT", s.cal, "1", fmt.Sprintf(queryBody, start, end, markerFilter))
	if unsupportedFilter(err) {
		// A server that cannot filter on a property says so (RFC 4791 §7.7: 403 with
		// supported-filter, or 501): ask for every event of the range, as the marker is
		// checked here anyway.
		ms, err = s.t.multistatus(ctx, "REPORT", s.cal, "1", fmt.Sprintf(queryBody, start, end, ""))
	}
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
	calendar.SortEvents(events)
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

func (s *Store) forget(uid string) {
	s.mu.Lock()
	delete(s.hrefs, uid)
	s.mu.Unlock()
}

// holder is the resource that holds a UID.
type holder struct {
	href  string
	owned bool
}

// uidQueryBody is a calendar-query for the VEVENTs whose UID contains a text.
const uidQueryBody = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
	`<D:prop><D:getetag/><C:calendar-data/></D:prop>` +
	`<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">` +
	`<C:prop-filter name="UID"><C:text-match collation="i;octet">%s</C:text-match></C:prop-filter>` +
	`</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`

// find looks up the resource holding uid. The server's filter only narrows the answer; the
// match is checked here on the exact UID. A resource that names the UID but does not parse
// counts as held and not owned, so that it is never overwritten.
func (s *Store) find(ctx context.Context, uid string) (holder, bool, error) {
	var escaped strings.Builder
	_ = xml.EscapeText(&escaped, []byte(uid))
	ms, err := s.t.multistatus(ctx, "REPORT", s.cal, "1", fmt.Sprintf(uidQueryBody, escaped.String()))
	if err != nil {
		return holder{}, false, fmt.Errorf("looking up the event in %s: %w", s.cal.Redacted(), err)
	}
	held, err := s.holders(ms, uid)
	if err != nil {
		return holder{}, false, err
	}
	h, found := held[uid]
	return h, found, nil
}

// allEventsBody is a calendar-query for every VEVENT of the calendar.
const allEventsBody = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
	`<D:prop><D:getetag/><C:calendar-data/></D:prop>` +
	`<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter>` +
	`</C:calendar-query>`

// findAll lists what holds every UID of the calendar, as find does for one.
func (s *Store) findAll(ctx context.Context) (map[string]holder, error) {
	ms, err := s.t.multistatus(ctx, "REPORT", s.cal, "1", allEventsBody)
	if err != nil {
		return nil, fmt.Errorf("listing the events of %s: %w", s.cal.Redacted(), err)
	}
	return s.holders(ms, "")
}

// holders maps the UIDs of the VEVENTs in a REPORT's answer to the resource holding them;
// only uid when it is not "". A resource that names uid but does not parse counts as holding
// it and not owned, so that it is never overwritten; with uid "" such a resource is skipped,
// and its UID is then left to the server's own checks (If-None-Match at awcal's resource name).
func (s *Store) holders(ms *multistatus, uid string) (map[string]holder, error) {
	out := map[string]holder{}
	for _, r := range ms.Responses {
		p, ok := r.props()
		if !ok || uid != "" && !strings.Contains(p.CalendarData, uid) {
			continue
		}
		href, err := r.path(s.cal)
		if err != nil {
			return nil, err
		}
		cal, err := ical.NewDecoder(strings.NewReader(p.CalendarData)).Decode()
		if err != nil {
			if uid != "" {
				out[uid] = holder{href: href}
			}
			continue
		}
		for _, ev := range cal.Events() {
			prop := ev.Props.Get(ical.PropUID)
			if prop == nil || uid != "" && prop.Value != uid {
				continue
			}
			if _, seen := out[prop.Value]; seen {
				continue
			}
			// An owned event whose times are broken is still awcal's to rewrite.
			_, owned, _ := calendar.FromVEvent(&ev)
			out[prop.Value] = holder{href: href, owned: owned}
		}
	}
	return out, nil
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
