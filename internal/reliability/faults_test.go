package reliability_test

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/reliability/faultproxy"
)

// faultCase is one failure injected into one `awcal sync` run.
type faultCase struct {
	name string
	// inject breaks the world for the failing run; the test clears every fault afterwards.
	inject func(f *faultWorld)
	// ok: awcal rides the fault out (a conflict retried, a slow server, malformed events
	// skipped) and the run succeeds.
	ok bool
	// says: every one of these must appear in the error (case-insensitive): what failed.
	says []string
	// todo: at least one of these must appear: what to do next.
	todo []string
	// partial: the fault strikes in the middle of writing, so part of the run's changes may
	// be in the calendar; otherwise the calendar must be exactly as before the run.
	partial bool
	// slow marks the cases that wait for a client timeout (30 s).
	slow bool
	// reports: what a run that rides the fault out must tell on its standard output.
	reports []string
	// undo repairs what inject did outside the proxies (a lock, a broken file), as the user
	// would; nil when clearing the proxies is enough.
	undo func(f *faultWorld)
}

// faultWorld is a world whose aw-server and calendar are reached through fault proxies.
type faultWorld struct {
	*world
	awProxy  *faultproxy.Proxy
	davProxy *faultproxy.Proxy // nil for an .ics calendar
}

// TestFaults injects aw-server and CalDAV failures into one `awcal sync` run between two
// healthy ones (11:00 before, 14:00 after) and checks SYNC.md §5's failure semantics for each:
// the run exits 1 with an error that names the failure and says what to do, lastSyncTime stays
// at 11:00, the calendar is untouched (or, for a fault in the middle of writing, left so that
// the next run repairs it), and the next run without the fault gives the calendar a fault-free
// installation has. Runs that are meant to survive a fault (one 412, a slow server, malformed
// events) must succeed with the same calendar.
func TestFaults(t *testing.T) {
	data, from, _ := generate(1, fakedata.Heavy, 21)
	before, after := from.Add(11*time.Hour), from.Add(14*time.Hour)
	ref := newWorld(t, data, func(h *home) target { return newICSTarget(h) }, nil)
	for _, at := range []time.Time{before, after} {
		ref.rp.advance(at)
		ref.mustSync(t, at)
	}
	want := ref.cal.owned(t)
	require.NotEmpty(t, want)

	awEvents := "/api/0/buckets/aw-watcher-window_" + host + "/events"
	awCases := []faultCase{
		{name: "aw-server 500 on events", inject: func(f *faultWorld) { f.aw.SetFault(awtest.Fault{Status: 500, Path: awEvents}) },
			says: []string{"aw-server", "500"}, todo: []string{"try again", "restart", "log"}},
		{name: "aw-server 503 on everything", inject: func(f *faultWorld) { f.aw.SetFault(awtest.Fault{Status: 503}) },
			says: []string{"aw-server", "503"}, todo: []string{"try again", "restart", "later"}},
		{name: "aw-server hangs", inject: func(f *faultWorld) { f.aw.SetFault(awtest.Fault{Delay: 5 * time.Minute, Path: awEvents}) },
			says: []string{"aw-server", "did not answer"}, todo: []string{"try again"}, slow: true},
		{name: "aw-server closes the connection", inject: func(f *faultWorld) { f.aw.SetFault(awtest.Fault{CloseConnection: true, Path: awEvents}) },
			says: []string{"aw-server"}, todo: []string{"try again", "is activitywatch running", "restart"}},
		{name: "aw-server answers invalid JSON", inject: func(f *faultWorld) { f.aw.SetFault(awtest.Fault{MalformedJSON: true, Path: awEvents}) },
			says: []string{"aw-server"}, todo: []string{"try again", "restart", "report", "upgrade", "log"}},
		{name: "aw-server is not running", inject: func(f *faultWorld) {
			f.cfg.ActivityWatch.URL = "http://" + closedAddr(t) + "/"
			f.h.writeConfig(t, f.cfg)
		}, says: []string{"aw-server", "not reachable"}, todo: []string{"is activitywatch running"}},
		{name: "aw-server sends malformed events", ok: true, reports: []string{"6 malformed events"}, inject: func(f *faultWorld) {
			f.awProxy.Set(faultproxy.Fault{Path: awEvents, Transform: withMalformedEvents})
		}},
	}
	var held *os.File // the lock another awcal holds
	var saved []byte  // the calendar file before the user broke it
	icsCases := []faultCase{
		{name: "calendar file locked by another awcal", inject: func(f *faultWorld) {
			lock, err := os.OpenFile(f.cal.(*icsTarget).path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
			require.NoError(t, err)
			require.NoError(t, syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB))
			held = lock
		}, undo: func(*faultWorld) { held.Close() }, slow: true, // a write waits 30 s for the lock
			says: []string{"in use by another awcal"}, todo: []string{"wait for it or quit it"}},
		{name: "calendar file does not parse", inject: func(f *faultWorld) {
			path := f.cal.(*icsTarget).path
			var err error
			saved, err = os.ReadFile(path)
			require.NoError(t, err)
			broken := strings.Replace(string(saved), "END:VEVENT", "END:VEVNET", 1)
			require.NoError(t, os.WriteFile(path, []byte(broken), 0o600))
		}, undo: func(f *faultWorld) {
			path := f.cal.(*icsTarget).path
			broken, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.NotEqual(t, saved, broken, "the broken file was overwritten")
			require.NoError(t, os.WriteFile(path, saved, 0o600))
		}, says: []string{"does not parse at line"}, todo: []string{"fix or move it"}},
	}
	davCases := []faultCase{
		{name: "CalDAV 401 on everything", inject: func(f *faultWorld) {
			f.davProxy.Set(faultproxy.Fault{Status: 401, Header: http.Header{"WWW-Authenticate": {`Basic realm="x"`}}})
		}, says: []string{"401"}, todo: []string{"awcal password set"}},
		{name: "CalDAV 403 on writes", inject: func(f *faultWorld) { f.davProxy.Set(faultproxy.Fault{Status: 403, Method: "PUT"}) },
			says: []string{"403"}, todo: []string{"rights"}},
		{name: "CalDAV 412 once", ok: true, inject: func(f *faultWorld) {
			f.davProxy.Set(faultproxy.Fault{Status: 412, Method: "PUT", Times: 1})
		}},
		{name: "CalDAV 412 on every write", inject: func(f *faultWorld) { f.davProxy.Set(faultproxy.Fault{Status: 412, Method: "PUT"}) },
			says: []string{"412"}, todo: []string{"try again", "again later", "next sync"}},
		{name: "CalDAV 500 on the calendar query", inject: func(f *faultWorld) { f.davProxy.Set(faultproxy.Fault{Status: 500, Method: "REPORT"}) },
			says: []string{"500"}, todo: []string{"try again"}},
		{name: "CalDAV 507 in the middle of writing", partial: true, inject: func(f *faultWorld) {
			f.davProxy.Set(faultproxy.Fault{Status: 507, Method: "PUT", Skip: 1})
		}, says: []string{"507"}, todo: []string{"free space"}},
		{name: "CalDAV slow (700 ms a request)", ok: true, inject: func(f *faultWorld) {
			f.davProxy.Set(faultproxy.Fault{Delay: 700 * time.Millisecond})
		}},
		{name: "CalDAV hangs on the calendar query", slow: true, inject: func(f *faultWorld) {
			f.davProxy.Set(faultproxy.Fault{Delay: 5 * time.Minute, Method: "REPORT"})
		}, says: []string{"did not answer"}, todo: []string{"try again", "check"}},
		{name: "CalDAV drops the connection in the middle of writing", partial: true, inject: func(f *faultWorld) {
			f.davProxy.Set(faultproxy.Fault{Drop: true, Method: "PUT", Skip: 1})
		}, says: []string{"caldav"}, todo: []string{"try again", "cannot reach"}},
		{name: "CalDAV unreachable", inject: func(f *faultWorld) {
			f.cfg.Calendar.URL = "http://" + closedAddr(t) + "/"
			storePassword(t, f.cfg.Calendar.Username, f.cfg.Calendar.URL, "unused")
			f.h.writeConfig(t, f.cfg)
		}, says: []string{"cannot reach"}, todo: []string{"try again", "check", "running"}},
	}

	var tried, survived int
	run := func(t *testing.T, tc faultCase, mk func(t *testing.T) *faultWorld) {
		if tc.slow && testing.Short() {
			t.Skip("waits for a 30 s client timeout")
		}
		f := mk(t)
		tried++
		checkFault(t, f, tc, before, after, want)
		if !t.Failed() {
			survived++
		}
	}
	t.Run("aw-server", func(t *testing.T) {
		for _, tc := range awCases {
			t.Run(tc.name, func(t *testing.T) {
				run(t, tc, func(t *testing.T) *faultWorld { return newFaultWorld(t, data, nil) })
			})
		}
	})
	t.Run("ics", func(t *testing.T) {
		for _, tc := range icsCases {
			t.Run(tc.name, func(t *testing.T) {
				run(t, tc, func(t *testing.T) *faultWorld { return newFaultWorld(t, data, nil) })
			})
		}
	})
	for _, server := range []string{"go-webdav", "radicale"} {
		t.Run(server, func(t *testing.T) {
			var radicale *caldavtest.Server
			if server == "radicale" {
				radicale = startRadicale(t)
			}
			for i, tc := range davCases {
				if server == "radicale" && tc.slow {
					continue // the same client timeout as go-webdav's case; once is enough
				}
				t.Run(tc.name, func(t *testing.T) {
					run(t, tc, func(t *testing.T) *faultWorld {
						srv := radicale
						if srv == nil {
							srv = caldavtest.StartMemory(t, caldavtest.MemoryOptions{})
						}
						return newFaultWorld(t, data, func(t *testing.T) (*faultproxy.Proxy, func(*home) target) {
							p := faultproxy.New(t, srv.URL, srv.Client.Transport)
							cal := newDAVTarget(t, srv, p.URL())
							if radicale != nil {
								cal.cal = srv.NewCalendar(t, "faults"+itoa(i), "faults", "")
							}
							return p, func(*home) target { return cal }
						})
					})
				})
			}
		})
	}
	figure(t, "faults", map[string]any{"tried": tried, "handled": survived})
}

func itoa(i int) string { return string(rune('a'+i/26)) + string(rune('a'+i%26)) }

// newFaultWorld is a world whose aw-server is behind a proxy and whose calendar is an .ics
// file, or the CalDAV target dav returns (with the proxy in front of it).
func newFaultWorld(t *testing.T, data []activity.BucketEvents, dav func(t *testing.T) (*faultproxy.Proxy, func(*home) target)) *faultWorld {
	t.Helper()
	f := &faultWorld{}
	mk := func(h *home) target { return newICSTarget(h) }
	if dav != nil {
		f.davProxy, mk = dav(t)
	}
	f.world = newWorld(t, data, mk, nil)
	f.awProxy = faultproxy.New(t, f.aw.URL(), nil)
	f.cfg.ActivityWatch.URL = f.awProxy.URL()
	f.h.writeConfig(t, f.cfg)
	return f
}

// checkFault runs healthy at before, faulty at after, healthy at after again.
func checkFault(t *testing.T, f *faultWorld, tc faultCase, before, after time.Time, want []calendar.Event) {
	t.Helper()
	f.rp.advance(before)
	f.cal.addForeign(t, "lunch@other.example", foreignVEvent("lunch@other.example", after.Add(-2*time.Hour), time.Hour, "Lunch"))
	f.mustSync(t, before)
	foreign := f.cal.foreign(t)
	calBefore := f.cal.owned(t)
	cfgBefore := f.cfg
	f.rp.advance(after)

	tc.inject(f)
	r := f.sync(t, after)
	f.aw.ClearFault()
	f.awProxy.Clear()
	if f.davProxy != nil {
		f.davProxy.Clear()
	}
	if tc.undo != nil {
		tc.undo(f)
	}
	if f.cfg.ActivityWatch.URL != cfgBefore.ActivityWatch.URL || f.cfg.Calendar.URL != cfgBefore.Calendar.URL {
		f.cfg = cfgBefore
		f.h.writeConfig(t, f.cfg)
	}
	msg := strings.ToLower(r.stderr)
	figure(t, "fault/"+tc.name, map[string]any{"exit": r.code, "error": firstLine(r.stderr), "wall": r.wall.Round(10 * time.Millisecond)})

	if tc.ok {
		require.Equal(t, 0, r.code, "the run should ride this fault out: %s", r)
		for _, s := range tc.reports {
			assert.Contains(t, r.stdout, s)
		}
	} else {
		require.Equal(t, 1, r.code, "a failed run exits 1: %s", r)
		assert.NotContains(t, msg, "panic", "%s", r)
		for _, s := range tc.says {
			assert.Contains(t, msg, strings.ToLower(s), "the error should say what failed")
		}
		assert.True(t, containsAny(msg, tc.todo), "the error should say what to do (one of %q): %s", tc.todo, r.stderr)
		st := f.h.loadState(t)
		if assert.NotNil(t, st.LastSyncTime) {
			assert.True(t, st.LastSyncTime.Equal(before), "lastSyncTime moved to %v after a failed run", st.LastSyncTime)
		}
		if !tc.partial {
			assert.Equal(t, fingerprint(calBefore), fingerprint(f.cal.owned(t)), "the failed run changed the calendar")
		}
	}
	assert.Equal(t, foreign, f.cal.foreign(t), "foreign events changed")

	// The next run, without the fault, repairs whatever the failed one left.
	f.mustSync(t, after)
	got := f.cal.owned(t)
	assertWellFormed(t, got)
	assertSameCalendar(t, want, got)
	st := f.h.loadState(t)
	if assert.NotNil(t, st.LastSyncTime) {
		assert.True(t, st.LastSyncTime.Equal(after), "lastSyncTime %v after the repairing run", st.LastSyncTime)
	}
	// And a run after that has nothing left to do.
	again := f.mustSync(t, after, "--json")
	var rep struct{ Created, Updated, Deleted int }
	require.NoError(t, json.Unmarshal([]byte(again.stdout), &rep), again.stdout)
	assert.Zero(t, rep.Created+rep.Updated+rep.Deleted, "a run after the repair still changed things: %s", again.stdout)
	assert.Equal(t, foreign, f.cal.foreign(t), "foreign events changed")
}

// withMalformedEvents slips events that break every rule of ENGINE.md §1.3 into an answer.
func withMalformedEvents(body []byte) []byte {
	var evs []json.RawMessage
	if json.Unmarshal(body, &evs) != nil {
		return body
	}
	bad := []string{
		`{"id":900001,"timestamp":"yesterday","duration":10,"data":{"app":"Code","title":"x"}}`,
		`{"id":900002,"timestamp":"2026-03-02T12:00:00Z","duration":-5,"data":{"app":"Code","title":"x"}}`,
		`{"id":900003,"timestamp":"2026-03-02T12:00:00Z","duration":null,"data":{"app":"Code"}}`,
		`{"id":900004,"timestamp":"2026-03-02T12:00:00Z","duration":3,"data":"not an object"}`,
		`{"id":900005,"duration":3,"data":{}}`,
		`"not an event"`,
	}
	for _, b := range bad {
		evs = append(evs, json.RawMessage(b))
	}
	out, _ := json.Marshal(evs)
	return out
}

// closedAddr is a 127.0.0.1 address where nothing listens.
func closedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, strings.ToLower(sub)) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
