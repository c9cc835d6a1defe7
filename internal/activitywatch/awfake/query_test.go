package awfake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/fakedata"
)

// reference is the straightforward aw-server the index and the encoder must answer exactly
// like: every query scans the bucket's rows, sorts the matches stably and encodes each event
// as a map with json.Marshal (what awfake did before it indexed and encoded events itself).
type reference struct {
	flavour Flavour
	now     func() time.Time
	nextID  int64
	buckets map[string][]refEvent
}

type refEvent struct {
	id, start, end int64
	data           map[string]any
}

func (r *reference) add(bucketID string, evs ...activity.Event) {
	for _, ev := range evs {
		id := ev.ID
		if id == 0 {
			id = r.nextID
		}
		r.nextID = max(r.nextID, id+1)
		data := ev.Data
		if data == nil {
			data = map[string]any{}
		}
		start, dur := ev.Timestamp.UnixNano(), int64(math.Round(ev.Duration*1e9))
		if r.flavour == Python {
			start, dur = floorTo(start, msNs), int64(math.Round(ev.Duration*1e6))*1e3
		}
		r.buckets[bucketID] = append(r.buckets[bucketID], refEvent{id: id, start: start, end: start + dur, data: data})
	}
}

func (r *reference) query(bucketID string, start, end int64, limit int, trim bool) []map[string]any {
	if start > end {
		return []map[string]any{}
	}
	python := r.flavour == Python
	cutoff := int64(math.MinInt64)
	if python {
		if start != math.MinInt64 {
			start = floorTo(start, msNs)
			cutoff = start - pythonCutoff.Nanoseconds()
		}
		if end != math.MaxInt64 {
			end = floorTo(end, msNs) + msNs
		}
	}
	sel := []refEvent{}
	for _, e := range r.visible(bucketID) {
		if e.end >= start && e.start <= end && e.start >= cutoff {
			sel = append(sel, e)
		}
	}
	slices.SortStableFunc(sel, func(x, y refEvent) int {
		if python {
			return cmp.Or(cmp.Compare(y.start, x.start), cmp.Compare(y.id, x.id))
		}
		return cmp.Or(cmp.Compare(y.start, x.start), cmp.Compare(x.end, y.end), cmp.Compare(x.id, y.id))
	})
	if limit >= 0 && len(sel) > limit {
		sel = sel[:limit]
	}
	out := make([]map[string]any, len(sel))
	for i, e := range sel {
		if trim {
			e.start, e.end = max(e.start, start), min(e.end, end)
		}
		t := time.Unix(0, e.start).UTC()
		ts := t.Format(time.RFC3339Nano)
		if python && t.Nanosecond() == 0 {
			ts = t.Format("2006-01-02T15:04:05+00:00")
		} else if python {
			ts = t.Format("2006-01-02T15:04:05.000000+00:00")
		}
		out[i] = map[string]any{"id": e.id, "timestamp": ts, "duration": float64(e.end-e.start) / 1e9, "data": e.data}
	}
	return out
}

// visible is the bucket's events as the clock shows them: those begun, cut at its time.
func (r *reference) visible(bucketID string) []refEvent {
	if r.now == nil {
		return r.buckets[bucketID]
	}
	now := r.now().UnixNano()
	var out []refEvent
	for _, e := range r.buckets[bucketID] {
		if e.start < now {
			e.end = min(e.end, now)
			out = append(out, e)
		}
	}
	return out
}

// lastUpdated is the latest end the clock shows, as RFC 3339 ("" when it shows no event).
func (r *reference) lastUpdated(bucketID string) string {
	last, any := int64(math.MinInt64), false
	for _, e := range r.visible(bucketID) {
		last, any = max(last, e.end), true
	}
	if !any {
		return ""
	}
	return time.Unix(0, last).UTC().Format(time.RFC3339Nano)
}

// tricky is a bucket of what generated activity rarely has: equal starts whose ends and ids
// disagree, explicit ids (repeated too), events shorter than a microsecond (the exponent form
// of a duration), zero and sub-millisecond times, data that JSON escapes, nil data, and an
// event longer than the others together.
func tricky(base time.Time) []activity.Event {
	at := func(d time.Duration) time.Time { return base.Add(d) }
	return []activity.Event{
		{ID: 900, Timestamp: at(time.Hour), Duration: 600, Data: map[string]any{"app": "a", "title": "<b>&amp;</b> \u2028 é 🎉"}},
		{ID: 100, Timestamp: at(time.Hour), Duration: 300, Data: map[string]any{"app": "b", "n": 1.5e-7, "big": 1e21, "list": []any{1.0, "x", nil, true}}},
		{ID: 500, Timestamp: at(time.Hour), Duration: 900, Data: map[string]any{"nested": map[string]any{"z": 1.0, "a": map[string]any{}}}},
		{ID: 500, Timestamp: at(time.Hour), Duration: 900, Data: map[string]any{"dup": "same id, start and end"}},
		{Timestamp: at(time.Hour + 123456789*time.Nanosecond), Duration: 1e-7},
		{Timestamp: at(2*time.Hour + 999*time.Microsecond + 999), Duration: 0.0000004},
		{Timestamp: at(2 * time.Hour), Duration: 0, Data: map[string]any{}},
		{Timestamp: at(3*time.Hour + 500*time.Microsecond), Duration: 1.000000001},
		{ID: 7, Timestamp: at(-30 * time.Hour), Duration: 40 * 3600, Data: map[string]any{"status": "not-afk"}},
		{ID: 2, Timestamp: at(4 * time.Hour), Duration: 7200, Data: map[string]any{"k": "ends after the clock"}},
		{ID: 3, Timestamp: at(4 * time.Hour), Duration: 3600, Data: map[string]any{"k": "ends after the clock too"}},
		{ID: 1, Timestamp: at(4 * time.Hour), Duration: 60, Data: map[string]any{"k": "ends before it"}},
	}
}

// TestAnswersMatchReference: on generated activity and on the tricky bucket, added in two
// batches with queries between them, every events query (random ranges, none, inverted,
// with and without limit), count, bucket listing and export answers byte for byte what the
// map-based reference encodes, for both flavours, without a clock and at clock times that
// cut events short.
func TestAnswersMatchReference(t *testing.T) {
	opts := fakedata.Options{Days: 3, Seed: 7, Intensity: fakedata.Heavy}
	data := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, 2)
	rnd := rand.New(rand.NewPCG(1, 2))
	for name, flavour := range map[string]Flavour{"rust": Rust, "python": Python} {
		t.Run(name, func(t *testing.T) {
			h, ref := New(flavour), &reference{flavour: flavour, nextID: 1, buckets: map[string][]refEvent{}}
			batches := [2][]func(){}
			for _, be := range data {
				h.AddBucket(be.Bucket)
				half := len(be.Events) / 2
				for i, part := range [][]activity.Event{be.Events[:half], be.Events[half:]} {
					batches[i] = append(batches[i], func() { h.AddEvents(be.Bucket.ID, part...); ref.add(be.Bucket.ID, part...) })
				}
			}
			trickyEvs := tricky(from.Add(24 * time.Hour))
			batches[0] = append(batches[0], func() { h.AddEvents("tricky", trickyEvs[:5]...); ref.add("tricky", trickyEvs[:5]...) })
			batches[1] = append(batches[1], func() { h.AddEvents("tricky", trickyEvs[5:]...); ref.add("tricky", trickyEvs[5:]...) })
			ids := []string{"tricky"}
			for _, be := range data {
				ids = append(ids, be.Bucket.ID)
			}

			clocks := []time.Time{{}, from.Add(24*time.Hour + 4*time.Hour + 30*time.Minute), from.Add(30*time.Hour + 1234567)}
			for _, batch := range batches {
				for _, add := range batch {
					add()
				}
				for _, clock := range clocks {
					if clock.IsZero() {
						h.SetClock(nil)
						ref.now = nil
					} else {
						h.SetClock(func() time.Time { return clock })
						ref.now = func() time.Time { return clock }
					}
					for _, id := range ids {
						for range 40 {
							compareQuery(t, h, ref, id, randomQuery(rnd, from, to))
						}
						for _, q := range edgeQueries(rnd, ref.buckets[id]) {
							compareQuery(t, h, ref, id, q)
						}
					}
					compareListings(t, h, ref, ids)
				}
			}
		})
	}
}

// query is an events request's parameters: absent bounds are the extremes, limit -1 none.
type query struct {
	start, end int64
	limit      int
}

func randomQuery(rnd *rand.Rand, from, to time.Time) query {
	span := to.Sub(from).Nanoseconds()
	at := func() int64 {
		ns := from.UnixNano() - span/10 + rnd.Int64N(span+span/5)
		switch rnd.IntN(3) { // whole seconds, milliseconds or nanoseconds
		case 0:
			return floorTo(ns, int64(time.Second))
		case 1:
			return floorTo(ns, msNs)
		}
		return ns
	}
	q := query{start: at(), end: at(), limit: -1}
	if rnd.IntN(5) > 0 && q.start > q.end { // mostly ordered, sometimes inverted
		q.start, q.end = q.end, q.start
	}
	if rnd.IntN(4) == 0 && q.end-q.start > int64(2*time.Hour) { // often short ranges
		q.end = q.start + rnd.Int64N(int64(2*time.Hour))
	}
	switch rnd.IntN(8) {
	case 0:
		q.start = math.MinInt64
	case 1:
		q.end = math.MaxInt64
	case 2:
		q.start, q.end = math.MinInt64, math.MaxInt64
	}
	if rnd.IntN(2) == 0 {
		q.limit = []int{0, 1, 2, 5, 50, 1000}[rnd.IntN(6)]
	}
	return q
}

// edgeQueries are ranges that end where events start or begin where they end: the longest
// event's (the index's reach) and a few others'.
func edgeQueries(rnd *rand.Rand, evs []refEvent) []query {
	longest := slices.MaxFunc(evs, func(x, y refEvent) int { return cmp.Compare(x.end-x.start, y.end-y.start) })
	var qs []query
	for _, e := range append([]refEvent{longest}, evs[rnd.IntN(len(evs))], evs[rnd.IntN(len(evs))]) {
		hour := int64(time.Hour)
		qs = append(qs, query{start: e.end, end: e.end + hour, limit: -1}, query{start: e.start - hour, end: e.start, limit: -1},
			query{start: e.end, end: e.end, limit: -1})
	}
	return qs
}

func compareQuery(t *testing.T, h *Handler, ref *reference, bucketID string, q query) {
	t.Helper()
	params := url.Values{}
	if q.start != math.MinInt64 {
		params.Set("start", time.Unix(0, q.start).UTC().Format(time.RFC3339Nano))
	}
	if q.end != math.MaxInt64 {
		params.Set("end", time.Unix(0, q.end).Format(time.RFC3339Nano))
	}
	if q.limit >= 0 {
		params.Set("limit", fmt.Sprint(q.limit))
	}
	path := "/api/0/buckets/" + url.PathEscape(bucketID) + "/events?" + params.Encode()
	want, err := json.Marshal(ref.query(bucketID, q.start, q.end, q.limit, true))
	require.NoError(t, err)
	require.Equal(t, string(want), get(t, h, path), "GET %s", path)

	params.Del("limit")
	path = "/api/0/buckets/" + url.PathEscape(bucketID) + "/events/count?" + params.Encode()
	require.Equal(t, fmt.Sprint(len(ref.query(bucketID, q.start, q.end, -1, true))), get(t, h, path), "GET %s", path)
}

// compareListings checks the bucket listing (last_updated) and the export (every event,
// untrimmed) against the reference.
func compareListings(t *testing.T, h *Handler, ref *reference, ids []string) {
	t.Helper()
	var buckets map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(get(t, h, "/api/0/buckets/")), &buckets))
	var export struct {
		Buckets map[string]map[string]json.RawMessage `json:"buckets"`
	}
	require.NoError(t, json.Unmarshal([]byte(get(t, h, "/api/0/export")), &export))
	for _, id := range ids {
		if last := ref.lastUpdated(id); last != "" {
			require.Equal(t, last, buckets[id]["last_updated"], "last_updated of %s", id)
		} else {
			require.NotContains(t, buckets[id], "last_updated", id)
		}
		want, err := json.Marshal(ref.query(id, math.MinInt64, math.MaxInt64, -1, false))
		require.NoError(t, err)
		require.Equal(t, string(want), string(export.Buckets[id]["events"]), "exported events of %s", id)
	}
}

func get(t *testing.T, h *Handler, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+path, nil))
	require.Equal(t, http.StatusOK, rec.Code, "GET %s: %s", path, rec.Body.String())
	return rec.Body.String()
}

// TestUnencodableDataFails: an event whose data JSON cannot encode fails the queries that
// return it with a 500 naming why, as encoding the whole answer did; the others still answer.
func TestUnencodableDataFails(t *testing.T) {
	base := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	h := New(Rust)
	h.AddEvents("w",
		activity.Event{Timestamp: base, Duration: 60, Data: map[string]any{"x": math.NaN()}},
		activity.Event{Timestamp: base.Add(time.Hour), Duration: 60, Data: map[string]any{"app": "ok"}},
	)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/api/0/buckets/w/events", nil))
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.JSONEq(t, `{"message": "json: unsupported value: NaN"}`, rec.Body.String())

	later := url.QueryEscape(base.Add(30 * time.Minute).Format(time.RFC3339))
	require.Contains(t, get(t, h, "/api/0/buckets/w/events?start="+later), `"app":"ok"`)
}
