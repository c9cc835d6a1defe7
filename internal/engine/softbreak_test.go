package engine

import (
	"cmp"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// softBreakFigures are the figures of docs/ENGINE.md "Starter soft break" over generated heavy
// days: coding blocks per coding session, a session being a stretch of editor or terminal
// windows (the coding starter's window rules) with no gap of 15 minutes or more and at least
// 5 minutes of them; and the away leak, the share of block time outside meetings that lies in
// aw-watcher-afk's away periods (calls keep the screen on without input, so meetings count no
// leak).
func softBreakFigures(t *testing.T, ps []profile.Profile, days int) (perSession, leak float64) {
	t.Helper()
	e, err := New(ps, DefaultOptions())
	require.NoError(t, err)
	var appRules []*regexp.Regexp
	for _, r := range profile.Starters()[0].Primary {
		if r.Bucket == "window" && r.Field == "app" {
			appRules = append(appRules, regexp.MustCompile("(?i)"+r.Pattern))
		}
	}
	isCoding := func(app any) bool {
		s, _ := app.(string)
		return slices.ContainsFunc(appRules, func(re *regexp.Regexp) bool { return re.MatchString(s) })
	}
	var blocks, sessions int
	var inBlocks, leaked int64 // µs
	for day := range days {
		opts := fakedata.Options{Days: 1, Seed: 1000 + int64(day), Intensity: fakedata.Heavy, Location: time.UTC}
		data := fakedata.Generate(opts)
		from, to := fakedata.Day(opts, 0)
		var away, coding []span
		for _, be := range data {
			kind := activity.KindOf(be.Bucket)
			for _, ev := range be.Events {
				if kind == activity.KindAFK && ev.Data["status"] == "afk" {
					away = append(away, span{ev.Timestamp.UnixMicro(), ev.End().UnixMicro()})
				}
				if kind == activity.KindWindow && ev.Duration > 0 && isCoding(ev.Data["app"]) {
					coding = append(coding, span{ev.Timestamp.UnixMicro(), ev.End().UnixMicro()})
				}
			}
		}
		sessions += countSessions(coding, (15 * time.Minute).Microseconds(), (5 * time.Minute).Microseconds())
		for _, b := range e.Derive(Input{From: from.Add(-6 * time.Hour), To: to.Add(6 * time.Hour), Buckets: data}).Blocks {
			if b.ProfileID == "coding" {
				blocks++
			}
			if b.ProfileID == "meetings" {
				continue
			}
			bs, be := b.Start.UnixMicro(), b.End.UnixMicro()
			inBlocks += be - bs
			for _, a := range away {
				leaked += max(0, min(a.to, be)-max(a.from, bs))
			}
		}
	}
	require.Positive(t, sessions)
	require.Positive(t, inBlocks)
	return float64(blocks) / float64(sessions), float64(leaked) / float64(inBlocks)
}

type span struct{ from, to int64 } // µs

// countSessions counts the stretches of spans with no gap of at least gap between them that
// hold at least least of spans.
func countSessions(spans []span, gap, least int64) int {
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	n := 0
	var end, held int64
	for i, s := range spans {
		if i > 0 && s.from-end >= gap {
			if held >= least {
				n++
			}
			held = 0
		}
		held += s.to - s.from
		end = max(end, s.to)
	}
	if held >= least {
		n++
	}
	return n
}

// TestStarterSoftBreak: the starters' 5-minute soft break (issue 16) splits coding sessions
// into fewer blocks than the earlier 2–3 minutes did, at the price of a small away leak.
func TestStarterSoftBreak(t *testing.T) {
	before := profile.Starters()
	for i, sb := range []float64{3, 3, 2, 3, 3} { // coding, meetings, communication, research, writing
		before[i].SoftBreak = sb
	}
	fragBefore, leakBefore := softBreakFigures(t, before, 30)
	fragAfter, leakAfter := softBreakFigures(t, profile.Starters(), 30)
	t.Logf("30 heavy days: coding blocks per session %.2f → %.2f, away leak %.3f → %.3f",
		fragBefore, fragAfter, leakBefore, leakAfter)
	assert.Less(t, fragAfter, fragBefore, "fewer blocks per coding session")
	assert.Less(t, leakAfter, 0.02, "the away leak stays under 2 % of block time")
}
