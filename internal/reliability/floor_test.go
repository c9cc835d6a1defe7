package reliability_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
)

// davFloorEnv turns on the CalDAV floor after TestScale/radicale's backfill (it takes about
// three times the backfill's time, so it is asked for, not run by every stress run).
const davFloorEnv = "AWCAL_SCALE_DAV_FLOOR"

// createRecorder is the fault proxy's way to the server: it keeps the resource name and body
// of every create awcal sends (a PUT with If-None-Match: *), in the order they were sent.
type createRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	puts []recordedCreate
}

type recordedCreate struct {
	name string
	body []byte
}

func (r *createRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut && req.Header.Get("If-None-Match") == "*" && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		r.mu.Lock()
		r.puts = append(r.puts, recordedCreate{name: path.Base(req.URL.Path), body: body})
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

func (r *createRecorder) creates() []recordedCreate {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordedCreate(nil), r.puts...)
}

// plainClient is the floor's client: Go's HTTP client and nothing of awcal. Radicale 3.1.8
// answers HTTP/1.0 and closes the connection after each answer, so each request connects anew
// (over the loopback) whatever the client keeps.
type plainClient struct {
	srv    *caldavtest.Server
	client *http.Client
}

func newPlainClient(srv *caldavtest.Server) *plainClient {
	return &plainClient{srv: srv, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}}
}

// put sends one PUT and returns how long the answer took.
func (c *plainClient) put(p string, body []byte, header http.Header) (time.Duration, error) {
	req, err := http.NewRequest(http.MethodPut, strings.TrimSuffix(c.srv.URL, "/")+p, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = header.Clone()
	req.SetBasicAuth(c.srv.Username, c.srv.Password)
	start := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusNoContent {
		return 0, fmt.Errorf("PUT %s: %d %s", p, resp.StatusCode, b)
	}
	return took, nil
}

// mustPut is put, failing the test on an error.
func (c *plainClient) mustPut(t testing.TB, p string, body []byte, header http.Header) time.Duration {
	t.Helper()
	d, err := c.put(p, body, header)
	require.NoError(t, err)
	return d
}

var createHeader = http.Header{"Content-Type": {"text/calendar; charset=utf-8"}, "If-None-Match": {"*"}}

// davFloor measures what Radicale itself needs for awcal's creates: the same bodies at the same
// resource names, sent by a plain client to a new calendar of the same server holding the same
// foreign events — one after another, then four at a time — and the time of one create at
// larger collection sizes (the collection filled in one request, with copies of awcal's events
// under new UIDs). It logs each figure and a line fitted to the per-create times.
func davFloor(t *testing.T, srv *caldavtest.Server, creates []recordedCreate, foreign int, from time.Time) {
	t.Helper()
	require.NotEmpty(t, creates)
	c := newPlainClient(srv)
	var points []sizeTime // collection size before the create → its time

	// One after another, as awcal sent them.
	cal := srv.NewCalendar(t, "floor-seq", "floor-seq", "")
	uploadForeign(t, srv, cal, foreign, from)
	var total time.Duration
	for i, p := range creates {
		d := c.mustPut(t, cal+p.name, p.body, createHeader)
		total += d
		points = append(points, sizeTime{foreign + i, d})
	}
	n := len(creates)
	tenth := max(n/10, 1)
	figure(t, "scale/radicale/floor-sequential", map[string]any{
		"creates": n, "total": total.Round(100 * time.Millisecond), "foreignEvents": foreign,
		"firstTenthMeanMs": meanMs(points[:tenth]), "lastTenthMeanMs": meanMs(points[n-tenth:]),
	})

	// Four at a time.
	cal = srv.NewCalendar(t, "floor-par4", "floor-par4", "")
	uploadForeign(t, srv, cal, foreign, from)
	work := make(chan recordedCreate)
	var wg sync.WaitGroup
	start := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if _, err := c.put(cal+p.name, p.body, createHeader); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for _, p := range creates {
		work <- p
	}
	close(work)
	wg.Wait()
	figure(t, "scale/radicale/floor-parallel4", map[string]any{"creates": n, "wall": time.Since(start).Round(100 * time.Millisecond)})

	// Larger collections: the time of one create with 2,500 and 5,000 more events in it.
	const sample = 40
	for _, extra := range []int{2_500, 5_000} {
		cal = srv.NewCalendar(t, fmt.Sprintf("floor-%d", extra), "floor", "")
		uploadCalendar(t, srv, cal, calendarWith(foreignEvents(foreign, from)+copies(creates, extra)))
		var at []sizeTime
		for i, p := range creates[:min(sample, n)] {
			at = append(at, sizeTime{foreign + extra + i, c.mustPut(t, cal+p.name, p.body, createHeader)})
		}
		points = append(points, at...)
		figure(t, "scale/radicale/floor-at-size", map[string]any{"collectionItems": foreign + extra, "creates": len(at), "meanMs": meanMs(at)})
	}

	a, b := fit(points)
	year := 0.0
	for k := range yearCreates {
		year += a + b*float64(foreign+k)
	}
	figure(t, "scale/radicale/floor-fit", map[string]any{
		"msPerCreate":  fmt.Sprintf("%.1f + %.4f × items", a, b),
		"yearEstimate": (time.Duration(year) * time.Millisecond).Round(time.Second), "yearCreates": yearCreates,
	})
}

// yearCreates is how many events the year's backfill creates (docs/PERFORMANCE.md).
const yearCreates = 5_036

type sizeTime struct {
	items int
	took  time.Duration
}

func meanMs(ps []sizeTime) string {
	var sum time.Duration
	for _, p := range ps {
		sum += p.took
	}
	return fmt.Sprintf("%.1f", float64(sum)/float64(len(ps))/float64(time.Millisecond))
}

// fit is the least-squares line through the points: milliseconds = a + b × items.
func fit(ps []sizeTime) (a, b float64) {
	var sx, sy, sxx, sxy float64
	for _, p := range ps {
		x, y := float64(p.items), float64(p.took)/float64(time.Millisecond)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	n := float64(len(ps))
	b = (n*sxy - sx*sy) / (n*sxx - sx*sx)
	return (sy - b*sx) / n, b
}

// foreignEvents are the foreign events uploadForeign stores, as VEVENTs.
func foreignEvents(n int, from time.Time) string {
	var b strings.Builder
	for i := range n {
		uid := fmt.Sprintf("bulk-%d@other.example", i)
		b.WriteString(foreignVEvent(uid, from.Add(time.Duration(i)*17*time.Minute), 25*time.Minute, fmt.Sprintf("Foreign %d", i)))
	}
	return b.String()
}

// copies are n VEVENTs copied from awcal's creates, each under a new UID.
func copies(creates []recordedCreate, n int) string {
	var b strings.Builder
	for i := range n {
		body := string(creates[i%len(creates)].body)
		begin, end := strings.Index(body, "BEGIN:VEVENT"), strings.LastIndex(body, "END:VEVENT\r\n")
		ev := body[begin : end+len("END:VEVENT\r\n")]
		uidAt := strings.Index(ev, "\r\nUID:") + len("\r\nUID:")
		uidEnd := uidAt + strings.Index(ev[uidAt:], "\r\n")
		b.WriteString(ev[:uidAt] + fmt.Sprintf("filler-%d@floor.example", i) + ev[uidEnd:])
	}
	return b.String()
}

func calendarWith(vevents string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other Client//EN\r\n" + vevents + "END:VCALENDAR\r\n"
}

// uploadCalendar replaces the content of the calendar at calPath with one request (Radicale
// keeps one resource per UID). It waits as long as the server takes: thousands of events take
// Radicale tens of seconds on a busy machine.
func uploadCalendar(t testing.TB, srv *caldavtest.Server, calPath, ics string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, strings.TrimSuffix(srv.URL, "/")+calPath, strings.NewReader(ics))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	req.SetBasicAuth(srv.Username, srv.Password)
	resp, err := (&http.Client{}).Do(req)
	require.NoError(t, err, "uploading to %s", calPath)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, []int{http.StatusCreated, http.StatusNoContent, http.StatusOK}, resp.StatusCode, "uploading to %s: %s", calPath, b)
}

func davFloorWanted() bool { return os.Getenv(davFloorEnv) == "1" }
