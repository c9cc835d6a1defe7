package reliability_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/reliability/faultproxy"
)

// scaleSizes are the backfills TestScale runs: go test backfills two and eight weeks into an
// .ics file holding 5k foreign events (the memory bound compares them) and four days to
// Radicale; AWCAL_STRESS=1 backfills a year of heavy activity (≈ 650k events) into an .ics file
// holding 50k foreign events, and to Radicale holding 2k.
type scaleSizes struct {
	small, large int // days
	icsForeign   int
	// davDays can be shortened with AWCAL_SCALE_DAV_DAYS: the year's creates take Radicale
	// 10–20 minutes, since each one reads every item of the collection (docs/PERFORMANCE.md).
	// AWCAL_SCALE_DAV_FLOOR=1 measures that floor after the backfill (davFloor).
	davDays    int
	davForeign int
}

func sizes() scaleSizes {
	if stress() {
		return scaleSizes{small: 14, large: envInt("AWCAL_SCALE_DAYS", 365), icsForeign: 50_000,
			davDays: envInt("AWCAL_SCALE_DAV_DAYS", 365), davForeign: 2_000}
	}
	return scaleSizes{small: 14, large: 56, icsForeign: 5_000, davDays: 4, davForeign: 300}
}

// backfillFigures are what one backfill measured.
type backfillFigures struct {
	days, events, owned, foreign int
	started                      time.Time
	wall, cpu                    time.Duration
	maxRSS                       int64
	calendarBytes                int64
	requests                     map[string]string // CalDAV: method → "count in total time"
}

// TestScale backfills long ranges of heavy generated activity with `awcal sync --from --to` and
// measures the subprocess: wall time and peak RSS (rusage). Peak memory must stay bounded — the
// syncer derives a long range in pieces that end at quiescent points, so a range four (or 26)
// times longer may not need much more memory — foreign events must come through untouched,
// the calendar must be well formed, and backfilling the same range again must change nothing.
func TestScale(t *testing.T) {
	sz := sizes()
	t.Run("ics", func(t *testing.T) {
		small := backfillICS(t, sz.small, sz.icsForeign)
		large := backfillICS(t, sz.large, sz.icsForeign)
		// Activity grows 4× (26× under stress); memory may grow with the calendar (the file is
		// read whole, and it holds the owned events of the whole range), not with the activity.
		bound := 2*small.maxRSS + large.calendarBytes*4
		assert.Less(t, large.maxRSS, bound, "peak RSS of a %d-day backfill (%s) against a %d-day one (%s): memory follows the range",
			large.days, mib(large.maxRSS), small.days, mib(small.maxRSS))
	})
	t.Run("radicale", func(t *testing.T) {
		srv := startRadicale(t)
		backfillDAV(t, srv, sz.davDays, sz.davForeign)
	})
}

func backfillICS(t *testing.T, days, foreign int) backfillFigures {
	t.Helper()
	data, from, to := generate(days, fakedata.Heavy, 31)
	var cal *icsTarget
	w := newWorld(t, nil, func(h *home) target { cal = newICSTarget(h); return cal }, nil)
	loadAll(w.aw, data)
	cal.addForeignBulk(t, foreign, from.Add(-24*time.Hour))
	before := cal.foreign(t)
	require.Len(t, before, foreign)

	f := runBackfill(t, w, from, to)
	f.days, f.events, f.foreign = days, countEvents(data), foreign
	info, err := os.Stat(cal.path)
	require.NoError(t, err)
	f.calendarBytes = info.Size()
	assert.Equal(t, before, cal.foreign(t), "foreign events changed")
	figure(t, fmt.Sprintf("scale/ics/%d-days", days), f.figures())
	return f
}

func backfillDAV(t *testing.T, srv *caldavtest.Server, days, foreign int) backfillFigures {
	t.Helper()
	data, from, to := generate(days, fakedata.Heavy, 31)
	// A proxy that injects nothing, to see where the time goes; it keeps awcal's creates for
	// the floor.
	rec := &createRecorder{next: srv.Client.Transport}
	if rec.next == nil {
		rec.next = http.DefaultTransport
	}
	p := faultproxy.New(t, srv.URL, rec)
	cal := newDAVCalendar(t, srv, p.URL(), fmt.Sprintf("scale%d", days))
	w := newWorld(t, nil, func(*home) target { return cal }, nil)
	loadAll(w.aw, data)
	uploadForeign(t, srv, cal.cal, foreign, from.Add(-24*time.Hour))
	before := etags(t, srv, cal.cal)
	require.Len(t, before, foreign)

	f := runBackfill(t, w, from, to)
	f.days, f.events, f.foreign = days, countEvents(data), foreign
	f.requests = map[string]string{}
	count, took := map[string]int{}, map[string]time.Duration{}
	for _, r := range p.Requests() {
		if !r.At.Before(f.started.Add(f.wall)) {
			continue // the backfill's requests only
		}
		count[r.Method]++
		took[r.Method] += r.Duration
	}
	for m, n := range count {
		f.requests[m] = fmt.Sprintf("%d in %s", n, took[m].Round(100*time.Millisecond))
	}
	after := etags(t, srv, cal.cal)
	for href, tag := range before {
		assert.Equal(t, tag, after[href], "foreign event %s changed or vanished", href)
	}
	figure(t, fmt.Sprintf("scale/radicale/%d-days", days), f.figures())
	if davFloorWanted() {
		davFloor(t, srv, rec.creates(), foreign, from.Add(-24*time.Hour))
	}
	return f
}

// runBackfill backfills [from, to) an hour after to, checks the calendar, backfills again
// (nothing may change) and runs one last-checked sync after it.
func runBackfill(t *testing.T, w *world, from, to time.Time) backfillFigures {
	t.Helper()
	now := to.Add(time.Hour)
	args := []string{"--from", stamp(from), "--to", stamp(to), "--json"}
	r := w.mustSync(t, now, args...)
	if os.Getenv("AWCAL_CHILD_GODEBUG") != "" {
		t.Logf("stderr of the backfill:\n%s", r.stderr)
	}
	f := backfillFigures{started: r.began, wall: r.wall, cpu: r.cpu, maxRSS: r.maxRSS}
	var rep struct{ Created, Updated, Deleted int }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), r.stdout)
	evs := w.cal.owned(t)
	f.owned = len(evs)
	require.NotEmpty(t, evs)
	assert.Equal(t, rep.Created, len(evs), "events created by the backfill")
	assertWellFormed(t, evs)
	for _, e := range evs {
		assert.False(t, e.Start.Before(from.Add(-6*time.Hour)) || e.End.After(to.Add(6*time.Hour)), "event outside the range: %v", briefs([]calendar.Event{e}))
	}

	again := w.mustSync(t, now, args...)
	require.NoError(t, json.Unmarshal([]byte(again.stdout), &rep), again.stdout)
	assert.Zero(t, rep.Created+rep.Updated+rep.Deleted, "backfilling the same range again changed the calendar: %s", again.stdout)
	assert.Len(t, w.cal.owned(t), len(evs), "backfilling the same range again")
	w.mustSync(t, now)
	return f
}

func (f backfillFigures) figures() map[string]any {
	m := map[string]any{
		"days": f.days, "events": f.events, "ownedEvents": f.owned, "foreignEvents": f.foreign,
		"wall": f.wall.Round(10 * time.Millisecond), "cpu": f.cpu.Round(10 * time.Millisecond), "peakRSS": mib(f.maxRSS), "peakRSSBytes": f.maxRSS,
		"calendarBytes": f.calendarBytes, "eventsPerSecond": int(float64(f.events) / f.wall.Seconds()),
	}
	for method, s := range f.requests {
		m["requests"+method] = s
	}
	return m
}

// uploadForeign stores n foreign events in Radicale's calendar at calPath in one request
// (Radicale takes a whole iCalendar PUT to a collection and keeps one resource per UID); it
// must run before awcal writes there, since it replaces the collection's content.
func uploadForeign(t *testing.T, srv *caldavtest.Server, calPath string, n int, from time.Time) {
	t.Helper()
	uploadCalendar(t, srv, calPath, calendarWith(foreignEvents(n, from)))
}

// etags lists the resources of the calendar at calPath with their ETags (one PROPFIND).
func etags(t *testing.T, srv *caldavtest.Server, calPath string) map[string]string {
	t.Helper()
	status, body, _ := srv.Do(t, "PROPFIND", calPath, http.Header{"Depth": {"1"}, "Content-Type": {"application/xml"}},
		`<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`)
	require.Equal(t, http.StatusMultiStatus, status, "PROPFIND %s: %s", calPath, body)
	var ms struct {
		Responses []struct {
			Href string `xml:"DAV: href"`
			ETag string `xml:"DAV: propstat>prop>getetag"`
		} `xml:"DAV: response"`
	}
	require.NoError(t, xml.Unmarshal([]byte(body), &ms))
	out := map[string]string{}
	for _, r := range ms.Responses {
		if !strings.HasSuffix(r.Href, "/") && strings.Contains(r.Href, "other.example") {
			out[r.Href] = r.ETag
		}
	}
	return out
}
