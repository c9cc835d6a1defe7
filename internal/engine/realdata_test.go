package engine

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
)

// TestStartersOnGeneratedActivity checks that the starter profiles give sensible blocks on a
// generated heavy week: every profile gets time, coding the most, titles and evidence are what
// each profile is about, and AFK masking only ever removes time.
func TestStartersOnGeneratedActivity(t *testing.T) {
	opts := fakedata.Options{Days: 7, Seed: 3, Intensity: fakedata.Heavy}
	buckets := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, opts.Days-1)
	in := Input{From: from, To: to, Buckets: buckets}
	starters := profile.Starters()
	res := newEngine(t, starters, DefaultOptions()).Derive(in)
	checkInvariants(t, starters, in, res)
	assert.Empty(t, res.Diagnostics.Malformed)

	total := map[string]time.Duration{}
	coding, named := 0, 0
	for _, b := range res.Blocks {
		total[b.ProfileID] += b.End.Sub(b.Start)
		require.NotEmpty(t, b.Evidence, "block %v has evidence", b)
		switch b.ProfileID {
		case "coding":
			assert.Regexp(t, `^Coding( · [\w.-]+)?$`, b.Title, "named after the project")
			coding++
			if b.Title != "Coding" {
				named++
			}
		case "meetings":
			assert.Regexp(t, `^Meeting( · \S.*)?$`, b.Title)
			assert.NotContains(t, b.Title, "Meet - ", "the Meet prefix goes")
		case "research":
			assert.Regexp(t, `^Research · [a-z0-9-]+(\.[a-z0-9-]+)+$`, b.Title, "named after the site")
		case "communication":
			assert.Contains(t, []string{"Slack", "Thunderbird", "Firefox", "Google-chrome"}, b.Title)
		case "writing":
			assert.Regexp(t, `^(LibreOffice Writer|Obsidian|Firefox|Google-chrome) - `, b.Title)
		}
	}
	assert.Greater(t, named*10, coding*9, "nine coding blocks in ten name their project (%d of %d)", named, coding)
	for _, p := range starters {
		assert.Greater(t, total[p.ID], 30*time.Minute, "profile %s gets time in a heavy week", p.ID)
	}
	for id, d := range total {
		if id != "coding" {
			assert.Greater(t, total["coding"], d, "a developer's week is mostly coding")
		}
	}

	unmasked := newEngine(t, starters, Options{}).Derive(in)
	var masked, all time.Duration
	for _, b := range res.Blocks {
		masked += b.End.Sub(b.Start)
	}
	for _, b := range unmasked.Blocks {
		all += b.End.Sub(b.Start)
	}
	assert.Less(t, masked, all, "masking removes the time a focused window sat unattended")
}

// TestAndroidExport runs the engine on a real aw-server-rust export from an Android phone:
// nanosecond timestamps, a third of events with zero duration, an unknown bucket type, no AFK.
func TestAndroidExport(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "activitywatch", "testdata", "android-export-rust.json"))
	require.NoError(t, err)
	defer f.Close()
	var export struct {
		Buckets map[string]struct {
			activity.Bucket
			Events []activity.Event `json:"events"`
		} `json:"buckets"`
	}
	require.NoError(t, json.NewDecoder(f).Decode(&export))
	var buckets []activity.BucketEvents
	var window []activity.Event
	for _, b := range export.Buckets {
		buckets = append(buckets, activity.BucketEvents{Bucket: b.Bucket, Events: b.Events})
		if b.Type == activity.TypeWindow {
			window = b.Events
		}
	}
	require.Len(t, buckets, 2)
	require.Len(t, window, 14350)
	from, to := window[len(window)-1].Timestamp, window[0].End() // newest first

	// Independent expectation: a profile that takes every window state, with threshold and
	// soft break 0, turns exactly the union of the positive-length window events into blocks,
	// except stretches under a second (a session opens on a second of evidence, §4).
	var spans [][2]int64
	for _, e := range window {
		s, end := e.Timestamp.UnixMicro(), e.Timestamp.UnixMicro()+int64(e.Duration*1e6+0.5)
		if end > s {
			spans = append(spans, [2]int64{s, end})
		}
	}
	slices.SortFunc(spans, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	var union []blk
	for _, s := range spans {
		if n := len(union); n > 0 && s[0] <= int64(union[n-1].to) {
			union[n-1].to = float64(max(int64(union[n-1].to), s[1]))
			continue
		}
		union = append(union, blk{"all", float64(s[0]), float64(s[1])})
	}
	union = slices.DeleteFunc(union, func(b blk) bool { return b.to-b.from < 1e6 })
	all := simple("all", 0, 0, profile.Rule{Bucket: "window", Field: "app", Pattern: ".", Regex: true})
	e := newEngine(t, []profile.Profile{all}, DefaultOptions())
	res := e.Derive(Input{From: from, To: to.Add(time.Microsecond), Buckets: buckets})
	var gotUnion []blk
	for _, b := range res.Blocks {
		gotUnion = append(gotUnion, blk{"all", float64(b.Start.UnixMicro()), float64(b.End.UnixMicro())})
	}
	assert.Equal(t, union, gotUnion, "blocks are exactly the covered time")
	assert.Empty(t, res.Diagnostics.Malformed)
	assert.Equal(t, len(spans), res.Diagnostics.Events, "zero-length events (all unlock events) are dropped")

	// Real profiles: the two most used apps. Blocks stay sane on real app switching.
	ps := []profile.Profile{
		simple("xhs", 5, 3, rule("window", "app", "小红书")),
		simple("wechat", 5, 3, rule("window", "app", "微信")),
		{ID: "browse", Name: "Browse", Threshold: 5, SoftBreak: 3, Enabled: true, TitleTemplate: "{app}",
			Primary: []profile.Rule{rule("window", "app", "firefox")}},
	}
	in := Input{From: from, To: to.Add(time.Microsecond), Buckets: buckets}
	res = newEngine(t, ps, DefaultOptions()).Derive(in)
	checkInvariants(t, ps, in, res)
	counts := map[string]int{}
	for _, b := range res.Blocks {
		counts[b.ProfileID]++
		want := map[string]string{"xhs": "小红书", "wechat": "微信", "browse": "Firefox Beta"}[b.ProfileID]
		if b.ProfileID == "wechat" {
			// The rule matches WeChat and its input method (微信输入法); the title names the
			// one with the most minutes in the block.
			assert.Contains(t, []string{"微信", "微信输入法"}, b.Title)
		} else {
			assert.Equal(t, want, b.Title)
		}
		assert.True(t, strings.Contains(b.Evidence[0].Label, want), "evidence %v", b.Evidence)
	}
	assert.Greater(t, counts["xhs"], 10, "the most used app forms many blocks over 11 days")
	assert.Greater(t, counts["wechat"], 5)
	assert.False(t, res.Quiescent.IsZero())
	checkQuiescent(t, newEngine(t, ps, DefaultOptions()), in, res)
}
