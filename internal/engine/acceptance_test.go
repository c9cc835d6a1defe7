package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/profile"
)

// fcrOptions runs FCR's semantics: the §8 cases run with AFK masking off.
var fcrOptions = Options{AFKMasking: false}

func youTube() profile.Profile {
	return profile.Profile{
		ID: "YouTube", Name: "YouTube", Category: "media", Threshold: 5, SoftBreak: 3, Enabled: true,
		TitleTemplate: "YouTube - {title}",
		Primary:       []profile.Rule{{Bucket: "window", Field: "title", Pattern: "youtube", Regex: true}},
		Supporting:    []profile.Rule{rule("afk", "status", "afk")},
	}
}

// TestFCR runs FCR's own tests T1–T5 (ENGINE.md §7).
func TestFCR(t *testing.T) {
	typeProfile := func(id, second string) profile.Profile {
		return profile.Profile{
			ID: id, Name: id, Threshold: 15, SoftBreak: 5, Enabled: true, TitleTemplate: id + " Output",
			Primary: []profile.Rule{rule("window", "app", "Obsidian"), rule("window", "app", second), rule("web", "url", "browser")},
		}
	}
	tests := []struct {
		name      string
		profiles  []profile.Profile
		in        Input
		want      []blk
		wantTitle []string
	}{
		{
			// FCR feeds 5–15 [web url browser] straight into its FSM; through Phase 0 a tab is a
			// state only while a browser has focus, so the browser window is listed with it.
			name:     "T1",
			profiles: []profile.Profile{typeProfile("Type 1", "vscode"), typeProfile("Type 2", "zotero")},
			in: input(0, 60, win(0, 5, "Obsidian"), win(5, 15, "Firefox"), web("firefox", 5, 15, "browser"),
				win(15, 27, "zotero"), afk(27, 50)),
			want:      []blk{{"Type 2", 0, 27}},
			wantTitle: []string{"Type 2 Output"},
		},
		{
			name: "T2",
			profiles: []profile.Profile{{ID: "ci", Name: "Case Insensitive", Category: "blue", Enabled: true,
				TitleTemplate: "{APP}", Primary: []profile.Rule{rule("WINDOW", "APP", "obsidian")}}},
			in:   input(0, 60, win(0, 10, "Obsidian")),
			want: []blk{{"ci", 0, 10}},
			// FCR's placeholders are case-sensitive and give "Case Insensitive"; ours are not (D2).
			wantTitle: []string{"Obsidian"},
		},
		{
			name: "T3",
			profiles: []profile.Profile{{ID: "re", Name: "Regex CI", Category: "red", Enabled: true,
				Primary: []profile.Rule{{Bucket: "any", Field: "title", Pattern: "YOUTUBE", Regex: true}}}},
			in:        input(0, 60, win(0, 10, "Firefox", "title", "Watching youtube")),
			want:      []blk{{"re", 0, 10}},
			wantTitle: []string{"Firefox"}, // an empty template is {app}
		},
		{
			name:     "T4",
			profiles: []profile.Profile{youTube()},
			in:       input(0, 60, afk(0, 10)),
		},
		{
			name:     "T5",
			profiles: []profile.Profile{youTube()},
			in: input(0, 60, win(0, 5, "Firefox", "title", "Watching YouTube"), afk(5, 9),
				win(9, 10, "SomeOtherApp"), win(10, 12, "Firefox", "title", "Still YouTube")),
			want:      []blk{{"YouTube", 0, 12}},
			wantTitle: []string{"YouTube - Watching YouTube"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := newEngine(t, tt.profiles, fcrOptions).Derive(tt.in)
			assert.Equal(t, tt.want, nilIfEmpty(got(res.Blocks)))
			if tt.wantTitle != nil {
				require.Len(t, res.Blocks, len(tt.wantTitle))
				for i, w := range tt.wantTitle {
					assert.Equal(t, w, res.Blocks[i].Title)
				}
			}
		})
	}
}

func nilIfEmpty(b []blk) []blk {
	if len(b) == 0 {
		return nil
	}
	return b
}

// TestDerived runs the cases E1–E18 derived by running FCR's logic (ENGINE.md §7).
func TestDerived(t *testing.T) {
	code := func(from, to float64) ev { return win(from, to, "code") }
	other := func(from, to float64) ev { return win(from, to, "other") }
	term := func(from, to float64) ev { return win(from, to, "term") }
	ide := func(from, to float64) ev { return win(from, to, "ide") }
	lock := func(from, to float64) ev { return win(from, to, "lock") }
	P := []profile.Profile{profileP()}
	p0 := profileP()
	p0.Threshold = 0
	codeRule, termRule, ideRule := rule("window", "app", "code"), rule("window", "app", "term"), rule("window", "app", "ide")
	bSupportsCode := simple("B", 5, 3, ideRule)
	bSupportsCode.Supporting = []profile.Rule{codeRule}

	tests := []struct {
		name        string
		profiles    []profile.Profile
		evs         []ev
		want        []blk
		wantFitness []float64 // minutes, when the case states it
	}{
		{"E1", P, []ev{code(0, 6), other(6, 9), code(9, 12)}, []blk{{"P", 0, 12}}, []float64{9}},
		{"E2", P, []ev{code(0, 6), other(6, 9.5), code(9.5, 12)}, []blk{{"P", 0, 6}}, nil},
		{"E3", P, []ev{code(0, 6), code(9, 12)}, []blk{{"P", 0, 12}}, nil},
		{"E4", P, []ev{code(0, 6), other(8, 9.5), code(9.5, 12)}, []blk{{"P", 0, 6}}, nil},
		{"E5", P, []ev{code(0, 6), code(10, 16)}, []blk{{"P", 0, 6}, {"P", 10, 16}}, nil},
		{"E6", P, []ev{code(0, 4), other(4, 8), code(8, 9)}, nil, nil},
		{"E7", P, []ev{code(0, 3), other(3, 5), code(5, 7)}, []blk{{"P", 0, 7}}, []float64{5}},
		{"E8", P, []ev{code(0, 4)}, nil, nil},
		{"E9", P, []ev{code(0, 6), other(6, 7), lock(7, 8), code(8, 20)}, []blk{{"P", 0, 6}, {"P", 8, 20}}, nil},
		{"E10", P, []ev{code(0, 6), afk(6, 15), other(15, 30)}, []blk{{"P", 0, 15}}, []float64{6}},
		{"E11", P, []ev{code(0, 6), afk(0, 6)}, []blk{{"P", 0, 6}}, []float64{6}},
		{"E12", P, []ev{code(0, 6), lock(0, 6)}, nil, nil},
		{"E13", []profile.Profile{p0}, []ev{code(0, 0.5)}, []blk{{"P", 0, 0.5}}, nil},
		{"E14", []profile.Profile{simple("A", 5, 3, codeRule), simple("B", 5, 3, codeRule)},
			[]ev{code(0, 10)}, []blk{{"A", 0, 10}}, nil},
		{"E15", []profile.Profile{simple("A", 5, 3, codeRule, termRule), simple("B", 1, 3, codeRule)},
			[]ev{term(0, 10), code(10, 13)}, []blk{{"A", 0, 13}}, []float64{13}},
		{"E16", []profile.Profile{simple("A", 5, 3, codeRule), bSupportsCode},
			[]ev{ide(0, 6), code(6, 20), ide(20, 26)}, []blk{{"B", 0, 6}, {"A", 6, 20}, {"B", 20, 26}}, []float64{12, 14, 12}},
		{"E17", []profile.Profile{simple("A", 5, 3, codeRule), bSupportsCode},
			[]ev{ide(0, 7), code(7, 20), ide(20, 23)}, []blk{{"B", 0, 7}, {"A", 7, 20}}, []float64{10, 13}},
		{"E18", []profile.Profile{simple("A", 5, 3, codeRule, termRule), simple("B", 5, 3, codeRule, ideRule)},
			[]ev{ide(0, 10), code(10, 15), term(15, 30)}, []blk{{"B", 0, 10}, {"A", 10, 30}}, []float64{15, 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := newEngine(t, tt.profiles, fcrOptions).Derive(input(0, 60, tt.evs...))
			assert.Equal(t, tt.want, nilIfEmpty(got(res.Blocks)))
			if tt.wantFitness != nil {
				require.Len(t, res.Blocks, len(tt.wantFitness))
				for i, f := range tt.wantFitness {
					assert.Equal(t, time.Duration(f*float64(time.Minute)), res.Blocks[i].Fitness, "block %d", i)
				}
			}
		})
	}
}

// realBucketCase is the acceptance case "Phase 0 with real bucket types".
func realBucketCase() ([]profile.Profile, Input) {
	p := profile.Profile{
		ID: "dev", Name: "Dev", Threshold: 5, SoftBreak: 3, Enabled: true, TitleTemplate: "{app} - {title}",
		Primary: []profile.Rule{rule("web", "url", "github.com"), rule("window", "app", "code")},
	}
	in := input(0, 60,
		win(0, 10, "chrome", "title", "GH - Google Chrome"), win(10, 20, "Code", "title", "main.go"),
		web("chrome", 0, 20, "https://github.com/awcal", "title", "GH"),
		notAFK(0, 5), afk(5, 8))
	return []profile.Profile{p}, in
}

func TestRealBucketTypes(t *testing.T) {
	ps, in := realBucketCase()
	t.Run("AFK masking off", func(t *testing.T) {
		e := newEngine(t, ps, fcrOptions)
		res := e.Derive(in)
		require.Equal(t, []blk{{"dev", 0, 20}}, got(res.Blocks))
		// FCR gives "- GH": the web data wins the tie (seen first) and has no app. D2 fills it.
		assert.Equal(t, "chrome - GH", res.Blocks[0].Title)
		d := derive(e, in)
		for _, s := range d.slices {
			hasWeb := false
			for _, st := range d.sliceStates(s) {
				hasWeb = hasWeb || d.buckets[d.events[st].bucket].id == testBuckets["chrome"].ID
			}
			assert.Equal(t, s.end <= at(10).UnixMicro(), hasWeb, "web state only while chrome is focused, slice %v", s)
		}
		assert.Equal(t, []Evidence{
			{Kind: 0, Label: "Code — main.go", Duration: 10 * time.Minute},
			{Kind: 1, Label: "github.com — GH", Duration: 10 * time.Minute},
		}, sortedEvidence(res.Blocks[0].Evidence))
	})
	t.Run("AFK masking on", func(t *testing.T) {
		res := newEngine(t, ps, DefaultOptions()).Derive(in)
		require.Equal(t, []blk{{"dev", 0, 20}}, got(res.Blocks), "5–8 is a 3-minute mismatch: no break")
		assert.Equal(t, "Code - main.go", res.Blocks[0].Title)
		assert.Equal(t, 17*time.Minute, res.Blocks[0].Fitness)
	})
}

// sortedEvidence orders evidence of equal duration by label, for comparison.
func sortedEvidence(es []Evidence) []Evidence {
	out := append([]Evidence(nil), es...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Duration == out[j-1].Duration && out[j].Label < out[j-1].Label; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// derive runs Phase 0 only, for tests that look at slices.
func derive(e *Engine, in Input) *derivation {
	d := newDerivation(e, in)
	if d.to > d.from {
		d.load(in.Buckets)
		d.slice(nil)
	}
	return d
}

func TestSeeds(t *testing.T) {
	seed := Seed{ProfileID: "P", Active: true, SessionStart: at(0), LastEvidenceEnd: at(20)}
	tests := []struct {
		name string
		in   Input
		want []blk
		fit  time.Duration
	}{
		{"seed active, empty timeline", input(20, 60), []blk{{"P", 0, 20}}, 0},
		{"seed active, supporting then a long mismatch", input(20, 60, afk(20, 40), win(40, 50, "other")), []blk{{"P", 0, 40}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Seeds = []Seed{seed}
			res := newEngine(t, []profile.Profile{profileP()}, fcrOptions).Derive(tt.in)
			assert.Equal(t, tt.want, got(res.Blocks))
			require.Len(t, res.Blocks, 1)
			assert.Equal(t, tt.fit, res.Blocks[0].Fitness)
			assert.Equal(t, "P", res.Blocks[0].Title, "no evidence data: the profile name")
		})
	}
}
