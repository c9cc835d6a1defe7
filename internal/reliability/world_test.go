package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/calendar/ics"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/secret"
	"github.com/awcal/awcal/internal/testreal"
)

// host is the generated machine's name; its buckets are aw-watcher-window_workstation etc.
const host = fakedata.DefaultHostname

// monday is the first generated day.
var monday = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// generate returns days of activity from monday (newest first per bucket) and their bounds.
func generate(days int, intensity fakedata.Intensity, seed int64) ([]activity.BucketEvents, time.Time, time.Time) {
	opts := fakedata.Options{Start: monday, Days: days, Seed: seed, Intensity: intensity, Hostname: host}
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, days-1)
	return fakedata.Generate(opts), from, to
}

// countEvents is the number of events in buckets.
func countEvents(data []activity.BucketEvents) int {
	n := 0
	for _, b := range data {
		n += len(b.Events)
	}
	return n
}

// replay feeds generated activity to aw-server as it would have been recorded: an event
// appears once it has begun (aw-server cuts its growing end at the query's end, as heartbeats
// would have left it), except an afk period, which aw-watcher-afk writes only when its 180 s
// timeout has run out, back-dated.
type replay struct {
	aw      *awtest.Server
	pending []pendingEvent
}

type pendingEvent struct {
	bucket  string
	visible time.Time
	ev      activity.Event
}

func newReplay(aw *awtest.Server, data []activity.BucketEvents) *replay {
	r := &replay{aw: aw}
	for _, be := range data {
		aw.AddBucket(be.Bucket)
		afk := activity.KindOf(be.Bucket) == activity.KindAFK
		for _, e := range be.Events {
			visible := e.Timestamp
			if afk && e.Data["status"] == "afk" {
				visible = visible.Add(180 * time.Second)
			}
			r.pending = append(r.pending, pendingEvent{be.Bucket.ID, visible, e})
		}
	}
	slices.SortStableFunc(r.pending, func(a, b pendingEvent) int { return a.visible.Compare(b.visible) })
	return r
}

// advance makes every event visible by t appear.
func (r *replay) advance(t time.Time) {
	n := 0
	for n < len(r.pending) && !r.pending[n].visible.After(t) {
		r.aw.AddEvents(r.pending[n].bucket, r.pending[n].ev)
		n++
	}
	r.pending = r.pending[n:]
}

// loadAll puts every event into aw-server at once (a past range being backfilled).
func loadAll(aw *awtest.Server, data []activity.BucketEvents) {
	for _, be := range data {
		aw.AddBucket(be.Bucket)
		aw.AddEvents(be.Bucket.ID, be.Events...)
	}
}

// target is a calendar awcal writes to, with the test's own view of it.
type target interface {
	// configure points cfg's calendar section at the target.
	configure(cfg *config.Config)
	// owned reads every event awcal owns, sorted by start then UID.
	owned(t testing.TB) []calendar.Event
	// addForeign stores a VEVENT (its text, CRLF lines) as another client would.
	addForeign(t testing.TB, uid, vevent string)
	// foreign returns each foreign event as stored now, by UID.
	foreign(t testing.TB) map[string]string
}

// icsTarget is an .ics file. Foreign events are written into the file before awcal first
// writes it, together with a VTODO and a VTIMEZONE that must survive too.
type icsTarget struct {
	path     string
	foreigns []string // UIDs
	ourHead  bool     // the file was created here, with icsHead and icsTodo
}

func newICSTarget(h *home) *icsTarget {
	return &icsTarget{path: filepath.Join(h.getenv("XDG_DATA_HOME"), "awcal", "activity.ics")}
}

func (c *icsTarget) configure(cfg *config.Config) {
	cfg.Calendar = config.Calendar{Kind: config.CalendarICS, Path: c.path}
}

func (c *icsTarget) owned(t testing.TB) []calendar.Event {
	t.Helper()
	s, err := ics.Open(c.path)
	require.NoError(t, err)
	evs, err := s.Owned(context.Background(), time.Unix(0, 0), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err, "reading the calendar file")
	return evs
}

// icsHead and icsOther are the parts of the file that are not events: both must survive.
const (
	icsHead = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other Client//Reliability//EN\r\nX-WR-CALNAME:Mine\r\n"
	icsTodo = "BEGIN:VTODO\r\nUID:todo-1@other.example\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Pay the rent\r\nEND:VTODO\r\n"
)

func (c *icsTarget) addForeign(t testing.TB, uid, vevent string) {
	t.Helper()
	raw, err := os.ReadFile(c.path)
	if errors.Is(err, os.ErrNotExist) {
		require.NoError(t, os.MkdirAll(filepath.Dir(c.path), 0o700))
		raw = []byte(icsHead + icsTodo + "END:VCALENDAR\r\n")
		c.ourHead = true
	} else {
		require.NoError(t, err)
	}
	end := bytes.LastIndex(raw, []byte("END:VCALENDAR"))
	require.GreaterOrEqual(t, end, 0)
	out := append(append(slices.Clip(raw[:end]), vevent...), raw[end:]...)
	require.NoError(t, os.WriteFile(c.path, out, 0o600))
	c.foreigns = append(c.foreigns, uid)
}

// addForeignBulk writes a file holding n foreign events, one every 17 minutes from from
// (scale tests).
func (c *icsTarget) addForeignBulk(t testing.TB, n int, from time.Time) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(icsHead + icsTodo)
	for i := range n {
		uid := fmt.Sprintf("bulk-%d@other.example", i)
		b.WriteString(foreignVEvent(uid, from.Add(time.Duration(i)*17*time.Minute), 25*time.Minute, fmt.Sprintf("Foreign %d", i)))
		c.foreigns = append(c.foreigns, uid)
	}
	b.WriteString("END:VCALENDAR\r\n")
	c.ourHead = true
	require.NoError(t, os.MkdirAll(filepath.Dir(c.path), 0o700))
	require.NoError(t, os.WriteFile(c.path, b.Bytes(), 0o600))
}

func (c *icsTarget) foreign(t testing.TB) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(c.path)
	require.NoError(t, err)
	text := string(raw)
	if c.ourHead {
		require.True(t, strings.HasPrefix(text, icsHead), "the calendar's header changed")
		assert.Contains(t, text, icsTodo, "the VTODO changed")
	}
	want := make(map[string]bool, len(c.foreigns))
	for _, uid := range c.foreigns {
		want[uid] = true
	}
	out := map[string]string{}
	for _, comp := range components(text, "VEVENT") {
		if _, rest, ok := strings.Cut(comp, "\r\nUID:"); ok {
			uid, _, _ := strings.Cut(rest, "\r\n")
			if want[uid] {
				out[uid] = comp
			}
		}
	}
	return out
}

// components returns the raw text of every component named name in an iCalendar text.
func components(text, name string) []string {
	var out []string
	begin, end := "BEGIN:"+name+"\r\n", "END:"+name+"\r\n"
	for {
		i := strings.Index(text, begin)
		if i < 0 {
			return out
		}
		j := strings.Index(text[i:], end)
		if j < 0 {
			return out
		}
		out = append(out, text[i:i+j+len(end)])
		text = text[i+j+len(end):]
	}
}

// foreignVEvent is a VEVENT another client wrote. Its category "Work" is the one the Coding
// starter profile writes: ownership must not follow categories (SYNC.md §5, defect 1).
func foreignVEvent(uid string, start time.Time, d time.Duration, summary string) string {
	const f = "20060102T150405Z"
	return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:" + start.UTC().Format(f) +
		"\r\nDTEND:" + start.Add(d).UTC().Format(f) + "\r\nSUMMARY:" + summary +
		"\r\nCATEGORIES:Work\r\nDESCRIPTION:written by another client\\, keep me\r\nEND:VEVENT\r\n"
}

// davTarget is a calendar on a CalDAV server (go-webdav in-process or Radicale), reached by
// awcal at url (the server's, or a fault proxy's in front of it). The password goes into the
// OS keyring for url's host, as 'awcal password set' would put it.
type davTarget struct {
	srv      *caldavtest.Server
	url      string
	cal      string
	foreigns []string
}

// newDAVTarget stores the server's password in the keyring for url and returns the target;
// without a Secret Service it skips (or fails under AWCAL_REQUIRE_REAL=1).
func newDAVTarget(t testing.TB, srv *caldavtest.Server, url string) *davTarget {
	t.Helper()
	storePassword(t, srv.Username, url, srv.Password)
	return &davTarget{srv: srv, url: url, cal: srv.CalendarPath}
}

// newDAVCalendar is a target on a new calendar of srv (several tests' worlds share one server).
func newDAVCalendar(t testing.TB, srv *caldavtest.Server, url, name string) *davTarget {
	t.Helper()
	c := newDAVTarget(t, srv, url)
	c.cal = srv.NewCalendar(t, name, name, "")
	return c
}

// storePassword puts a CalDAV password into the real OS keyring (.ci/with-keyring provides
// one) and removes it when the test ends.
func storePassword(t testing.TB, user, url, password string) {
	t.Helper()
	account := secret.Account(user, url)
	if err := secret.Set(account, password); err != nil {
		if errors.Is(err, secret.ErrNoService) || errors.Is(err, secret.ErrLocked) {
			testreal.Missing(t, "no usable Secret Service (run under .ci/with-keyring): %v", err)
		}
		require.NoError(t, err)
	}
	t.Cleanup(func() { _ = secret.Delete(account) })
}

func (c *davTarget) configure(cfg *config.Config) {
	cfg.Calendar = config.Calendar{Kind: config.CalendarCalDAV, URL: c.url, Username: c.srv.Username, CalendarPath: c.cal}
}

func (c *davTarget) store(t testing.TB) *caldav.Store {
	t.Helper()
	s, err := caldav.Open(context.Background(), c.srv.URL, c.cal, c.srv.Creds(), caldav.Options{HTTPClient: c.srv.Client})
	require.NoError(t, err)
	return s
}

func (c *davTarget) owned(t testing.TB) []calendar.Event {
	t.Helper()
	evs, err := c.store(t).Owned(context.Background(), time.Unix(0, 0), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err, "reading the CalDAV calendar")
	return evs
}

func (c *davTarget) foreignPath(uid string) string { return c.cal + "foreign-" + uid + ".ics" }

func (c *davTarget) addForeign(t testing.TB, uid, vevent string) {
	t.Helper()
	body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other Client//EN\r\n" + vevent + "END:VCALENDAR\r\n"
	status, resp, _ := c.srv.Do(t, http.MethodPut, c.foreignPath(uid), http.Header{"Content-Type": {"text/calendar; charset=utf-8"}}, body)
	require.Contains(t, []int{http.StatusCreated, http.StatusNoContent}, status, "PUT foreign event: %s", resp)
	c.foreigns = append(c.foreigns, uid)
}

func (c *davTarget) foreign(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, uid := range c.foreigns {
		status, body, _ := c.srv.Do(t, http.MethodGet, c.foreignPath(uid), nil, "")
		if status == http.StatusOK {
			out[uid] = body
		}
	}
	return out
}

// startRadicale starts a real Radicale (skipping without one, or failing under
// AWCAL_REQUIRE_REAL=1).
func startRadicale(t testing.TB) *caldavtest.Server { return caldavtest.StartRadicale(t) }

// brief is an owned event as the tests compare them.
type brief struct {
	Profile, Title string
	Start, End     time.Time
}

func (b brief) String() string {
	return fmt.Sprintf("%s %q %s–%s", b.Profile, b.Title, b.Start.Format("01-02 15:04:05"), b.End.Format("15:04:05"))
}

func briefs(evs []calendar.Event) []brief {
	out := make([]brief, len(evs))
	for i, e := range evs {
		out[i] = brief{e.ProfileID, e.Title, e.Start, e.End}
	}
	return out
}

// assertSameCalendar compares two calendars as SYNC.md §5 does: the same number of owned
// events, pairwise (in time order) the same profile and title, both ends within 60 s.
func assertSameCalendar(t testing.TB, want, got []calendar.Event) bool {
	t.Helper()
	if !assert.Equal(t, len(want), len(got), "number of owned events") {
		t.Logf("want:\n%v\ngot:\n%v", briefs(want), briefs(got))
		return false
	}
	ok := true
	for i := range want {
		w, g := want[i], got[i]
		same := w.ProfileID == g.ProfileID && w.Title == g.Title &&
			w.Start.Sub(g.Start).Abs() <= time.Minute && w.End.Sub(g.End).Abs() <= time.Minute
		ok = assert.True(t, same, "event %d: want %v, got %v", i, briefs(want[i : i+1])[0], briefs(got[i : i+1])[0]) && ok
	}
	return ok
}

// assertWellFormed checks what must hold of any calendar awcal keeps: unique UIDs and owned
// events that never overlap.
func assertWellFormed(t testing.TB, evs []calendar.Event) bool {
	t.Helper()
	ok := true
	seen := map[string]bool{}
	for _, e := range evs {
		ok = assert.False(t, seen[e.UID], "UID %s twice", e.UID) && ok
		seen[e.UID] = true
	}
	// Sorted by start: an event overlaps an earlier one when it starts before the latest end
	// so far.
	latest := -1
	for i, e := range evs {
		if latest >= 0 {
			ok = assert.False(t, e.Start.Before(evs[latest].End), "owned events overlap: %v and %v",
				briefs(evs[latest : latest+1])[0], briefs(evs[i : i+1])[0]) && ok
		}
		if latest < 0 || e.End.After(evs[latest].End) {
			latest = i
		}
	}
	return ok
}

// world is one awcal installation: its home, an aw-server replaying activity, a calendar.
type world struct {
	h   *home
	aw  *awtest.Server
	rp  *replay
	cal target
	cfg config.Config
}

// newWorld makes a home whose config points at a new fake aw-server (replaying data as time
// advances) and at the calendar mk makes; edit, when set, adjusts the config before it is
// written.
func newWorld(t testing.TB, data []activity.BucketEvents, mk func(*home) target, edit func(*config.Config)) *world {
	t.Helper()
	w := &world{h: newHome(t), aw: awtest.New(t)}
	w.rp = newReplay(w.aw, data)
	w.cal = mk(w.h)
	w.cfg = w.h.defaultConfig(w.aw.URL())
	w.cal.configure(&w.cfg)
	if edit != nil {
		edit(&w.cfg)
	}
	w.h.writeConfig(t, w.cfg)
	return w
}

// sync runs `awcal sync` at now with extra flags.
func (w *world) sync(t testing.TB, now time.Time, extra ...string) result {
	t.Helper()
	return w.h.run(t, append([]string{"sync", "--config", w.h.config, "--now", stamp(now)}, extra...)...)
}

func (w *world) mustSync(t testing.TB, now time.Time, extra ...string) result {
	t.Helper()
	r := w.sync(t, now, extra...)
	require.Equal(t, 0, r.code, "%s", r)
	return r
}
