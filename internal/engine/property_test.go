package engine

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

// ---- The naive oracle (D5): FCR's O(B·N) slicing, written independently of the engine. ----

// oSlice is a slice as both implementations describe it.
type oSlice struct {
	Start, End int64
	States     []string // bucket id, clipped times and canonical data of each state, in order
}

type oEvent struct {
	bucket     activity.Bucket
	kind       activity.Kind
	start, end int64
	data       map[string]any
	srv        int
}

func canonical(m map[string]any) string {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func describe(bucketID string, start, end int64, data map[string]any) string {
	return fmt.Sprintf("%s %d–%d %s", bucketID, start, end, canonical(data))
}

func wildcard(host string) bool { return host == "" || strings.EqualFold(host, "unknown") }

// oracleSlices derives Phase 0 by checking every boundary pair against every event.
func oracleSlices(in Input, opts Options) []oSlice {
	from, to := in.From.UnixMicro(), in.To.UnixMicro()
	table := opts.Browsers
	if table == nil {
		table = activity.DefaultBrowsers()
	}
	norm := func(s string) string { return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".exe") }
	browsersOf := func(app string) []string {
		var out []string
		for name, apps := range table {
			for _, a := range apps {
				if norm(a) == norm(app) && !slices.Contains(out, strings.ToLower(name)) {
					out = append(out, strings.ToLower(name))
				}
			}
		}
		return out
	}
	known := func(browser string) bool {
		for name := range table {
			if strings.ToLower(name) == browser {
				return true
			}
		}
		return false
	}
	hasWebBucket := func(browser, host string) bool {
		for _, b := range in.Buckets {
			if activity.KindOf(b.Bucket) == activity.KindWeb && activity.BrowserOf(b.Bucket.ID) == browser &&
				(b.Bucket.Hostname == host || wildcard(b.Bucket.Hostname)) {
				return true
			}
		}
		return false
	}
	pattern := opts.AlwaysActive
	if pattern == "" {
		pattern = DefaultAlwaysActive
	}
	always := regexp.MustCompile(pattern)

	order := make([]int, len(in.Buckets))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ka, kb := activity.KindOf(in.Buckets[a].Bucket), activity.KindOf(in.Buckets[b].Bucket)
		if ka != kb {
			return cmp.Compare(ka, kb)
		}
		return strings.Compare(in.Buckets[a].Bucket.ID, in.Buckets[b].Bucket.ID)
	})
	var evs []oEvent
	for _, bi := range order {
		b := in.Buckets[bi]
		var mine []oEvent
		for j, e := range b.Events {
			if e.Timestamp.IsZero() || math.IsNaN(e.Duration) || e.Duration < 0 || e.Duration > 1e12 {
				continue
			}
			s := e.Timestamp.UnixMicro()
			end := s + int64(math.Round(e.Duration*1e6))
			s, end = max(s, from), min(end, to)
			if end <= s {
				continue
			}
			if activity.KindOf(b.Bucket) == activity.KindAFK && e.Data["status"] == "not-afk" {
				continue
			}
			data := map[string]any{}
			for k, v := range e.Data {
				if v != nil {
					data[k] = v
				}
			}
			mine = append(mine, oEvent{bucket: b.Bucket, kind: activity.KindOf(b.Bucket), start: s, end: end, data: data, srv: j})
		}
		slices.SortStableFunc(mine, func(x, y oEvent) int {
			if c := cmp.Compare(x.start, y.start); c != 0 {
				return c
			}
			return cmp.Compare(y.srv, x.srv)
		})
		evs = append(evs, mine...)
	}
	var bounds []int64
	for _, e := range evs {
		bounds = append(bounds, e.start, e.end)
	}
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)

	var out []oSlice
	for i := 0; i+1 < len(bounds); i++ {
		a, b := bounds[i], bounds[i+1]
		var cover []oEvent
		for _, e := range evs {
			if e.start <= a && e.end >= b {
				cover = append(cover, e)
			}
		}
		hosts := make([]string, len(cover))
		keep := make([]bool, len(cover))
		for i, w := range cover {
			hosts[i], keep[i] = w.bucket.Hostname, true
			if w.kind != activity.KindWeb {
				continue
			}
			keep[i] = false
			browser := activity.BrowserOf(w.bucket.ID)
			for _, s := range cover {
				app, _ := s.data["app"].(string)
				bs := browsersOf(app)
				if s.kind != activity.KindWindow || len(bs) == 0 {
					continue
				}
				if !wildcard(w.bucket.Hostname) && w.bucket.Hostname != s.bucket.Hostname {
					continue
				}
				escape := true
				for _, x := range bs {
					escape = escape && !hasWebBucket(x, s.bucket.Hostname)
				}
				if !known(browser) || slices.Contains(bs, browser) || escape {
					keep[i] = true
					if wildcard(w.bucket.Hostname) {
						hosts[i] = s.bucket.Hostname
					}
					break
				}
			}
		}
		away := map[string]bool{}
		if opts.AFKMasking {
			for _, s := range cover {
				if s.kind == activity.KindAFK && s.data["status"] == "afk" {
					away[s.bucket.Hostname] = true
				}
			}
		}
		var states []string
		for i, s := range cover {
			if !keep[i] {
				continue
			}
			if away[hosts[i]] {
				app, _ := s.data["app"].(string)
				title, _ := s.data["title"].(string)
				switch {
				case s.kind == activity.KindWindow && !always.MatchString(app) && !always.MatchString(title):
					continue
				case s.kind == activity.KindWeb && s.data["audible"] != true:
					continue
				case s.kind == activity.KindEditor:
					continue
				}
			}
			states = append(states, describe(s.bucket.ID, s.start, s.end, s.data))
		}
		if len(states) > 0 {
			out = append(out, oSlice{a, b, states})
		}
	}
	return out
}

// engineSlices describes the engine's Phase 0 output like the oracle's.
func engineSlices(d *derivation) []oSlice {
	var out []oSlice
	for _, s := range d.slices {
		var states []string
		for _, st := range d.sliceStates(s) {
			e := d.events[st]
			states = append(states, describe(d.buckets[e.bucket].id, e.start, e.end, d.datas[d.dataOf(st)].data))
		}
		out = append(out, oSlice{s.start, s.end, states})
	}
	return out
}

// ---- Random activity. ----

var randomBuckets = []activity.Bucket{
	testBuckets["window"], testBuckets["window2"], testBuckets["afk"], testBuckets["afk2"],
	testBuckets["chrome"], testBuckets["firefox"], testBuckets["chrome2"], testBuckets["webany"],
	testBuckets["vivaldi"], testBuckets["editor"], testBuckets["other"],
	{ID: "my-tabs", Type: activity.TypeWeb, Hostname: "host"},
}

// dataPool holds the data events of each kind draw from.
var dataPool = map[activity.Kind][]map[string]any{
	activity.KindWindow: {
		{"app": "code", "title": "main.go"}, {"app": "code", "title": "a.go"}, {"app": "Firefox", "title": "GH"},
		{"app": "Google-chrome", "title": "YouTube"}, {"app": "brave-browser"}, {"app": "Vivaldi"},
		{"app": "zoom", "title": "Zoom Meeting"}, {"app": "other"}, {"app": "lock"}, {"app": "Editor"},
		{"app": "term", "title": nil}, {"app": "ide"},
	},
	activity.KindWeb: {
		{"url": "https://github.com/x", "title": "GH", "audible": false}, {"url": "https://youtube.com/y", "audible": true},
		{"url": "https://meet.google.com/z", "title": "Meet"}, {"url": "browser", "tabCount": 3.0},
	},
	activity.KindAFK:    {{"status": "afk"}, {"status": "not-afk"}},
	activity.KindEditor: {{"file": "/a/main.go", "project": "a"}, {"file": "notes.md", "project": "b", "language": nil}},
	activity.KindOther:  {{"label": "x"}, nil},
}

// randomProfiles returns a profile set covering every rule feature, with random minutes.
func randomProfiles(r *rand.Rand) []profile.Profile {
	mins := []float64{0, 0.5, 1, 2, 3, 5}
	pick := func() float64 { return mins[r.IntN(len(mins))] }
	ps := []profile.Profile{
		{ID: "code", Name: "Code", TitleTemplate: "{app} - {title}",
			Primary:    []profile.Rule{rule("window", "app", "code"), rule("window", "app", "term")},
			Supporting: []profile.Rule{rule("afk", "status", "afk"), rule("web", "url", "github")},
			HardBreak:  []profile.Rule{rule("window", "app", "lock")}},
		{ID: "web", Name: "Web", TitleTemplate: "{title}",
			Primary:    []profile.Rule{rule("web", "url", "github"), {Bucket: "web", Field: "url", Pattern: "^browser$", Regex: true}},
			Supporting: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "firefox|chrome", Regex: true}}},
		{ID: "notother", Name: "Not other", TitleTemplate: "{app}",
			Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "other", Negate: true}}},
		{ID: "tube", Name: "Tube", TitleDetail: profile.TitleName,
			Primary: []profile.Rule{{Bucket: "ANY", Field: "title", Pattern: "youtube", Regex: true}}},
		{ID: "ed", Name: "Editor", TitleTemplate: "{project} {file}",
			Primary:    []profile.Rule{{Bucket: "editor", Field: "file", Pattern: ".", Regex: true}, rule("stopwatch", "", "x")},
			Supporting: []profile.Rule{rule("window", "app", "ide")}},
	}
	for i := range ps {
		ps[i].Threshold, ps[i].SoftBreak, ps[i].Enabled = pick(), pick(), r.IntN(8) > 0
	}
	r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	return ps
}

// randomInput builds activity over minutes [0, 60) with events reaching outside it. When
// newestFirst is false the server order is shuffled, to exercise tie-breaking.
func randomInput(r *rand.Rand, newestFirst bool) Input {
	in := Input{From: at(0), To: at(60)}
	for _, b := range randomBuckets {
		if r.IntN(10) < 3 {
			continue
		}
		pool := dataPool[activity.KindOf(b)]
		be := activity.BucketEvents{Bucket: b}
		for range r.IntN(14) {
			start := at(float64(r.IntN(280))/4 - 5)
			if r.IntN(5) == 0 {
				start = start.Add(time.Duration(r.IntN(1_000_000)) * time.Nanosecond)
			}
			dur := float64(r.IntN(48)) * 15
			if r.IntN(6) == 0 {
				dur += r.Float64() / 1000
			}
			e := activity.Event{Timestamp: start, Duration: dur, Data: pool[r.IntN(len(pool))]}
			if r.IntN(8) == 0 {
				e.Private = []string{"title"}
			}
			be.Events = append(be.Events, e)
		}
		if newestFirst {
			slices.SortStableFunc(be.Events, func(a, b activity.Event) int { return b.Timestamp.Compare(a.Timestamp) })
		}
		in.Buckets = append(in.Buckets, be)
	}
	r.Shuffle(len(in.Buckets), func(i, j int) { in.Buckets[i], in.Buckets[j] = in.Buckets[j], in.Buckets[i] })
	return in
}

// ---- Properties. ----

// checkInvariants asserts what must hold of any derivation: blocks sorted, non-overlapping,
// inside the window, each at least its profile's threshold and titled.
func checkInvariants(t *testing.T, ps []profile.Profile, in Input, res Result) {
	t.Helper()
	threshold := map[string]time.Duration{}
	for _, p := range ps {
		if p.Enabled {
			threshold[p.ID] = time.Duration(profile.Micros(p.Threshold)) * time.Microsecond
		}
	}
	for i, b := range res.Blocks {
		min, ok := threshold[b.ProfileID]
		require.True(t, ok, "block of an unknown or disabled profile %q", b.ProfileID)
		require.True(t, b.End.After(b.Start), "block %d is empty", i)
		require.GreaterOrEqual(t, b.End.Sub(b.Start), min, "block %d is shorter than its threshold", i)
		require.False(t, b.Start.Before(in.From), "block %d starts before the window", i)
		require.False(t, b.End.After(in.To), "block %d ends after the window", i)
		require.NotEmpty(t, b.Title)
		require.LessOrEqual(t, len(b.Evidence), maxEvidence)
		if i > 0 {
			require.False(t, b.Start.Before(res.Blocks[i-1].End), "block %d overlaps or precedes block %d", i, i-1)
		}
	}
	if !res.Quiescent.IsZero() {
		require.False(t, res.Quiescent.Before(in.From))
		require.False(t, res.Quiescent.After(in.To))
	}
}

// checkQuiescent asserts D6: starting at the reported quiescent point gives exactly the blocks
// (with titles and evidence) the full derivation gives from that point on.
func checkQuiescent(t *testing.T, e *Engine, in Input, res Result) {
	t.Helper()
	if res.Quiescent.IsZero() {
		return
	}
	again := in
	again.From = res.Quiescent
	require.Equal(t, after(res.Blocks, res.Quiescent), e.Derive(again).Blocks, "derivation from the quiescent point %v", res.Quiescent)
}

// checkClassify asserts that the engine's bitset classification agrees with profile.Classify
// on every slice and profile.
func checkClassify(t *testing.T, e *Engine, d *derivation) {
	t.Helper()
	for _, s := range d.slices {
		var states []profile.State
		for _, st := range d.sliceStates(s) {
			states = append(states, profile.State{BucketType: d.buckets[d.events[st].bucket].typ, Data: d.datas[d.dataOf(st)].data})
		}
		u := d.union(d.sliceStates(s))
		for p, c := range e.profiles {
			want, _ := c.Classify(states)
			tok, _ := d.classify(u, p)
			require.Equal(t, want, tok, "profile %s", c.Profile.ID)
		}
	}
}

func TestD5SweepMatchesNaiveOracle(t *testing.T) {
	for seed := range uint64(400) {
		r := rand.New(rand.NewPCG(seed, 5))
		opts := Options{AFKMasking: r.IntN(2) == 0}
		if r.IntN(4) == 0 {
			opts.AlwaysActive = "(?i)code|meet"
		}
		in := randomInput(r, r.IntN(2) == 0)
		e := newEngine(t, randomProfiles(r), opts)
		d := derive(e, in)
		require.Equal(t, oracleSlices(in, opts), engineSlices(d), "seed %d", seed)
		checkClassify(t, e, d)
	}
}

func TestDeriveProperties(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 6))
		ps := randomProfiles(r)
		e := newEngine(t, ps, Options{AFKMasking: r.IntN(2) == 0})
		in := randomInput(r, true)
		res := e.Derive(in)
		checkInvariants(t, ps, in, res)
		checkQuiescent(t, e, in, res)
		assert.Equal(t, res, e.Derive(in), "derivation is deterministic")
	}
}

// ---- Fuzzing, seeded from the tables. ----

// fuzzProfiles are the profiles of §8 that the fuzz target chooses from.
func fuzzProfiles(sel byte) []profile.Profile {
	codeRule, termRule, ideRule := rule("window", "app", "code"), rule("window", "app", "term"), rule("window", "app", "ide")
	b := simple("B", 5, 3, ideRule)
	b.Supporting = []profile.Rule{codeRule}
	sets := [][]profile.Profile{
		{profileP()},
		{simple("A", 5, 3, codeRule, termRule), simple("B", 1, 3, codeRule)},
		{simple("A", 5, 3, codeRule), b},
		{simple("A", 5, 3, codeRule, termRule), simple("B", 5, 3, codeRule, ideRule)},
	}
	return sets[int(sel)%len(sets)]
}

// fuzzApps are the window apps and fuzzBuckets the buckets an encoded event can name.
var (
	fuzzApps    = []string{"code", "other", "lock", "term", "ide", "Firefox", "zoom"}
	fuzzBuckets = []string{"window", "afk", "firefox", "window2", "afk2", "webany"}
)

// encodeCase turns a hand-written case into fuzz input: a header byte (profile set, masking)
// and 4 bytes per event (bucket, start and duration in quarter minutes, data).
func encodeCase(sel byte, evs []ev) []byte {
	out := []byte{sel}
	for _, e := range evs {
		bucket := slices.Index(fuzzBuckets, e.bucket)
		data := 0
		if app, ok := e.data["app"].(string); ok {
			data = slices.Index(fuzzApps, app)
		}
		if bucket < 0 || data < 0 {
			continue
		}
		out = append(out, byte(bucket), byte(e.from*4), byte((e.to-e.from)*4), byte(data))
	}
	return out
}

// maxFuzzEvents bounds a fuzzed case: the reference slicer (oracleSlices) is quadratic, and
// at about 850 events it takes seconds, which stalls the fuzzer (and under load made it report
// its worker as hung) while the engine takes a millisecond. The cases that find bugs are small.
const maxFuzzEvents = 200

// decodeCase turns fuzz bytes into a case: the profile selector, then 4 bytes an event, at most
// maxFuzzEvents of them.
func decodeCase(b []byte) (sel byte, in Input) {
	b = b[:min(len(b), 1+4*maxFuzzEvents)]
	if len(b) == 0 {
		return 0, Input{From: at(0), To: at(70)}
	}
	sel = b[0]
	var evs []ev
	for b = b[1:]; len(b) >= 4; b = b[4:] {
		name := fuzzBuckets[int(b[0])%len(fuzzBuckets)]
		from, dur := float64(b[1])/4, float64(b[2])/4
		var data map[string]any
		switch testBuckets[name].Type {
		case activity.TypeWindow:
			data = map[string]any{"app": fuzzApps[int(b[3])%len(fuzzApps)]}
		case activity.TypeAFK:
			data = map[string]any{"status": []string{"afk", "not-afk"}[b[3]%2]}
		default:
			data = map[string]any{"url": []string{"https://github.com", "browser"}[b[3]%2], "audible": b[3]%3 == 0}
		}
		evs = append(evs, ev{name, from, from + dur, data})
	}
	// Newest first, as aw-server answers.
	slices.SortStableFunc(evs, func(x, y ev) int { return cmp.Compare(x.from, y.from) })
	return sel, input(0, 70, evs...)
}

func FuzzDerive(f *testing.F) {
	code := func(a, b float64) ev { return win(a, b, "code") }
	other := func(a, b float64) ev { return win(a, b, "other") }
	f.Add(encodeCase(0, []ev{code(0, 6), other(6, 9), code(9, 12)}))                    // E1
	f.Add(encodeCase(0, []ev{code(0, 6), other(8, 9.5), code(9.5, 12)}))                // E4
	f.Add(encodeCase(0, []ev{code(0, 3), other(3, 5), code(5, 7)}))                     // E7
	f.Add(encodeCase(0, []ev{code(0, 6), other(6, 7), win(7, 8, "lock"), code(8, 20)})) // E9
	f.Add(encodeCase(0, []ev{code(0, 6), afk(6, 15), other(15, 30)}))                   // E10
	f.Add(encodeCase(4, []ev{code(0, 30), afk(10, 25)}))                                // D8
	f.Add(encodeCase(1, []ev{win(0, 10, "term"), code(10, 13)}))                        // E15
	f.Add(encodeCase(2, []ev{win(0, 6, "ide"), code(6, 20), win(20, 26, "ide")}))       // E16
	f.Add(encodeCase(3, []ev{win(0, 10, "ide"), code(10, 15), win(15, 30, "term")}))    // E18
	f.Add(encodeCase(4, []ev{win(0, 10, "Firefox"), web("firefox", 0, 10, "browser")})) // D9
	f.Add(encodeCase(5, []ev{win(0, 30, "zoom"), afk(10, 25), {"afk2", 0, 30, nil}}))   // D10
	f.Fuzz(func(t *testing.T, b []byte) {
		sel, in := decodeCase(b)
		opts := Options{AFKMasking: sel&4 != 0}
		ps := fuzzProfiles(sel)
		e := newEngine(t, ps, opts)
		res := e.Derive(in)
		checkInvariants(t, ps, in, res)
		checkQuiescent(t, e, in, res)
		d := derive(e, in)
		require.Equal(t, oracleSlices(in, opts), engineSlices(d))
		checkClassify(t, e, d)
	})
}

// byStartOrder merges the buckets' runs into what sorting every event by (start, index) gives:
// runs with equal starts, empty runs, and more runs than it merges (it sorts then).
func TestByStartOrderIsTheSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	for round := range 300 {
		var evs []nevent
		var runs []int32
		for range 1 + rng.IntN(maxMergedRuns+4) {
			runs = append(runs, int32(len(evs)))
			var starts []int64
			for range rng.IntN(30) {
				starts = append(starts, rng.Int64N(20))
			}
			slices.Sort(starts)
			for _, s := range starts {
				evs = append(evs, nevent{start: s})
			}
		}
		want := make([]int32, len(evs))
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(evs[a].start, evs[b].start) })
		require.Equal(t, want, byStartOrder(evs, runs), "round %d: %d runs", round, len(runs))
	}
}

// Phase 1 gives the same candidates and quiescent point with plans remembered by union as
// with every slice classified for itself.
func TestPlansAgreeWithClassifying(t *testing.T) {
	planned := 0
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 11))
		e := newEngine(t, randomProfiles(r), Options{AFKMasking: r.IntN(2) == 0})
		in := randomInput(r, r.IntN(2) == 0)
		withPlans := derive(e, in)
		if withPlans.plans == nil {
			continue // the rules span words: there are no plans
		}
		planned++
		classified := derive(e, in)
		classified.plans = nil
		wantCands, wantQ, wantHasQ := classified.runSwept(nil)
		gotCands, gotQ, gotHasQ := withPlans.runSwept(nil)
		require.Equal(t, wantCands, gotCands, "seed %d", seed)
		require.Equal(t, []any{wantQ, wantHasQ}, []any{gotQ, gotHasQ}, "seed %d", seed)
	}
	require.Greater(t, planned, 250)
}
