package reliability_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"strconv"
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
// foreign events — one after another, then four at a time — and the time of a create at larger
// collection sizes (the collection filled in one request, with copies of awcal's events under
// new UIDs). Each figure has the wall time and the server's CPU time (user + system, from
// /proc), which the load of the shared machine inflates less. It ends with the year's creates
// at those costs: a lower bound (every create as cheap as into the smallest collection) and an
// estimate (the cost interpolated between the sizes measured).
func davFloor(t *testing.T, srv *caldavtest.Server, creates []recordedCreate, foreign int, from time.Time) {
	t.Helper()
	require.NotEmpty(t, creates)
	require.NotZero(t, srv.PID, "the floor needs the server's process")
	c := newPlainClient(srv)
	var costs []sizeCost // collection size → one create's cost there

	// One after another, as awcal sent them.
	cal := srv.NewCalendar(t, "floor-seq", "floor-seq", "")
	uploadForeign(t, srv, cal, foreign, from)
	n := len(creates)
	tenth := max(n/10, 1)
	var walls []time.Duration
	cpu0 := cpuTime(t, srv.PID)
	for _, p := range creates {
		walls = append(walls, c.mustPut(t, cal+p.name, p.body, createHeader))
	}
	seq := phase{wall: sum(walls), cpu: cpuTime(t, srv.PID) - cpu0, n: n}
	first := phase{wall: sum(walls[:tenth]), n: tenth}
	costs = append(costs, sizeCost{foreign + n/2, seq.cpuPer()})
	figure(t, "scale/radicale/floor-sequential", map[string]any{
		"creates": n, "foreignEvents": foreign, "wall": seq.wall.Round(100 * time.Millisecond),
		"serverCPU": seq.cpu.Round(100 * time.Millisecond), "serverCPUPerCreate": seq.cpuPer().Round(100 * time.Microsecond),
		"firstTenthWallPerCreate": first.wallPer().Round(100 * time.Microsecond),
		"lastTenthWallPerCreate":  phase{wall: sum(walls[n-tenth:]), n: tenth}.wallPer().Round(100 * time.Microsecond),
	})

	// Four at a time.
	cal = srv.NewCalendar(t, "floor-par4", "floor-par4", "")
	uploadForeign(t, srv, cal, foreign, from)
	work := make(chan recordedCreate)
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), cpuTime(t, srv.PID)
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
	figure(t, "scale/radicale/floor-parallel4", map[string]any{"creates": n,
		"wall": time.Since(start).Round(100 * time.Millisecond), "serverCPU": (cpuTime(t, srv.PID) - cpu0).Round(100 * time.Millisecond)})

	// Larger collections.
	const sample = 40
	for _, extra := range []int{2_500, 5_000} {
		cal = srv.NewCalendar(t, fmt.Sprintf("floor-%d", extra), "floor", "")
		uploadCalendar(t, srv, cal, calendarWith(foreignEvents(foreign, from)+copies(creates, extra)))
		var w []time.Duration
		cpu0 := cpuTime(t, srv.PID)
		for _, p := range creates[:min(sample, n)] {
			w = append(w, c.mustPut(t, cal+p.name, p.body, createHeader))
		}
		at := phase{wall: sum(w), cpu: cpuTime(t, srv.PID) - cpu0, n: len(w)}
		costs = append(costs, sizeCost{foreign + extra + len(w)/2, at.cpuPer()})
		figure(t, "scale/radicale/floor-at-size", map[string]any{"collectionItems": foreign + extra, "creates": at.n,
			"wallPerCreate": at.wallPer().Round(100 * time.Microsecond), "serverCPUPerCreate": at.cpuPer().Round(100 * time.Microsecond)})
	}

	var estimate time.Duration
	for k := range yearCreates {
		estimate += interpolate(costs, foreign+k)
	}
	figure(t, "scale/radicale/floor-year", map[string]any{
		"yearCreates":              yearCreates,
		"lowerBoundWall":           (time.Duration(yearCreates) * first.wallPer()).Round(time.Second),
		"lowerBoundServerCPU":      (time.Duration(yearCreates) * seq.cpuPer()).Round(time.Second),
		"estimateServerCPU":        estimate.Round(time.Second),
		"serverCPUPerCreateAtSize": fmt.Sprint(costs),
	})
}

// yearCreates is how many events the year's backfill creates (docs/RELIABILITY.md, since
// 342259b).
const yearCreates = 3_752

// phase is n creates that took wall in all and cost the server cpu.
type phase struct {
	wall, cpu time.Duration
	n         int
}

func (p phase) wallPer() time.Duration { return p.wall / time.Duration(p.n) }
func (p phase) cpuPer() time.Duration  { return p.cpu / time.Duration(p.n) }

func sum(ds []time.Duration) time.Duration {
	var s time.Duration
	for _, d := range ds {
		s += d
	}
	return s
}

// sizeCost is what one create cost the server in a collection of items items.
type sizeCost struct {
	items int
	cpu   time.Duration
}

func (s sizeCost) String() string {
	return fmt.Sprintf("%d:%s", s.items, s.cpu.Round(100*time.Microsecond))
}

// interpolate is the cost at items, linear between the measured sizes (sorted by size) and
// constant beyond them.
func interpolate(costs []sizeCost, items int) time.Duration {
	if items <= costs[0].items {
		return costs[0].cpu
	}
	for i := 1; i < len(costs); i++ {
		if a, b := costs[i-1], costs[i]; items <= b.items {
			return a.cpu + time.Duration(float64(b.cpu-a.cpu)*float64(items-a.items)/float64(b.items-a.items))
		}
	}
	return costs[len(costs)-1].cpu
}

// cpuTime is the process's CPU time so far (user + system), from /proc/pid/stat in clock ticks
// of 10 ms (USER_HZ is 100 on Linux).
func cpuTime(t testing.TB, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(t, err)
	// The fields after the command name (in parentheses, which may hold spaces): state is the
	// first, utime the 12th and stime the 13th.
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, err := strconv.Atoi(fields[11])
	require.NoError(t, err)
	stime, err := strconv.Atoi(fields[12])
	require.NoError(t, err)
	return time.Duration(utime+stime) * 10 * time.Millisecond
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
