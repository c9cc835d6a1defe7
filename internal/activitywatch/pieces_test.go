package activitywatch_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/fakedata"
)

// TestEventsPiecesFollowDensity: two weeks of heavy activity read with the default pieces (a
// day, a second day asked for while the first is read, then sized for about 10,000 events)
// give exactly what pieces of a day give, on both servers, in far fewer requests; every piece
// starts a whole number of days after the range's start, and the query for an event covering a
// piece's start is sent for the first piece only, unless a long event reaches the end of the
// piece before.
func TestEventsPiecesFollowDensity(t *testing.T) {
	opts := fakedata.Options{Days: 14, Seed: 1, Intensity: fakedata.Heavy}
	generated := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, opts.Days-1)
	from = from.Add(-3 * time.Hour) // the first piece starts inside the evening's AFK period
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			s := awtest.NewFlavour(t, fl.flavour)
			for _, b := range generated {
				s.AddBucket(b.Bucket)
				s.AddEvents(b.Bucket.ID, b.Events...)
			}
			byDay := activitywatch.New(s.URL(), activitywatch.WithPieceSize(24*time.Hour))
			for _, b := range generated {
				want, err := byDay.Events(context.Background(), b.Bucket.ID, from, to)
				require.NoError(t, err)
				var queries []string
				c := activitywatch.New(s.URL(), activitywatch.WithHTTPClient(&http.Client{Transport: recordQueries{&queries}}))
				got, err := c.Events(context.Background(), b.Bucket.ID, from, to)
				require.NoError(t, err)
				assert.Equal(t, want, got, "bucket %s", b.Bucket.ID)

				pieces, lookBack := 0, 0
				for _, raw := range queries {
					q, err := url.ParseQuery(raw)
					require.NoError(t, err)
					if q.Get("limit") == "1" {
						lookBack++
						continue
					}
					start, err := time.Parse(time.RFC3339Nano, q.Get("start"))
					require.NoError(t, err)
					if start.Before(from) {
						continue // a piece read again from an event that covers its start
					}
					pieces++
					assert.Zero(t, start.Sub(from)%(24*time.Hour), "bucket %s: piece from %s", b.Bucket.ID, start)
				}
				assert.LessOrEqual(t, pieces, 5, "bucket %s: %d heavy days in at most 5 pieces", b.Bucket.ID, opts.Days)
				if activity.KindOf(b.Bucket) == activity.KindAFK {
					assert.LessOrEqual(t, lookBack, 3, "bucket %s: the first piece, and after the weekend's AFK period", b.Bucket.ID)
				} else {
					assert.LessOrEqual(t, lookBack, 1, "bucket %s: the first piece only", b.Bucket.ID)
				}
			}
		})
	}
}

// TestEventsAsksTheLastPieceBesideTheOnesBefore: when the rest of the range fits in one more
// piece, it is asked for with the piece before it, not once the piece two before it is in.
// The answer to the first piece sized by density is held until the last piece is asked for:
// asked only after that answer, the read would wait for ever (it is given a minute to fail).
// What is read is still what pieces of a day give.
func TestEventsAsksTheLastPieceBesideTheOnesBefore(t *testing.T) {
	opts := fakedata.Options{Days: 14, Seed: 1, Intensity: fakedata.Heavy}
	generated := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, opts.Days-1)
	s := awtest.New(t)
	window := generated[0].Bucket
	require.Equal(t, activity.KindWindow, activity.KindOf(window))
	s.AddBucket(window)
	s.AddEvents(window.ID, generated[0].Events...)
	want, err := activitywatch.New(s.URL(), activitywatch.WithPieceSize(24*time.Hour)).Events(context.Background(), window.ID, from, to)
	require.NoError(t, err)

	hold := holdUntilLastPiece{held: from.Add(48 * time.Hour), last: to, asked: make(chan struct{})}
	c := activitywatch.New(s.URL(), activitywatch.WithHTTPClient(&http.Client{Transport: &hold}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := c.Events(ctx, window.ID, from, to)
	require.NoError(t, err, "the last piece is asked for while the one held is under way")
	assert.True(t, hold.didHold, "the piece from %s was asked for, and held", hold.held)
	assert.Equal(t, want, got)
}

// holdUntilLastPiece holds the answer to the piece that starts at held until the piece that
// ends at last is asked for.
type holdUntilLastPiece struct {
	held, last time.Time
	asked      chan struct{}
	once       sync.Once
	didHold    bool
}

func (h *holdUntilLastPiece) RoundTrip(req *http.Request) (*http.Response, error) {
	q := req.URL.Query()
	start, _ := time.Parse(time.RFC3339Nano, q.Get("start"))
	end, _ := time.Parse(time.RFC3339Nano, q.Get("end"))
	if end.Equal(h.last) && start.After(h.held) {
		h.once.Do(func() { close(h.asked) })
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if start.Equal(h.held) {
		h.didHold = true
		select {
		case <-h.asked:
		case <-req.Context().Done():
		}
	}
	return resp, err
}

// TestEventsLongPeriodsOnThePythonServer: AFK-like buckets (one event after another, some
// lasting days, with gaps) read in pieces from the Python aw-server, whose 24-hour cut-off
// leaves long events out of a piece's answer, give what one unpaged query to aw-server-rust
// gives, however the pieces fall: the look-up of an event covering a piece's start is sent
// wherever it can matter.
func TestEventsLongPeriodsOnThePythonServer(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 7))
		var evs []activity.Event
		at := t0.Add(-time.Duration(r.IntN(72)) * time.Hour)
		for at.Before(t0.Add(12 * 24 * time.Hour)) {
			var d time.Duration
			switch r.IntN(4) {
			case 0:
				d = time.Duration(r.IntN(80)+1) * time.Hour // up to more than three days
			case 1:
				d = 24 * time.Hour // ends where a piece may start
			default:
				d = time.Duration(r.IntN(7200)+1) * time.Second
			}
			status := []string{"afk", "not-afk"}[r.IntN(2)]
			evs = append(evs, activity.Event{Timestamp: at, Duration: d.Seconds(), Data: map[string]any{"status": status}})
			at = at.Add(d)
			if r.IntN(3) == 0 {
				at = at.Add(time.Duration(r.IntN(30*3600)) * time.Second) // a gap (the watcher was off)
			}
		}
		rust, py := awtest.New(t), awtest.NewPython(t)
		rust.AddEvents("afk", evs...)
		py.AddEvents("afk", evs...)
		from, to := t0.Add(time.Duration(r.IntN(48))*time.Hour), t0.Add(10*24*time.Hour+time.Duration(r.IntN(3600))*time.Second)
		want := rawEvents(t, http.DefaultClient, rust.URL()+"/api/0/buckets/afk/events", from, to)
		for _, o := range []activitywatch.Option{
			activitywatch.WithPieceSize(24 * time.Hour), activitywatch.WithPieceSize(5 * time.Hour),
			activitywatch.WithPieceSize(30 * time.Hour), activitywatch.WithPiecesByDensity(24*time.Hour, activitywatch.DefaultPieceEvents),
			activitywatch.WithPiecesByDensity(3*time.Hour, 2), activitywatch.WithPiecesByDensity(7*time.Hour, 1),
		} {
			var queries []string
			c := activitywatch.New(py.URL(), o, activitywatch.WithHTTPClient(&http.Client{Transport: recordQueries{&queries}}))
			got, err := c.Events(context.Background(), "afk", from, to)
			require.NoError(t, err)
			require.Equal(t, byStartAndID(want), byStartAndID(got.Events), "seed %d, queries:\n%s", seed, strings.Join(queries, "\n"))
		}
	}
}

// TestEventsAsksForTheNextPieceBeforeReadingAnAnswer: the server holds back the first
// piece's answer until the second piece's request has arrived; the client gets both (were it
// to wait for the first answer before asking for the second, its requests would time out).
func TestEventsAsksForTheNextPieceBeforeReadingAnAnswer(t *testing.T) {
	s := awtest.New(t)
	s.AddEvents("w", ev(0, 10, "a"), ev(90, 10, "b"), ev(150, 10, "c"))
	secondAsked := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("start") {
		case formatted(at(0)):
			select {
			case <-secondAsked:
			case <-r.Context().Done():
				return
			}
		case formatted(at(60)):
			once.Do(func() { close(secondAsked) })
		}
		proxy(t, w, r, s.URL())
	}))
	t.Cleanup(srv.Close)
	c := activitywatch.New(srv.URL, activitywatch.WithPieceSize(time.Hour), activitywatch.WithTimeout(10*time.Second))
	got, err := c.Events(context.Background(), "w", at(0), at(180))
	require.NoError(t, err)
	assert.Equal(t, []string{"c 11:30:00+600s", "b 10:30:00+600s", "a 09:00:00+600s"}, summary(got.Events))
}

// TestEventsAsksOnWhileTheFirstPieceLooksBack: the server holds back the first piece's
// look-up (the query for an event covering its start) until the fourth piece's request has
// arrived. The client gets everything, as piece i+2 is asked for once piece i is answered;
// were it to wait for the first piece's look-up before asking for more than the third, its
// requests would time out.
func TestEventsAsksOnWhileTheFirstPieceLooksBack(t *testing.T) {
	s := awtest.New(t)
	s.AddEvents("w", ev(70, 10, "a"), ev(130, 10, "b"), ev(190, 10, "c"), ev(250, 10, "d"))
	fourthAsked := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case q.Get("limit") == "1" && q.Get("end") == formatted(at(0)):
			select {
			case <-fourthAsked:
			case <-r.Context().Done():
				return
			}
		case q.Get("start") == formatted(at(180)):
			once.Do(func() { close(fourthAsked) })
		}
		proxy(t, w, r, s.URL())
	}))
	t.Cleanup(srv.Close)
	c := activitywatch.New(srv.URL, activitywatch.WithPieceSize(time.Hour), activitywatch.WithTimeout(10*time.Second))
	got, err := c.Events(context.Background(), "w", at(0), at(300))
	require.NoError(t, err)
	assert.Equal(t, []string{"d 13:10:00+600s", "c 12:10:00+600s", "b 11:10:00+600s", "a 10:10:00+600s"}, summary(got.Events))
}

// TestEventsReturnsWhenTheCallerCancels: the caller's context is cancelled while both pieces'
// requests are under way (as the syncer does when another bucket's read fails); Events
// returns the cancellation instead of waiting for answers that will never be reported.
func TestEventsReturnsWhenTheCallerCancels(t *testing.T) {
	for range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		var asked sync.WaitGroup
		asked.Add(2)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			asked.Done()
			<-r.Context().Done()
		}))
		go func() { asked.Wait(); cancel() }()
		c := activitywatch.New(srv.URL, activitywatch.WithPieceSize(time.Hour))
		done := make(chan error)
		go func() {
			_, err := c.Events(ctx, "w", at(0), at(180))
			done <- err
		}()
		select {
		case err := <-done:
			require.ErrorIs(t, err, context.Canceled)
		case <-time.After(time.Minute):
			t.Fatal("Events did not return after its context was cancelled")
		}
		srv.Close()
	}
}

// formatted is t as the client writes it in a query.
func formatted(t time.Time) string { return t.Format(time.RFC3339Nano) }

// proxy answers r with what the server at base answers.
func proxy(t *testing.T, w http.ResponseWriter, r *http.Request, base string) {
	resp, err := http.Get(base + r.URL.RequestURI())
	if err != nil {
		t.Error(err)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// TestEventsEndingJustBeforeAPieceOnThePythonServer: the Python aw-server rounds a query's
// start down to the millisecond, so an event that ends less than a millisecond before a piece
// starts comes back in that piece's answer too; it is still one event.
func TestEventsEndingJustBeforeAPieceOnThePythonServer(t *testing.T) {
	from := t0.Add(700 * time.Microsecond)
	evs := []activity.Event{
		{Timestamp: t0.Add(10 * time.Minute), Duration: (50*time.Minute + 300*time.Microsecond).Seconds(), Data: map[string]any{"app": "a"}},
		{Timestamp: t0.Add(70 * time.Minute), Duration: 60, Data: map[string]any{"app": "b"}},
	}
	rust, py := awtest.New(t), awtest.NewPython(t)
	rust.AddEvents("w", evs...)
	py.AddEvents("w", evs...)
	want := rawEvents(t, http.DefaultClient, rust.URL()+"/api/0/buckets/w/events", from, from.Add(2*time.Hour))
	require.Len(t, want, 2)
	for _, o := range []activitywatch.Option{activitywatch.WithPieceSize(time.Hour), activitywatch.WithPiecesByDensity(time.Hour, 1)} {
		got, err := activitywatch.New(py.URL(), o).Events(context.Background(), "w", from, from.Add(2*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, want, got.Events)
	}
}
