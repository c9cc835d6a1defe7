package activitywatch_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
)

var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// flavours are the servers the client tests run against: aw-server-rust and the Python
// aw-server, with its 24-hour cut-off, millisecond timestamps and end rounding.
var flavours = []struct {
	name    string
	flavour awtest.Flavour
}{
	{"aw-server-rust", awtest.Rust},
	{"python aw-server", awtest.Python},
}

func at(min float64) time.Time { return t0.Add(time.Duration(min * float64(time.Minute))) }

func ev(startMin, durMin float64, app string) activity.Event {
	return activity.Event{Timestamp: at(startMin), Duration: durMin * 60, Data: map[string]any{"app": app}}
}

// summary is "app start+duration" per event, for readable comparisons.
func summary(evs []activity.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = fmt.Sprintf("%v %s+%gs", e.Data["app"], e.Timestamp.Format("15:04:05"), e.Duration)
	}
	return out
}

func TestInfoAndBuckets(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			created := time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC)
			s.AddBucket(activity.Bucket{ID: "aw-watcher-window_h", Type: activity.TypeWindow, Client: "aw-watcher-window", Hostname: "h", Created: created})
			s.AddBucket(activity.Bucket{ID: "aw-watcher-afk_h", Type: activity.TypeAFK, Hostname: "h", Data: map[string]any{"k": "v"}})
			s.AddEvents("aw-watcher-window_h", ev(0, 10, "a"))
			c := activitywatch.New(s.URL() + "/")

			info, err := c.Info(context.Background())
			require.NoError(t, err)
			assert.Equal(t, activitywatch.Info{Hostname: "awtest", Version: "v0.13.2 (awtest)", Testing: true, DeviceID: "awtest-device"}, info)

			buckets, err := c.Buckets(context.Background())
			require.NoError(t, err)
			require.Len(t, buckets, 2)
			assert.Equal(t, "aw-watcher-afk_h", buckets[0].ID, "sorted by id")
			assert.Equal(t, map[string]any{"k": "v"}, buckets[0].Data)
			assert.True(t, buckets[0].LastUpdated.IsZero(), "no events, no last_updated")
			w := buckets[1]
			assert.Equal(t, activity.Bucket{
				ID: "aw-watcher-window_h", Type: activity.TypeWindow, Client: "aw-watcher-window", Hostname: "h",
				Created: created, LastUpdated: at(10),
			}, w)
			assert.Equal(t, s.URL(), c.URL(), "trailing slash dropped")
		})
	}
}

func TestEventsTrimmedToRange(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			s.AddEvents("w", ev(0, 10, "a"), ev(10, 5, "b"), ev(20, 30, "c"), ev(60, 5, "later"))
			c := activitywatch.New(s.URL())

			got, err := c.Events(context.Background(), "w", at(5), at(30))
			require.NoError(t, err)
			assert.Equal(t, []string{"c 09:20:00+600s", "b 09:10:00+300s", "a 09:05:00+300s"}, summary(got.Events))
			assert.Zero(t, got.Malformed)
			assert.True(t, got.Owned, "each answer is the caller's to filter in place")

			t.Run("an empty range asks nothing", func(t *testing.T) {
				before := s.Requests()
				got, err := c.Events(context.Background(), "w", at(5), at(5))
				require.NoError(t, err)
				assert.Empty(t, got.Events)
				assert.Equal(t, before, s.Requests())
			})
			t.Run("an inverted range is an error", func(t *testing.T) {
				_, err := c.Events(context.Background(), "w", at(30), at(5))
				assert.ErrorContains(t, err, "ends")
			})
		})
	}
}

func TestEventsOffsetRoundTrip(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			s.AddEvents("w", ev(0, 60, "a"), ev(90, 10, "b"))
			var queries []string
			c := activitywatch.New(s.URL(), activitywatch.WithHTTPClient(&http.Client{Transport: recordQueries{&queries}}))
			plus1 := time.FixedZone("CET", 3600)

			// 10:30+01:00 is 09:30Z: the '+' must reach the server as %2B, or it answers 400.
			got, err := c.Events(context.Background(), "w", at(30).In(plus1), at(120).In(plus1))
			require.NoError(t, err)
			require.NotEmpty(t, queries)
			assert.Contains(t, queries[0], "start=2024-03-01T10%3A30%3A00%2B01%3A00", "the offset is sent, encoded")
			want, err := c.Events(context.Background(), "w", at(30), at(120))
			require.NoError(t, err)
			assert.Equal(t, []string{"b 10:30:00+600s", "a 09:30:00+1800s"}, summary(got.Events))
			assert.Equal(t, want, got)
		})
	}
}

// recordQueries notes the raw query of every request (the client sends some at once).
type recordQueries struct{ queries *[]string }

var recordMu sync.Mutex

func (r recordQueries) RoundTrip(req *http.Request) (*http.Response, error) {
	recordMu.Lock()
	*r.queries = append(*r.queries, req.URL.RawQuery)
	recordMu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// randomEvents fills a bucket with n events over days days, many of them on hour and day
// boundaries (where pieces are cut), of zero length, or with equal starts.
func randomEvents(r *rand.Rand, n int, days int) []activity.Event {
	apps := []string{"code", "firefox", "term"}
	evs := make([]activity.Event, 0, n)
	span := time.Duration(days) * 24 * time.Hour
	for range n {
		var start time.Time
		switch r.IntN(4) {
		case 0:
			start = t0.Add(time.Duration(r.IntN(days*24)) * time.Hour) // on a boundary
		default:
			start = t0.Add(time.Duration(r.Int64N(int64(span))))
		}
		start = start.Add(-2 * time.Hour) // some begin before the range
		var dur float64
		switch r.IntN(5) {
		case 0:
			dur = 0
		case 1:
			dur = float64(r.IntN(4)+1) * 3600 // whole hours: ends on a boundary
		case 2:
			dur = r.Float64() * 6 * 3600 // crosses boundaries
		default:
			dur = float64(r.IntN(600000)) / 1000
		}
		evs = append(evs, activity.Event{Timestamp: start, Duration: dur, Data: map[string]any{"app": apps[r.IntN(len(apps))]}})
	}
	return evs
}

func TestEventsPagingMatchesUnpaged(t *testing.T) {
	s := awtest.New(t)
	const days = 4
	s.AddEvents("w", randomEvents(rand.New(rand.NewPCG(1, 2)), 5000, days)...)
	from, to := t0, t0.Add(days*24*time.Hour-90*time.Minute)

	// The reference is the server's own unpaged answer, decoded without the client.
	unpaged := activitywatch.Events{Events: rawEvents(t, http.DefaultClient, s.URL()+"/api/0/buckets/w/events", from, to), Owned: true}
	require.Greater(t, len(unpaged.Events), 3000, "the range holds thousands of events")

	tests := []struct {
		name       string
		opts       []activitywatch.Option
		wantPieces int
	}{
		{"one request", []activitywatch.Option{activitywatch.WithPieceSize(-1)}, 1},
		{"default: a day, another while the first is read, then the rest (under 10,000 events)", nil, 3},
		{"day pieces", []activitywatch.Option{activitywatch.WithPieceSize(24 * time.Hour)}, 4},
		{"hour pieces", []activitywatch.Option{activitywatch.WithPieceSize(time.Hour)}, 95},
		{"odd pieces", []activitywatch.Option{activitywatch.WithPieceSize(7*time.Minute + 13*time.Second + 1)}, 786},
		{"by density, from an hour, about 600 events each", []activitywatch.Option{activitywatch.WithPiecesByDensity(time.Hour, 600)}, 13},
		{"by density, from odd pieces, about 150 events each", []activitywatch.Option{activitywatch.WithPiecesByDensity(7*time.Minute+13*time.Second+1, 150)}, 65},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.Requests()
			paged, err := activitywatch.New(s.URL(), tt.opts...).Events(context.Background(), "w", from, to)
			require.NoError(t, err)
			assert.Equal(t, tt.wantPieces, s.Requests()-before, "requests")
			require.Equal(t, len(unpaged.Events), len(paged.Events))
			assert.Equal(t, unpaged, paged)
		})
	}

	// The Python aw-server's events have no ids: parts are joined by data and contiguity.
	t.Run("without ids", func(t *testing.T) {
		hc := &http.Client{Transport: stripIDs{http.DefaultTransport}}
		want := activitywatch.Events{Events: rawEvents(t, hc, s.URL()+"/api/0/buckets/w/events", from, to), Owned: true}
		require.Zero(t, want.Events[0].ID)
		for _, o := range []activitywatch.Option{activitywatch.WithPieceSize(time.Hour), activitywatch.WithPiecesByDensity(time.Hour, 150)} {
			got, err := activitywatch.New(s.URL(), o, activitywatch.WithHTTPClient(hc)).Events(context.Background(), "w", from, to)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
	})
}

// TestEventsPagingOnThePythonServer: the same events (at millisecond precision, as the Python
// aw-server stores them) read in pieces from the Python server give what one unpaged query to
// aw-server-rust gives: the Python end rounding and start truncation leave no trace.
func TestEventsPagingOnThePythonServer(t *testing.T) {
	const days = 4
	evs := randomEvents(rand.New(rand.NewPCG(3, 4)), 3000, days)
	for i := range evs {
		evs[i].Timestamp = evs[i].Timestamp.Truncate(time.Millisecond)
		evs[i].Duration = math.Round(evs[i].Duration*1e6) / 1e6
	}
	rust, py := awtest.New(t), awtest.NewPython(t)
	rust.AddEvents("w", evs...)
	py.AddEvents("w", evs...)
	// A range whose ends are not whole milliseconds.
	from, to := t0.Add(1234567), t0.Add(days*24*time.Hour-90*time.Minute+7654321)
	want := rawEvents(t, http.DefaultClient, rust.URL()+"/api/0/buckets/w/events", from, to)
	for i, opts := range [][]activitywatch.Option{
		{activitywatch.WithPieceSize(-1)}, {activitywatch.WithPieceSize(0)}, {activitywatch.WithPieceSize(time.Hour)},
		{activitywatch.WithPieceSize(7*time.Minute + 13*time.Second + 1)}, nil,
		{activitywatch.WithPiecesByDensity(time.Hour, 100)}, {activitywatch.WithPiecesByDensity(7*time.Minute+13*time.Second+1, 30)},
	} {
		got, err := activitywatch.New(py.URL(), opts...).Events(context.Background(), "w", from, to)
		require.NoError(t, err)
		assert.Equal(t, byStartAndID(want), byStartAndID(got.Events), "options %d", i)
	}
}

// byStartAndID sorts a copy of evs by start, then id: the servers order equal starts
// differently.
func byStartAndID(evs []activity.Event) []activity.Event {
	out := slices.Clone(evs)
	slices.SortFunc(out, func(a, b activity.Event) int {
		return cmp.Or(a.Timestamp.Compare(b.Timestamp), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// TestEventsCoverTheStartOfEveryPiece: an AFK period from Friday 16:40 lasting 64 h reaches
// into every piece that starts during it, on both servers, wherever the pieces fall. The
// Python aw-server leaves it out of any query that starts more than 24 h after it began.
func TestEventsCoverTheStartOfEveryPiece(t *testing.T) {
	friday := time.Date(2026, 3, 6, 16, 40, 0, 0, time.UTC)
	back := friday.Add(64 * time.Hour)
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			s.AddEvents("afk",
				activity.Event{Timestamp: friday.Add(-time.Hour), Duration: 3600, Data: map[string]any{"status": "not-afk"}},
				activity.Event{Timestamp: friday, Duration: 64 * 3600, Data: map[string]any{"status": "afk"}},
				activity.Event{Timestamp: back, Duration: 3600, Data: map[string]any{"status": "not-afk"}},
			)
			for _, offset := range []time.Duration{0, 7 * time.Hour, 13*time.Hour + 30*time.Minute, 30 * time.Hour} {
				from := friday.Add(7*time.Hour + 20*time.Minute + offset) // Saturday 00:00 + offset
				to := back.Add(30 * time.Minute)
				for _, pieces := range []struct {
					name string
					opt  activitywatch.Option
				}{
					{"one request", activitywatch.WithPieceSize(0)},
					{"5 h pieces", activitywatch.WithPieceSize(5 * time.Hour)},
					{"by density from 1 h", activitywatch.WithPiecesByDensity(time.Hour, 2)},
					{"by density from 5 h", activitywatch.WithPiecesByDensity(5*time.Hour, 1)},
				} {
					got, err := activitywatch.New(s.URL(), pieces.opt).Events(context.Background(), "afk", from, to)
					require.NoError(t, err)
					require.Len(t, got.Events, 2, "from %s, %s", from, pieces.name)
					afk := got.Events[1]
					assert.Equal(t, "afk", afk.Data["status"])
					assert.Equal(t, from, afk.Timestamp.UTC(), "trimmed to the range")
					assert.Equal(t, back, afk.End().UTC(), "from %s, %s: the whole AFK period", from, pieces.name)
				}
			}
		})
	}
}

// rawEvents fetches one unpaged events query and decodes it with encoding/json alone.
func rawEvents(t *testing.T, hc *http.Client, eventsURL string, from, to time.Time) []activity.Event {
	t.Helper()
	q := url.Values{"start": {from.Format(time.RFC3339Nano)}, "end": {to.Format(time.RFC3339Nano)}}
	resp, err := hc.Get(eventsURL + "?" + q.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var evs []activity.Event
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&evs))
	for i := range evs {
		evs[i].Timestamp = evs[i].Timestamp.UTC()
	}
	return evs
}

// stripIDs removes the "id" of every event an events query answers, like the Python server.
type stripIDs struct{ next http.RoundTripper }

func (s stripIDs) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/events") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	defer resp.Body.Close()
	var evs []map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&evs); err != nil {
		return nil, err
	}
	for _, e := range evs {
		delete(e, "id")
	}
	body, err := json.Marshal(evs)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

func TestEventsEqualStartsKeepServerOrder(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			// Five events start together at 10:00 (a piece boundary) and five before the range.
			for i := range 5 {
				s.AddEvents("w", ev(60, float64(5-i), fmt.Sprint("at", i)))
				s.AddEvents("w", ev(-float64(i+1), float64(200+i), fmt.Sprint("before", i)))
			}
			c := activitywatch.New(s.URL(), activitywatch.WithPieceSize(0))
			want, err := c.Events(context.Background(), "w", at(0), at(180))
			require.NoError(t, err)
			got, err := activitywatch.New(s.URL(), activitywatch.WithPieceSize(time.Hour)).Events(context.Background(), "w", at(0), at(180))
			require.NoError(t, err)
			assert.Equal(t, summary(want.Events), summary(got.Events))
			assert.Equal(t, "at4 10:00:00+60s", summary(got.Events)[0], "equal starts: shortest first, as aw-server sorts")
		})
	}
}

func TestAPIKey(t *testing.T) {
	s := awtest.New(t)
	s.AddBucket(activity.Bucket{ID: "w", Type: activity.TypeWindow})
	s.RequireAPIKey("s3cret-key")

	tests := []struct {
		name    string
		opts    []activitywatch.Option
		wantErr bool
	}{
		{"right key", []activitywatch.Option{activitywatch.WithAPIKey("s3cret-key")}, false},
		{"wrong key", []activitywatch.Option{activitywatch.WithAPIKey("wrong-key-123")}, true},
		{"no key", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buckets, err := activitywatch.New(s.URL(), tt.opts...).Buckets(context.Background())
			if !tt.wantErr {
				require.NoError(t, err)
				assert.Len(t, buckets, 1)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, activitywatch.ErrUnauthorized)
			var he *activitywatch.HTTPError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, http.StatusUnauthorized, he.StatusCode)
			assert.Contains(t, err.Error(), "API key is missing or wrong")
			assert.NotContains(t, err.Error(), "wrong-key-123", "the key is never printed")
			assert.NotContains(t, err.Error(), "s3cret-key")
		})
	}
}

func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now

	base := "http://" + addr
	_, err = activitywatch.New(base).Buckets(context.Background())
	require.Error(t, err)
	assert.ErrorIs(t, err, activitywatch.ErrUnreachable)
	assert.Contains(t, err.Error(), "aw-server is not reachable at "+base+" — is ActivityWatch running?")

	t.Run("an invalid URL says how it should look", func(t *testing.T) {
		_, err := activitywatch.New("127.0.0.1:5600").Info(context.Background())
		assert.ErrorContains(t, err, "http://127.0.0.1:5600")
	})
}

func TestResolveBuckets(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			for _, id := range []string{"b", "a", "c"} {
				s.AddBucket(activity.Bucket{ID: id, Type: "t"})
			}
			c := activitywatch.New(s.URL())

			got, err := c.ResolveBuckets(context.Background(), []string{"c", "a", "c"})
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.Equal(t, "c", got[0].ID, "requested order, each once")
			assert.Equal(t, "a", got[1].ID)

			_, err = c.ResolveBuckets(context.Background(), []string{"a", "aw-watcher-window_gone"})
			var nf *activitywatch.BucketNotFoundError
			require.ErrorAs(t, err, &nf)
			assert.Equal(t, "aw-watcher-window_gone", nf.ID)
			assert.Equal(t, []string{"a", "b", "c"}, nf.Existing)
			assert.Contains(t, err.Error(), "a, b, c")
		})
	}
}

func TestMissingBucketEvents(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			_, err := activitywatch.New(s.URL()).Events(context.Background(), "nope", at(0), at(10))
			var he *activitywatch.HTTPError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, http.StatusNotFound, he.StatusCode)
			assert.Equal(t, "There's no bucket named nope", he.Message)
			assert.Contains(t, err.Error(), "There's no bucket named nope")
		})
	}
}

func TestMalformedEventsCounted(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			t.Run("negative duration stored by an old aw-server", func(t *testing.T) {
				s := awtest.NewFlavour(t, fl.flavour)
				s.AddEvents("w", ev(0, 10, "good"), activity.Event{Timestamp: at(20), Duration: -5, Data: map[string]any{"app": "bad"}})
				got, err := activitywatch.New(s.URL()).Events(context.Background(), "w", at(-60), at(60))
				require.NoError(t, err)
				assert.Equal(t, []string{"good 09:00:00+600s"}, summary(got.Events))
				assert.Equal(t, 1, got.Malformed)
			})
			t.Run("python server answer with NaN and broken events", func(t *testing.T) {
				body := `[
			{"timestamp": "2024-03-01T09:20:00+00:00", "duration": NaN, "data": {"app": "nan"}},
			{"timestamp": "2024-03-01T09:10:00.000001+00:00", "duration": 60.5, "data": {"app": "ok", "x": NaN}},
			{"timestamp": "soon", "duration": 1, "data": {}},
			{"timestamp": "2024-03-01T09:05:00+00:00", "duration": "1", "data": {}},
			{"timestamp": "2024-03-01T09:04:00+00:00", "duration": 1, "data": [1]},
			{"timestamp": "2024-03-01T09:03:00+00:00", "duration": null, "data": {}},
			"not an event"
		]`
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					_, _ = io.WriteString(w, body)
				}))
				defer srv.Close()
				got, err := activitywatch.New(srv.URL, activitywatch.WithPieceSize(0)).Events(context.Background(), "w", at(0), at(60))
				require.NoError(t, err)
				require.Len(t, got.Events, 1)
				assert.Equal(t, map[string]any{"app": "ok"}, got.Events[0].Data)
				assert.Equal(t, 60.5, got.Events[0].Duration)
				assert.Equal(t, 6, got.Malformed)
			})
		})
	}
}

func TestFaults(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			tests := []struct {
				name  string
				fault awtest.Fault
				opts  []activitywatch.Option
				check func(t *testing.T, err error)
			}{
				{
					name:  "server error keeps status and message",
					fault: awtest.Fault{Status: http.StatusInternalServerError},
					check: func(t *testing.T, err error) {
						var he *activitywatch.HTTPError
						require.ErrorAs(t, err, &he)
						assert.Equal(t, http.StatusInternalServerError, he.StatusCode)
						assert.Contains(t, err.Error(), "500 Internal Server Error")
						assert.Contains(t, err.Error(), "awtest fault")
					},
				},
				{
					name:  "slow answer times out clearly",
					fault: awtest.Fault{Delay: 5 * time.Second},
					opts:  []activitywatch.Option{activitywatch.WithTimeout(50 * time.Millisecond)},
					check: func(t *testing.T, err error) {
						assert.ErrorIs(t, err, activitywatch.ErrTimeout)
						assert.Contains(t, err.Error(), "did not answer")
						assert.Contains(t, err.Error(), "50ms")
					},
				},
				{
					name:  "invalid JSON",
					fault: awtest.Fault{MalformedJSON: true},
					check: func(t *testing.T, err error) {
						assert.ErrorContains(t, err, "not a JSON list of events")
					},
				},
				{
					name:  "dropped connection",
					fault: awtest.Fault{CloseConnection: true},
					check: func(t *testing.T, err error) {
						assert.ErrorContains(t, err, "aw-server at")
						assert.NotErrorIs(t, err, activitywatch.ErrUnreachable, "something answered")
					},
				},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					s := awtest.NewFlavour(t, fl.flavour)
					s.AddEvents("w", ev(0, 10, "a"))
					s.SetFault(tt.fault)
					_, err := activitywatch.New(s.URL(), tt.opts...).Events(context.Background(), "w", at(0), at(60))
					require.Error(t, err)
					assert.Contains(t, err.Error(), "events of bucket w", "the error names what was asked")
					tt.check(t, err)

					s.ClearFault()
					got, err := activitywatch.New(s.URL()).Events(context.Background(), "w", at(0), at(60))
					require.NoError(t, err, "works again once the fault is gone")
					assert.Len(t, got.Events, 1)
				})
			}

			t.Run("a fault on the middle piece fails the whole fetch", func(t *testing.T) {
				s := awtest.NewFlavour(t, fl.flavour)
				s.AddEvents("w", ev(0, 10, "a"))
				c := activitywatch.New(s.URL(), activitywatch.WithPieceSize(time.Hour))
				s.SetFault(awtest.Fault{Status: http.StatusServiceUnavailable, Path: "/api/0/buckets/w/events"})
				_, err := c.Events(context.Background(), "w", at(0), at(180))
				assert.Error(t, err, "no partial result")
			})

			t.Run("caller's cancellation is not a timeout", func(t *testing.T) {
				s := awtest.NewFlavour(t, fl.flavour)
				s.SetFault(awtest.Fault{Delay: 5 * time.Second})
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
				defer cancel()
				_, err := activitywatch.New(s.URL()).Info(ctx)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.False(t, errors.Is(err, activitywatch.ErrTimeout))
			})
		})
	}
}

func TestLastEvent(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			s.AddBucket(activity.Bucket{ID: "empty", Type: "t"})
			s.AddEvents("my bucket é", ev(0, 10, "old"), ev(30, 1, "new"), ev(20, 5, "mid"))
			c := activitywatch.New(s.URL())

			last, found, err := c.LastEvent(context.Background(), "my bucket é")
			require.NoError(t, err)
			require.True(t, found)
			assert.Equal(t, "new", last.Data["app"])

			_, found, err = c.LastEvent(context.Background(), "empty")
			require.NoError(t, err)
			assert.False(t, found)
		})
	}
}

func TestSettings(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			var classes any
			require.NoError(t, json.Unmarshal([]byte(`[
		{"id": 0, "name": ["Work"], "rule": {"type": "regex", "regex": "Google Docs|libreoffice"}, "data": {"color": "#0F0"}},
		{"id": 1, "name": ["Work", "Programming"], "rule": {"type": "regex", "regex": "GitHub|vim", "ignore_case": true}},
		{"id": 2, "name": ["Comms"], "rule": {"type": null}, "data": {"color": "#9FF"}},
		{"id": 3, "name": ["Uncategorized"], "rule": {"type": "none"}}
	]`), &classes))
			s.SetSettings(map[string]any{
				"classes":               classes,
				"always_active_pattern": "Zoom|Meet",
				"privacy_filters": []any{
					map[string]any{"enabled": true, "bucket_prefix": "aw-watcher-window", "field": "title", "pattern": "(?i)incognito", "action": "drop"},
					map[string]any{"enabled": false, "field": "title", "pattern": "bank", "action": "redact", "replacement": "REDACTED"},
					map[string]any{"field": "url", "pattern": "casino", "action": "drop"},
				},
				"theme": "dark",
			})

			got, err := activitywatch.New(s.URL()).Settings(context.Background())
			require.NoError(t, err)
			assert.Equal(t, []activitywatch.Category{
				{Name: []string{"Work"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "Google Docs|libreoffice"}, Color: "#0F0"},
				{Name: []string{"Work", "Programming"}, Rule: activitywatch.CategoryRule{Type: "regex", Regex: "GitHub|vim", IgnoreCase: true}},
				{Name: []string{"Comms"}, Rule: activitywatch.CategoryRule{Type: "none"}, Color: "#9FF"},
				{Name: []string{"Uncategorized"}, Rule: activitywatch.CategoryRule{Type: "none"}},
			}, got.Categories)
			assert.Equal(t, "Zoom|Meet", got.AlwaysActivePattern)
			assert.Equal(t, []activitywatch.PrivacyFilter{
				{Enabled: true, BucketPrefix: "aw-watcher-window", Field: "title", Pattern: "(?i)incognito", Action: "drop"},
				{Enabled: false, Field: "title", Pattern: "bank", Action: "redact", Replacement: "REDACTED"},
				{Enabled: true, Field: "url", Pattern: "casino", Action: "drop"}, // no "enabled": on, as aw-server reads it
			}, got.PrivacyFilters)
			assert.JSONEq(t, `"dark"`, string(got.Raw["theme"]))

			t.Run("classes stored as text", func(t *testing.T) {
				s.SetSettings(map[string]any{"classes": `[{"name":["Media"],"rule":{"type":"regex","regex":"YouTube"}}]`})
				got, err := activitywatch.New(s.URL()).Settings(context.Background())
				require.NoError(t, err)
				require.Len(t, got.Categories, 1)
				assert.Equal(t, []string{"Media"}, got.Categories[0].Name)
			})
			t.Run("nothing stored", func(t *testing.T) {
				s.SetSettings(map[string]any{})
				got, err := activitywatch.New(s.URL()).Settings(context.Background())
				require.NoError(t, err)
				assert.Empty(t, got.Categories)
				assert.Empty(t, got.AlwaysActivePattern)
				assert.Nil(t, got.PrivacyFilters)
			})
			t.Run("unreadable categories are a clear error", func(t *testing.T) {
				s.SetSettings(map[string]any{"classes": []any{map[string]any{"rule": map[string]any{"type": "regex"}}}})
				_, err := activitywatch.New(s.URL()).Settings(context.Background())
				assert.ErrorContains(t, err, "classes: category 1 has no name")
			})
		})
	}
}
