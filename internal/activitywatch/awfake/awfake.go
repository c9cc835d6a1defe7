// Package awfake is an in-memory aw-server: an http.Handler over buckets and events that
// answers the REST API awcal reads with the semantics of aw-server-rust or of the Python
// aw-server (see Flavour). The tests' fake server (awtest) and "awcal demo" both serve it, so
// the demo behaves as the tests prove the client against.
//
//   - GET /api/0/info; /api/0/buckets/ (a map id → bucket, with last_updated);
//     /api/0/buckets/{id}; /api/0/buckets/{id}/events?start&end&limit;
//     /api/0/buckets/{id}/events/count?start&end (a bare integer); /api/0/settings;
//     /api/0/export.
//   - An events query returns the events with end ≥ start and timestamp ≤ end (both bounds
//     closed, as aw-server-rust's SQL: an event that only touches the range comes back with
//     zero duration), ordered newest first by their untrimmed times (start descending, end
//     ascending, id ascending), cut to limit, then trimmed to the range. No limit = all.
//   - start and end must be RFC 3339: an offset whose '+' was not sent as %2B arrives as a
//     space and is answered 400, as aw-server does.
//   - Errors are JSON {"message": "..."}: 404 for a missing bucket, 400 for bad parameters,
//     401 for a missing or wrong API key (every /api/ path but /api/0/info), 400 for a Host
//     header that is not localhost or 127.0.0.1.
//   - With a clock (SetClock), only what has happened by then is served: later events are
//     left out and events under way are cut at the clock's time, so activity keeps growing.
//
// Like aw-server's database, it indexes each bucket's events in the order a query answers
// them and encodes an event's data once, when it is added (changing the map afterwards
// changes nothing served), so a query costs about what its answer holds.
package awfake

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/activity"
)

// Flavour is which aw-server a Handler behaves like.
type Flavour int

const (
	// Rust is aw-server-rust: nanosecond timestamps and durations; an events query returns
	// every event that overlaps (or touches) the range, trimmed to it.
	Rust Flavour = iota
	// Python is the Python aw-server (aw-core's peewee storage), as measured against
	// aw-server 26be7f2 and aw-core d628a9a:
	//   - a timestamp is stored truncated to the millisecond, its duration to the microsecond,
	//     so an event's end can land a few µs past the next one's start;
	//   - a query's start is truncated to the millisecond and its end rounded up to the next
	//     millisecond (an event that starts exactly at the end comes back 1 ms long);
	//   - with a start, events that began more than 24 h before it are not returned at all,
	//     even when they reach into the range; a query without start is not cut off;
	//   - equal timestamps come newest row first; timestamps are written as Python's
	//     isoformat ("…T09:00:00.123000+00:00").
	Python
)

// Info is what /api/0/info answers.
type Info struct {
	Hostname, Version, DeviceID string
	Testing                     bool
}

// Handler is an in-memory aw-server. It is safe for concurrent use, also while it answers
// requests.
type Handler struct {
	flavour Flavour

	mu       sync.Mutex
	info     Info
	buckets  map[string]*bucket
	settings map[string]any
	apiKey   string
	now      func() time.Time // nil: serve everything
	nextID   int64
}

// New returns an empty aw-server of the given flavour.
func New(f Flavour) *Handler {
	return &Handler{
		flavour:  f,
		info:     Info{Hostname: "awtest", Version: "v0.13.2 (awtest)", DeviceID: "awtest-device", Testing: true},
		buckets:  map[string]*bucket{},
		settings: map[string]any{},
		nextID:   1,
	}
}

// SetInfo replaces what /api/0/info answers.
func (s *Handler) SetInfo(info Info) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.info = info
}

// SetClock makes the server answer as at now(): events that begin later are left out, and
// events under way end at now() (nil serves everything).
func (s *Handler) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// AddBucket creates or replaces a bucket (its events are kept).
func (s *Handler) AddBucket(b activity.Bucket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.buckets[b.ID]; ok {
		old.meta = b
		return
	}
	s.buckets[b.ID] = &bucket{meta: b}
}

// AddEvents appends events to a bucket, creating the bucket (type "test") if needed. Events
// without an id get the next free one, as aw-server assigns row ids. Safe while the server
// answers requests.
func (s *Handler) AddEvents(bucketID string, evs ...activity.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucketID]
	if !ok {
		b = &bucket{meta: activity.Bucket{ID: bucketID, Type: "test", Hostname: "awtest"}}
		s.buckets[bucketID] = b
	}
	for _, ev := range evs {
		id := ev.ID
		if id == 0 {
			id = s.nextID
		}
		s.nextID = max(s.nextID, id+1)
		start, dur := ev.Timestamp.UnixNano(), int64(math.Round(ev.Duration*1e9))
		if s.flavour == Python {
			start, dur = floorTo(start, msNs), int64(math.Round(ev.Duration*1e6))*1e3
		}
		b.add(id, start, start+dur, ev.Data)
	}
}

// SetSettings replaces the settings /api/0/settings answers (values as JSON would hold them).
func (s *Handler) SetSettings(settings map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings = settings
}

// RequireAPIKey makes every /api/ path but /api/0/info demand "Authorization: Bearer key"
// ("" turns the check off), as aw-server-rust's [auth] api_key does.
func (s *Handler) RequireAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = key
}

// ServeHTTP answers aw-server's API.
func (s *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host != "localhost" && host != "127.0.0.1" {
		writeError(w, http.StatusBadRequest, "Host header is invalid")
		return
	}
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "this aw-server is read-only")
		return
	}
	path := r.URL.Path
	if !s.authorized(r, path) {
		writeError(w, http.StatusUnauthorized, "Missing or invalid API key. Set 'Authorization: Bearer <key>' header.")
		return
	}
	switch {
	case path == "/api/0/info":
		s.mu.Lock()
		info := s.info
		s.mu.Unlock()
		writeJSON(w, map[string]any{
			"hostname":  info.Hostname,
			"version":   info.Version,
			"testing":   info.Testing,
			"device_id": info.DeviceID,
		})
	case path == "/api/0/buckets/" || path == "/api/0/buckets":
		s.serveBuckets(w)
	case path == "/api/0/settings" || path == "/api/0/settings/":
		s.mu.Lock()
		body, err := json.Marshal(s.settings)
		s.mu.Unlock()
		writeRaw(w, body, err)
	case path == "/api/0/export" || path == "/api/0/export/":
		s.serveExport(w)
	case strings.HasPrefix(path, "/api/0/buckets/"):
		s.serveBucketPath(w, r, strings.TrimPrefix(path, "/api/0/buckets/"))
	default:
		writeError(w, http.StatusNotFound, "no route for "+path)
	}
}

func (s *Handler) authorized(r *http.Request, path string) bool {
	s.mu.Lock()
	key := s.apiKey
	s.mu.Unlock()
	if key == "" || path == "/api/0/info" || !strings.HasPrefix(path, "/api/") {
		return true
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && token == key
}

func (s *Handler) serveBuckets(w http.ResponseWriter) {
	s.mu.Lock()
	out := make(map[string]any, len(s.buckets))
	for id, b := range s.buckets {
		out[id] = s.bucketJSON(b)
	}
	s.mu.Unlock()
	writeJSON(w, out)
}

func (s *Handler) serveExport(w http.ResponseWriter) {
	s.mu.Lock()
	out := make(map[string]any, len(s.buckets))
	for id, b := range s.buckets {
		m := s.bucketJSON(b)
		evs, err := s.appendEvents(nil, s.selectEvents(b, math.MinInt64, math.MaxInt64, -1), false)
		if err != nil {
			s.mu.Unlock()
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		m["events"] = json.RawMessage(evs)
		out[id] = m
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"buckets": out})
}

// serveBucketPath answers /api/0/buckets/{id}[/events[/count]].
func (s *Handler) serveBucketPath(w http.ResponseWriter, r *http.Request, rest string) {
	id, sub, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	b, ok := s.buckets[id]
	var meta map[string]any
	if ok && sub == "" {
		meta = s.bucketJSON(b)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("There's no bucket named %s", id))
		return
	}
	switch sub {
	case "":
		writeJSON(w, meta)
	case "events", "events/count":
		q := r.URL.Query()
		start, msg := parseBound(q, "start", math.MinInt64)
		if msg != "" {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		end, msg := parseBound(q, "end", math.MaxInt64)
		if msg != "" {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		limit := -1
		if l := q.Get("limit"); l != "" && sub == "events" {
			n, err := strconv.Atoi(l)
			if err != nil || n < 0 {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("limit %q is not a number", l))
				return
			}
			limit = n
		}
		s.mu.Lock()
		sel := s.selectEvents(b, start, end, limit)
		s.mu.Unlock()
		if sub == "events/count" {
			writeJSON(w, len(sel.hits))
			return
		}
		s.writeEvents(w, sel)
	default:
		writeError(w, http.StatusNotFound, "no route for /api/0/buckets/"+rest)
	}
}

// parseBound reads an RFC 3339 time parameter as Unix nanoseconds (def when absent); when it
// does not parse, msg is aw-server's answer.
func parseBound(q map[string][]string, name string, def int64) (ns int64, msg string) {
	v, ok := q[name]
	if !ok || len(v) == 0 {
		return def, ""
	}
	t, err := time.Parse(time.RFC3339Nano, v[0])
	if err != nil {
		return 0, fmt.Sprintf("Failed to parse %stime, datetime needs to be in rfc3339 format: %v", name, err)
	}
	return t.UnixNano(), ""
}

// bucketJSON is the bucket as aw-server-rust lists it; the caller holds s.mu.
func (s *Handler) bucketJSON(b *bucket) map[string]any {
	m := map[string]any{
		"id":       b.meta.ID,
		"name":     nil,
		"type":     b.meta.Type,
		"client":   b.meta.Client,
		"hostname": b.meta.Hostname,
		"created":  b.meta.Created.UTC().Format(time.RFC3339Nano),
		"data":     map[string]any{},
	}
	if b.meta.Data != nil {
		m["data"] = b.meta.Data
	}
	if b.meta.Created.IsZero() {
		m["created"] = time.Unix(0, 0).UTC().Format(time.RFC3339Nano)
	}
	if last, ok := s.lastEnd(b); ok {
		m["last_updated"] = time.Unix(0, last).UTC().Format(time.RFC3339Nano)
	}
	return m
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	writeRaw(w, body, err)
}

func writeRaw(w http.ResponseWriter, body []byte, err error) {
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(map[string]string{"message": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
