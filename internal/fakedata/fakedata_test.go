package fakedata

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST cases need Europe/Berlin whatever the machine has installed

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
)

// monday is DefaultStartDate; the generated weeks start there unless a test says otherwise.
var monday = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// us is an instant in integer microseconds, as the engine compares them (ENGINE.md units).
func us(t time.Time) int64 { return t.UnixMicro() }

func endUS(e activity.Event) int64 {
	return us(e.Timestamp) + int64(e.Duration*1e6+0.5)
}

// chronological returns a bucket's events oldest first.
func chronological(b activity.BucketEvents) []activity.Event {
	evs := slices.Clone(b.Events)
	slices.Reverse(evs)
	return evs
}

func bucketByPrefix(t *testing.T, bs []activity.BucketEvents, prefix string) activity.BucketEvents {
	t.Helper()
	for _, b := range bs {
		if strings.HasPrefix(b.Bucket.ID, prefix) {
			return b
		}
	}
	require.Failf(t, "bucket missing", "no bucket with prefix %q", prefix)
	return activity.BucketEvents{}
}

// inDay returns the events that start within [from, to).
func inDay(evs []activity.Event, from, to time.Time) []activity.Event {
	var out []activity.Event
	for _, e := range evs {
		if !e.Timestamp.Before(from) && e.Timestamp.Before(to) {
			out = append(out, e)
		}
	}
	return out
}

func isWeekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

func TestGenerateIsDeterministic(t *testing.T) {
	opts := Options{Start: monday, Days: 7, Seed: 42, Intensity: Heavy}
	export := func(o Options) []byte {
		var buf bytes.Buffer
		require.NoError(t, WriteExport(&buf, Generate(o)))
		return buf.Bytes()
	}
	t.Run("same options give byte-identical output", func(t *testing.T) {
		a, b := export(opts), export(opts)
		assert.Equal(t, Generate(opts), Generate(opts))
		assert.True(t, bytes.Equal(a, b), "two exports of the same options differ")
	})
	t.Run("another seed gives other output", func(t *testing.T) {
		other := opts
		other.Seed = 43
		assert.NotEqual(t, export(opts), export(other))
	})
	t.Run("another intensity gives other output", func(t *testing.T) {
		other := opts
		other.Intensity = Normal
		assert.NotEqual(t, export(opts), export(other))
	})
}

// A day's content depends on its date, not on the range it is generated in, so an incremental
// sync over a later range sees the same activity as a full one.
func TestDayContentDoesNotDependOnRange(t *testing.T) {
	week := Generate(Options{Start: monday, Days: 7, Seed: 5})
	wed := Generate(Options{Start: monday.AddDate(0, 0, 2), Days: 1, Seed: 5})
	from, to := Day(Options{Start: monday}, 2)
	for i := range week {
		if week[i].Bucket.Type == activity.TypeAFK {
			continue // the afk events that cross midnight are cut by the range
		}
		t.Run(week[i].Bucket.ID, func(t *testing.T) {
			strip := func(evs []activity.Event) []activity.Event {
				out := inDay(evs, from, to)
				for j := range out {
					out[j].ID = 0
				}
				return out
			}
			want := strip(week[i].Events)
			require.NotEmpty(t, want)
			assert.Equal(t, want, strip(wed[i].Events))
		})
	}
}

func TestBucketsAreThoseTheWatchersCreate(t *testing.T) {
	bs := Generate(Options{Start: monday, Days: 1, Seed: 1, Hostname: "laptop"})
	var got [][3]string
	for _, b := range bs {
		got = append(got, [3]string{b.Bucket.ID, b.Bucket.Type, b.Bucket.Hostname})
		assert.Equal(t, monday, b.Bucket.Created, b.Bucket.ID)
	}
	assert.Equal(t, [][3]string{
		{"aw-watcher-window_laptop", "currentwindow", "laptop"},
		{"aw-watcher-afk_laptop", "afkstatus", "laptop"},
		{"aw-watcher-web-firefox_laptop", "web.tab.current", "laptop"},
		{"aw-watcher-web-chrome_laptop", "web.tab.current", "laptop"},
		{"aw-watcher-vscode_laptop", "app.editor.activity", "laptop"},
	}, got)
	assert.Equal(t, "firefox", activity.BrowserOf(bs[2].Bucket.ID))
	assert.Equal(t, "chrome", activity.BrowserOf(bs[3].Bucket.ID))
}

func TestOptionsDefaults(t *testing.T) {
	bs := Generate(Options{Days: 1})
	assert.Equal(t, "aw-watcher-window_"+DefaultHostname, bs[0].Bucket.ID)
	from, to := Day(Options{}, 0)
	assert.Equal(t, monday, from, "a zero Start means DefaultStartDate")
	assert.Equal(t, monday.AddDate(0, 0, 1), to)
	assert.Equal(t, Generate(Options{Days: 1, Intensity: Normal}), Generate(Options{Days: 1, Intensity: "bogus"}),
		"an unknown intensity means Normal")
	for _, b := range Generate(Options{Days: 0}) {
		assert.Empty(t, b.Events, "no days, no events")
	}
}

func TestDay(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	tests := []struct {
		name     string
		opts     Options
		day      int
		from, to time.Time
	}{
		{"UTC first day", Options{Start: monday.Add(15 * time.Hour)}, 0, monday, monday.AddDate(0, 0, 1)},
		{"UTC later day", Options{Start: monday}, 9, monday.AddDate(0, 0, 9), monday.AddDate(0, 0, 10)},
		{"date taken in Location", Options{Start: time.Date(2026, 1, 4, 23, 30, 0, 0, time.UTC), Location: berlin}, 0,
			time.Date(2026, 1, 5, 0, 0, 0, 0, berlin), time.Date(2026, 1, 6, 0, 0, 0, 0, berlin)},
		{"clocks go forward: 23 h", Options{Start: time.Date(2026, 3, 29, 0, 0, 0, 0, berlin), Location: berlin}, 0,
			time.Date(2026, 3, 29, 0, 0, 0, 0, berlin), time.Date(2026, 3, 29, 0, 0, 0, 0, berlin).Add(23 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := Day(tt.opts, tt.day)
			assert.True(t, tt.from.Equal(from), "from: want %v, got %v", tt.from, from)
			assert.True(t, tt.to.Equal(to), "to: want %v, got %v", tt.to, to)
		})
	}
}

func TestParseIntensity(t *testing.T) {
	for _, s := range []string{"heavy", "normal"} {
		in, err := ParseIntensity(s)
		require.NoError(t, err)
		assert.Equal(t, Intensity(s), in)
	}
	_, err := ParseIntensity("Heavy!")
	assert.ErrorContains(t, err, `unknown intensity "Heavy!"`)
}

// TestBucketInvariants checks what every consumer relies on, over both intensities, several
// seeds and a range across a DST change: newest first, no overlap within a bucket, every event
// inside the generated range, afk events covering the whole range.
func TestBucketInvariants(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	cases := []Options{
		{Start: monday, Days: 14, Seed: 1, Intensity: Heavy},
		{Start: monday, Days: 14, Seed: 2, Intensity: Normal},
		{Start: time.Date(2026, 3, 23, 0, 0, 0, 0, berlin), Days: 14, Seed: 3, Intensity: Heavy, Location: berlin},
		{Start: time.Date(2026, 10, 20, 0, 0, 0, 0, berlin), Days: 14, Seed: 4, Intensity: Normal, Location: berlin},
	}
	for _, opts := range cases {
		from, _ := Day(opts, 0)
		_, to := Day(opts, opts.Days-1)
		name := fmt.Sprintf("%s %s seed %d", opts.Intensity, from.Format("2006-01-02 MST"), opts.Seed)
		t.Run(name, func(t *testing.T) {
			for _, b := range Generate(opts) {
				t.Run(b.Bucket.ID, func(t *testing.T) {
					require.NotEmpty(t, b.Events)
					for i := 1; i < len(b.Events); i++ {
						if !b.Events[i].Timestamp.Before(b.Events[i-1].Timestamp) {
							t.Fatalf("events must be newest first: %v then %v", b.Events[i-1].Timestamp, b.Events[i].Timestamp)
						}
					}
					evs := chronological(b)
					for i, e := range evs {
						switch {
						case e.Duration < 0:
							t.Fatalf("negative duration at %v", e.Timestamp)
						case e.Timestamp.Location() != time.UTC:
							t.Fatalf("aw-server serves UTC, got %v", e.Timestamp)
						case !e.Timestamp.Equal(e.Timestamp.Truncate(time.Millisecond)):
							t.Fatalf("heartbeats carry ms timestamps, got %v", e.Timestamp)
						case us(e.Timestamp) < us(from) || endUS(e) > us(to):
							t.Fatalf("event at %v (%v s) outside [%v, %v)", e.Timestamp, e.Duration, from, to)
						case e.ID == 0:
							t.Fatalf("event at %v has no id", e.Timestamp)
						case i > 0 && us(e.Timestamp) < endUS(evs[i-1]):
							t.Fatalf("event at %v overlaps the one before", e.Timestamp)
						}
					}
				})
			}
		})
	}
}

func TestEventIDsAreUniqueAndGrowWithTime(t *testing.T) {
	type idEvent struct {
		id int64
		ts time.Time
	}
	var all []idEvent
	for _, b := range Generate(Options{Start: monday, Days: 3, Seed: 8}) {
		for _, e := range b.Events {
			all = append(all, idEvent{e.ID, e.Timestamp})
		}
	}
	slices.SortFunc(all, func(a, b idEvent) int { return int(a.id - b.id) })
	for i := range all {
		require.Equal(t, int64(i+1), all[i].id, "ids are 1..n without gaps or duplicates")
		if i > 0 {
			require.False(t, all[i].ts.Before(all[i-1].ts), "a later id never starts earlier")
		}
	}
}

func TestAFKCoversTheWholeRangeLikeTheWatcher(t *testing.T) {
	opts := Options{Start: monday, Days: 7, Seed: 11, Intensity: Heavy}
	from, _ := Day(opts, 0)
	_, to := Day(opts, 6)
	evs := chronological(bucketByPrefix(t, Generate(opts), "aw-watcher-afk"))
	require.NotEmpty(t, evs)
	assert.Equal(t, us(from), us(evs[0].Timestamp), "the first afk event starts at the range start")
	assert.Equal(t, us(to), endUS(evs[len(evs)-1]), "the last afk event ends at the range end")
	for i, e := range evs {
		status := e.Data["status"]
		if i == 0 {
			assert.Equal(t, "afk", status, "nights are afk")
			continue
		}
		prev := evs[i-1]
		assert.NotEqual(t, prev.Data["status"], status, "statuses alternate at %v", e.Timestamp)
		assert.Equal(t, endUS(prev)+1000, us(e.Timestamp), "1 ms between events, as aw-watcher-afk writes them")
		if status == "afk" {
			assert.GreaterOrEqual(t, e.Duration, 180.0, "afk only after the 180 s timeout")
		}
	}
}

// Window events follow the 1 s poll: consecutive ones are about a second apart while the
// person is at the computer; longer gaps only happen while the screen is locked (afk).
func TestWindowEventsTileActiveTime(t *testing.T) {
	opts := Options{Start: monday, Days: 7, Seed: 12, Intensity: Normal}
	bs := Generate(opts)
	win := chronological(bucketByPrefix(t, bs, "aw-watcher-window"))
	var afk []activity.Event
	for _, e := range chronological(bucketByPrefix(t, bs, "aw-watcher-afk")) {
		if e.Data["status"] == "afk" {
			afk = append(afk, e)
		}
	}
	inAFK := func(a, b int64) bool {
		for _, e := range afk {
			if us(e.Timestamp) <= a+1000 && endUS(e) >= b-1000 {
				return true
			}
		}
		return false
	}
	long := 0
	for i := 1; i < len(win); i++ {
		gap := us(win[i].Timestamp) - endUS(win[i-1])
		if gap > 1_061_000 {
			long++
			assert.True(t, inAFK(endUS(win[i-1]), us(win[i].Timestamp)),
				"a %d µs gap before %v while not afk", gap, win[i].Timestamp)
		}
	}
	assert.Positive(t, long, "the screen locks at lunch and at night")
}

func TestWorkdayWindowEventCounts(t *testing.T) {
	tests := []struct {
		in     Intensity
		lo, hi int
	}{
		{Heavy, 1500, 2500},
		{Normal, 500, 900},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			for seed := int64(1); seed <= 12; seed++ {
				opts := Options{Start: monday, Days: 5, Seed: seed, Intensity: tt.in}
				win := bucketByPrefix(t, Generate(opts), "aw-watcher-window").Events
				for day := range 5 {
					from, to := Day(opts, day)
					n := len(inDay(win, from, to))
					assert.True(t, n >= tt.lo && n <= tt.hi, "seed %d %s: %d window events, want %d–%d",
						seed, from.Weekday(), n, tt.lo, tt.hi)
				}
			}
		})
	}
}

func TestAboutAThirdOfWindowEventsHaveZeroDuration(t *testing.T) {
	for _, in := range []Intensity{Heavy, Normal} {
		t.Run(string(in), func(t *testing.T) {
			win := bucketByPrefix(t, Generate(Options{Start: monday, Days: 14, Seed: 3, Intensity: in}), "aw-watcher-window").Events
			zero := 0
			for _, e := range win {
				if e.Duration == 0 {
					zero++
				}
			}
			share := float64(zero) / float64(len(win))
			assert.InDelta(t, 1.0/3, share, 0.06, "zero-duration share %.3f", share)
		})
	}
}

func TestWeekendsAreLight(t *testing.T) {
	empty, busy := 0, 0
	for seed := int64(1); seed <= 10; seed++ {
		opts := Options{Start: monday, Days: 14, Seed: seed, Intensity: Heavy}
		bs := Generate(opts)
		win := bucketByPrefix(t, bs, "aw-watcher-window").Events
		notAFK := map[int]float64{}
		for _, e := range bucketByPrefix(t, bs, "aw-watcher-afk").Events {
			if e.Data["status"] == "not-afk" {
				notAFK[int(e.Timestamp.Sub(monday)/(24*time.Hour))] += e.Duration
			}
		}
		for day := range opts.Days {
			from, to := Day(opts, day)
			if !isWeekend(from) {
				continue
			}
			n := len(inDay(win, from, to))
			assert.LessOrEqual(t, n, 250, "seed %d %s: %d window events on a weekend day", seed, from.Format(time.DateOnly), n)
			assert.LessOrEqual(t, notAFK[day], 2*3600.0, "seed %d %s: active too long", seed, from.Format(time.DateOnly))
			for _, b := range bs {
				if b.Bucket.Type == activity.TypeEditor {
					assert.Empty(t, inDay(b.Events, from, to), "no coding at weekends")
				}
			}
			if n == 0 {
				empty++
			} else {
				busy++
			}
		}
	}
	assert.Positive(t, empty, "some weekend days have no activity")
	assert.Positive(t, busy, "some weekend days have a little browsing")
}

// workdayPlans checks the day's shape on the output: arrival, lunch and calls.
func TestWorkdayShape(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		opts := Options{Start: monday, Days: 5, Seed: seed, Intensity: Normal}
		bs := Generate(opts)
		afk := chronological(bucketByPrefix(t, bs, "aw-watcher-afk"))
		win := chronological(bucketByPrefix(t, bs, "aw-watcher-window"))
		for day := range 5 {
			from, to := Day(opts, day)
			name := fmt.Sprintf("seed %d %s", seed, from.Weekday())
			evs := inDay(win, from, to)
			require.NotEmpty(t, evs, name)
			first := evs[0].Timestamp.Sub(from)
			assert.True(t, first >= 8*time.Hour+30*time.Minute && first <= 9*time.Hour+31*time.Minute,
				"%s: the day starts at %v", name, first)

			lunch := false
			for _, e := range inDay(afk, from.Add(11*time.Hour+45*time.Minute), from.Add(12*time.Hour+25*time.Minute)) {
				if e.Data["status"] == "afk" && e.Duration >= 30*60 {
					lunch = true
				}
			}
			assert.True(t, lunch, "%s: no afk lunch starting 11:45–12:25", name)

			calls := 0
			var lastCall time.Time
			for _, e := range evs {
				app, title := e.Data["app"], e.Data["title"].(string)
				if app == "zoom" || app == "teams-for-linux" || strings.HasPrefix(title, "Meet - ") {
					if lastCall.IsZero() || e.Timestamp.Sub(lastCall) > 10*time.Minute {
						calls++
					}
					lastCall = e.End()
				}
			}
			assert.True(t, calls >= 1 && calls <= 3, "%s: %d calls", name, calls)
		}
	}
}

func TestAppsTitlesAndEditorData(t *testing.T) {
	bs := Generate(Options{Start: monday, Days: 14, Seed: 21, Intensity: Heavy})
	apps := map[string]int{}
	win := bucketByPrefix(t, bs, "aw-watcher-window").Events
	for _, e := range win {
		apps[e.Data["app"].(string)]++
		if e.Data["app"] == "Code" {
			assert.Regexp(t, `^(● )?[^ ]+ - [a-z]+ - Visual Studio Code$`, e.Data["title"])
		}
	}
	for _, a := range appNames {
		assert.Positive(t, apps[a], "app %s never focused", a)
	}
	assert.Less(t, apps["Google-chrome"]*50, len(win), "the second browser is rarely focused (under 2%)")

	editor := bucketByPrefix(t, bs, "aw-watcher-vscode").Events
	require.NotEmpty(t, editor)
	for _, e := range editor {
		file, project := e.Data["file"].(string), e.Data["project"].(string)
		assert.True(t, strings.HasPrefix(file, project+"/"), "file %s outside project %s", file, project)
		assert.NotEmpty(t, e.Data["language"])
	}
}

// Web watchers report the active tab while another app has the focus; a Firefox window shows
// the title of the tab the web watcher reports; Meet and videos are audible; private tabs carry
// the marker.
func TestWebEvents(t *testing.T) {
	bs := Generate(Options{Start: monday, Days: 14, Seed: 2, Intensity: Normal})
	win := chronological(bucketByPrefix(t, bs, "aw-watcher-window"))
	ff := chronological(bucketByPrefix(t, bs, "aw-watcher-web-firefox"))
	chrome := bucketByPrefix(t, bs, "aw-watcher-web-chrome").Events
	require.NotEmpty(t, ff)
	require.NotEmpty(t, chrome)

	tabAt := func(at int64) (activity.Event, bool) {
		for _, e := range ff {
			if us(e.Timestamp) <= at && at < endUS(e) {
				return e, true
			}
		}
		return activity.Event{}, false
	}
	for _, w := range win {
		if w.Data["app"] != "Firefox" {
			continue
		}
		tab, ok := tabAt(us(w.Timestamp))
		require.True(t, ok, "no Firefox tab reported at %v", w.Timestamp)
		title := w.Data["title"].(string)
		assert.True(t, title == tab.Data["title"].(string)+" — Mozilla Firefox" ||
			title == tab.Data["title"].(string)+" — Mozilla Firefox Private Browsing",
			"window %q, tab %q at %v", title, tab.Data["title"], w.Timestamp)
	}

	var unfocused, total int64
	for _, e := range ff {
		for _, w := range win {
			a, b := max(us(e.Timestamp), us(w.Timestamp)), min(endUS(e), endUS(w))
			if a < b && w.Data["app"] != "Firefox" {
				unfocused += b - a
			}
		}
		total += endUS(e) - us(e.Timestamp)
	}
	assert.Greater(t, unfocused*10, total*3, "over 30%% of Firefox tab time is reported while another app has the focus")

	audibleMeet, private := 0, 0
	for _, e := range ff {
		url, title := e.Data["url"].(string), e.Data["title"].(string)
		for _, k := range []string{"url", "title", "audible", "incognito", "tabCount"} {
			require.Contains(t, e.Data, k)
		}
		assert.IsType(t, float64(0), e.Data["tabCount"], "JSON numbers decode as float64")
		if strings.HasPrefix(url, "https://meet.google.com/") {
			assert.Equal(t, true, e.Data["audible"], "a Meet call is audible")
			audibleMeet++
		}
		if e.Data["incognito"] == true {
			assert.Contains(t, title, PrivateMarker)
			private++
		} else {
			assert.NotContains(t, title, PrivateMarker)
		}
	}
	assert.GreaterOrEqual(t, audibleMeet, 10, "a stand-up on Meet every workday")
	assert.Positive(t, private, "some private browsing in two weeks")
}

func BenchmarkGenerate30HeavyDays(b *testing.B) {
	opts := Options{Start: monday, Days: 30, Seed: 1, Intensity: Heavy}
	events := 0
	for b.Loop() {
		events = 0
		for _, bucket := range Generate(opts) {
			events += len(bucket.Events)
		}
	}
	b.ReportMetric(float64(events), "events/op")
}
