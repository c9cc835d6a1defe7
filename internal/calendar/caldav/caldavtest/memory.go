package caldavtest

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
)

// The in-memory server's layout. go-webdav's handler tells a principal, a home set, a
// calendar and an object apart by the number of path segments, so the layout is fixed.
const (
	memoryPrincipal = "/alice/"
	memoryHome      = "/alice/calendars/"
)

// MemoryOptions tune StartMemory.
type MemoryOptions struct {
	// Wrap, if set, wraps the CalDAV handler, to inject failures (a 507, a slow answer).
	Wrap func(http.Handler) http.Handler
	// TLS serves HTTPS with httptest's self-signed certificate (Server.CertPEM).
	TLS bool
}

// StartMemory serves go-webdav's CalDAV handler over an in-memory backend with ETags and
// conditional requests, behind HTTP Basic authentication, with one event calendar and one
// task list. The server stops when the test ends.
func StartMemory(t testing.TB, opts MemoryOptions) *Server {
	t.Helper()
	const user, password = "alice", "memory-secret"
	b := newBackend()
	var h http.Handler = &caldav.Handler{Backend: b}
	if opts.Wrap != nil {
		h = opts.Wrap(h)
	}
	h = conditionalHeaders(basicAuth(user, password, h))
	var srv *httptest.Server
	if opts.TLS {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	s := &Server{
		URL:      srv.URL + "/",
		Username: user,
		Password: password,
		Client:   srv.Client(),
		mkcalendar: func(t testing.TB, p, name, _ string) {
			b.addCalendar(caldav.Calendar{Path: p, Name: name, SupportedComponentSet: []string{ical.CompEvent}})
		},
		newCalendarPath: func(name string) string { return memoryHome + name + "/" },
	}
	if opts.TLS {
		s.CertPEM = certPEM(srv.Certificate())
	}
	b.addCalendar(caldav.Calendar{Path: memoryHome + "tasks/", Name: "Tasks", SupportedComponentSet: []string{ical.CompToDo}})
	s.CalendarPath = s.NewCalendar(t, "awcal", "awcal test", "")
	return s
}

// basicAuth refuses requests without the right credentials, as a real server does.
func basicAuth(user, password string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(u), []byte(user)) != 1 ||
			subtle.ConstantTimeCompare([]byte(p), []byte(password)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="awcal test"`)
			http.Error(w, "wrong username or password", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type ifMatchKey struct{}

// conditionalHeaders hands DELETE's If-Match to the backend: go-webdav's handler passes the
// conditions of a PUT to the backend but not those of a DELETE.
func conditionalHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("If-Match"); v != "" {
			r = r.WithContext(context.WithValue(r.Context(), ifMatchKey{}, webdav.ConditionalMatch(v)))
		}
		next.ServeHTTP(w, r)
	})
}

// backend is a caldav.Backend in memory with RFC 7232 semantics for writes: a PUT with
// If-None-Match: * fails on an existing resource, If-Match fails unless the ETag matches, and
// every write gives the resource a new ETag.
type backend struct {
	mu        sync.Mutex
	calendars map[string]caldav.Calendar
	objects   map[string]*caldav.CalendarObject
	gen       int
}

var _ caldav.Backend = (*backend)(nil)

func newBackend() *backend {
	return &backend{calendars: map[string]caldav.Calendar{}, objects: map[string]*caldav.CalendarObject{}}
}

func (b *backend) addCalendar(c caldav.Calendar) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calendars[c.Path] = c
}

func notFound(p string) error {
	return webdav.NewHTTPError(http.StatusNotFound, fmt.Errorf("%s not found", p))
}

func (b *backend) CurrentUserPrincipal(context.Context) (string, error) { return memoryPrincipal, nil }

func (b *backend) CalendarHomeSetPath(context.Context) (string, error) { return memoryHome, nil }

func (b *backend) CreateCalendar(_ context.Context, c *caldav.Calendar) error {
	b.addCalendar(*c)
	return nil
}

func (b *backend) ListCalendars(context.Context) ([]caldav.Calendar, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []caldav.Calendar
	for _, c := range b.calendars {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (b *backend) GetCalendar(_ context.Context, p string) (*caldav.Calendar, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.calendars[collection(p)]
	if !ok {
		return nil, notFound(p)
	}
	return &c, nil
}

// collection is a collection path with its trailing slash.
func collection(p string) string { return strings.TrimSuffix(p, "/") + "/" }

func (b *backend) GetCalendarObject(_ context.Context, p string, _ *caldav.CalendarCompRequest) (*caldav.CalendarObject, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objects[p]
	if !ok {
		return nil, notFound(p)
	}
	c := *o
	return &c, nil
}

func (b *backend) ListCalendarObjects(_ context.Context, p string, _ *caldav.CalendarCompRequest) ([]caldav.CalendarObject, error) {
	return b.objectsIn(p, func(*ical.Calendar) bool { return true })
}

func (b *backend) objectsIn(p string, keep func(*ical.Calendar) bool) ([]caldav.CalendarObject, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.calendars[collection(p)]; !ok {
		return nil, notFound(p)
	}
	var out []caldav.CalendarObject
	for op, o := range b.objects {
		if path.Dir(op)+"/" == collection(p) && keep(o.Data) {
			out = append(out, *o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// QueryCalendarObjects applies the VEVENT time range with RFC 4791 §9.9's overlap rules
// (caldav.Filter misses an event exactly equal to the range) and text-match prop-filters
// (substring, case-sensitive: i;octet).
func (b *backend) QueryCalendarObjects(_ context.Context, p string, q *caldav.CalendarQuery) ([]caldav.CalendarObject, error) {
	var filter caldav.CompFilter
	for _, cf := range q.CompFilter.Comps {
		if cf.Name == ical.CompEvent {
			filter = cf
		}
	}
	return b.objectsIn(p, func(cal *ical.Calendar) bool {
		for _, ev := range cal.Events() {
			if inRange(ev, filter.Start, filter.End) && propsMatch(ev, filter.Props) {
				return true
			}
		}
		return false
	})
}

func propsMatch(ev ical.Event, filters []caldav.PropFilter) bool {
	for _, pf := range filters {
		prop := ev.Props.Get(pf.Name)
		switch {
		case pf.IsNotDefined:
			if prop != nil {
				return false
			}
		case prop == nil:
			return false
		case pf.TextMatch != nil:
			if strings.Contains(prop.Value, pf.TextMatch.Text) == pf.TextMatch.NegateCondition {
				return false
			}
		}
	}
	return true
}

func inRange(ev ical.Event, start, end time.Time) bool {
	if ev.Props.Get(ical.PropRecurrenceRule) != nil {
		return true // recurrences are not expanded here; a superset is allowed
	}
	s, err1 := ev.DateTimeStart(time.UTC)
	e, err2 := ev.DateTimeEnd(time.UTC)
	if err1 != nil || err2 != nil {
		return true
	}
	if !start.IsZero() && !(e.After(start) || (e.Equal(s) && !s.Before(start))) {
		return false
	}
	return end.IsZero() || s.Before(end)
}

func (b *backend) PutCalendarObject(_ context.Context, p string, cal *ical.Calendar, opts *caldav.PutCalendarObjectOptions) (*caldav.CalendarObject, error) {
	_, uid, err := caldav.ValidateCalendarObject(cal)
	if err != nil {
		return nil, webdav.NewHTTPError(http.StatusBadRequest, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.calendars[path.Dir(p)+"/"]; !ok {
		return nil, webdav.NewHTTPError(http.StatusConflict, fmt.Errorf("no calendar at %s", path.Dir(p)))
	}
	old, exists := b.objects[p]
	// RFC 4791 §5.3.2.1: one UID per calendar collection.
	for op, o := range b.objects {
		if _, other, _ := caldav.ValidateCalendarObject(o.Data); op != p && path.Dir(op) == path.Dir(p) && other == uid {
			return nil, caldav.NewPreconditionError(caldav.PreconditionNoUIDConflict)
		}
	}
	if opts.IfNoneMatch.IsWildcard() && exists {
		return nil, webdav.NewHTTPError(http.StatusPreconditionFailed, errors.New("the resource exists"))
	}
	if opts.IfMatch.IsSet() {
		if !exists {
			return nil, webdav.NewHTTPError(http.StatusPreconditionFailed, errors.New("the resource does not exist"))
		}
		if ok, err := opts.IfMatch.MatchETag(old.ETag); err != nil || !ok {
			return nil, webdav.NewHTTPError(http.StatusPreconditionFailed, errors.New("the ETag does not match"))
		}
	}
	b.gen++
	o := &caldav.CalendarObject{Path: p, ModTime: time.Now().UTC(), ETag: "v" + strconv.Itoa(b.gen), Data: cal}
	b.objects[p] = o
	c := *o
	return &c, nil
}

func (b *backend) DeleteCalendarObject(ctx context.Context, p string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objects[p]
	if !ok {
		return notFound(p)
	}
	if m, set := ctx.Value(ifMatchKey{}).(webdav.ConditionalMatch); set {
		if ok, err := m.MatchETag(o.ETag); err != nil || !ok {
			return webdav.NewHTTPError(http.StatusPreconditionFailed, errors.New("the ETag does not match"))
		}
	}
	delete(b.objects, p)
	return nil
}
