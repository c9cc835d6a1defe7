package profile

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validProfile(id, name string) Profile {
	return Profile{
		ID: id, Name: name, Category: "Work", Color: "#abc", Threshold: 5, SoftBreak: 3, Enabled: true,
		Primary: []Rule{{Bucket: "window", Field: "app", Pattern: "code"}},
	}
}

func TestValidate(t *testing.T) {
	mod := func(f func(p *Profile)) []Profile {
		p := validProfile("coding", "Coding")
		f(&p)
		return []Profile{p}
	}
	tests := []struct {
		name    string
		ps      []Profile
		wantErr error
		field   string
		msg     string
	}{
		{"lookahead is a regex error with its position",
			mod(func(p *Profile) {
				p.Primary = append(p.Primary, Rule{Bucket: "window", Field: "title", Pattern: "foo(?=bar)", Regex: true})
			}),
			ErrInvalidRegex, "pattern",
			`profile "Coding" (coding): primary rule 2: invalid regex at position 4: invalid or unsupported Perl syntax: ` + "`(?=`"},
		{"missing paren points at the open paren",
			mod(func(p *Profile) { p.Supporting = []Rule{{Pattern: "ab(cd", Regex: true}} }),
			ErrInvalidRegex, "pattern", `supporting rule 1: invalid regex at position 3: missing closing )`},
		{"unexpected paren points at it",
			mod(func(p *Profile) { p.HardBreak = []Rule{{Pattern: "a)b", Regex: true}} }),
			ErrInvalidRegex, "pattern", `hard-break rule 1: invalid regex at position 2: unexpected )`},
		{"trailing backslash",
			mod(func(p *Profile) { p.Primary[0] = Rule{Pattern: `ab\`, Regex: true} }),
			ErrInvalidRegex, "pattern", `invalid regex at position 3: trailing backslash`},
		{"positions count characters, not bytes",
			mod(func(p *Profile) { p.Primary[0] = Rule{Pattern: `é[z-a]`, Regex: true} }),
			ErrInvalidRegex, "pattern", "invalid regex at position 3: invalid character class range: `z-a`"},
		{"lookbehind",
			mod(func(p *Profile) { p.Primary[0] = Rule{Pattern: `x(?<!y)`, Regex: true} }),
			ErrInvalidRegex, "pattern", "position 2: invalid named capture: `(?<!y)` (lookahead and lookbehind are not supported"},
		{"empty pattern",
			mod(func(p *Profile) { p.Primary[0].Pattern = "" }),
			ErrEmptyPattern, "pattern", `primary rule 1: pattern is empty`},
		{"unknown bucket word",
			mod(func(p *Profile) { p.Primary[0].Bucket = "browser" }),
			ErrUnknownBucket, "bucket", `primary rule 1: unknown bucket "browser"`},
		{"negative threshold",
			mod(func(p *Profile) { p.Threshold = -1 }),
			ErrBadMinutes, "threshold", `profile "Coding" (coding): bad minutes: threshold is -1 minutes`},
		{"negative soft break",
			mod(func(p *Profile) { p.SoftBreak = -0.5 }),
			ErrBadMinutes, "softBreak", `softBreak is -0.5 minutes`},
		{"absurd soft break",
			mod(func(p *Profile) { p.SoftBreak = 1e12 }),
			ErrBadMinutes, "softBreak", `must be between 0 and 10080`},
		{"bad colour",
			mod(func(p *Profile) { p.Color = "blue" }),
			ErrBadColor, "color", `bad colour "blue": use #rgb or #rrggbb`},
		{"bad title detail",
			mod(func(p *Profile) { p.TitleDetail = "some" }),
			ErrBadTitleDetail, "titleDetail", `bad title detail "some"`},
		{"missing id",
			mod(func(p *Profile) { p.ID = " " }),
			ErrMissingID, "id", `id is empty`},
		{"missing name",
			mod(func(p *Profile) { p.Name = "" }),
			ErrMissingName, "name", `name is empty`},
		{"duplicate id",
			[]Profile{validProfile("a", "One"), validProfile("a", "Two")},
			ErrDuplicateID, "id", `profile "Two" (a): duplicate id: "a" is also the id of profile "One"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.ps)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.wantErr)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Problems, 1, err.Error())
			assert.Equal(t, tt.field, ve.Problems[0].Field)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestValidateAcceptsAndReportsEverything(t *testing.T) {
	good := []Profile{validProfile("a", "A")}
	good[0].Primary = []Rule{
		{Bucket: "", Pattern: "x"}, {Bucket: " ANY ", Pattern: "x"}, {Bucket: "Window", Pattern: "x"},
		{Bucket: "afk", Pattern: "x"}, {Bucket: "web", Pattern: "x"}, {Bucket: "editor", Pattern: "x"},
		{Bucket: "currentwindow", Pattern: "x"}, {Bucket: "stopwatch", Pattern: "x"},
		{Bucket: "os.lockscreen.unlocks", Pattern: "x"}, {Bucket: "app.terminal.activity", Pattern: "x"},
	}
	good[0].Color = ""
	good[0].TitleDetail = TitleName
	require.NoError(t, Validate(good))
	require.NoError(t, Validate(Starters()))

	bad := []Profile{validProfile("a", "A"), validProfile("a", "B")}
	bad[0].Threshold = -1
	bad[0].Primary = append(bad[0].Primary, Rule{Pattern: "(", Regex: true}, Rule{Bucket: "windw", Pattern: "x"})
	bad[1].Enabled = false
	bad[1].Color = "#12"
	err := Validate(bad)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Problems, 5, "threshold, regex, bucket, duplicate id, colour: %v", err)
	assert.Len(t, strings.Split(err.Error(), "\n"), 5)
	var p *Problem
	require.ErrorAs(t, err, &p)
	assert.Equal(t, 0, p.Index)
	assert.ErrorIs(t, err, ErrBadColor, "disabled profiles are validated too")
}

func TestMatcher(t *testing.T) {
	data := map[string]any{
		"app": "Firefox", "title": "GitHub — awcal", "url": "https://github.com/awcal",
		"tabCount": 3.0, "audible": true, "incognito": false, "ratio": 0.5,
		"meta": map[string]any{"z": "<b>", "a": 1.0}, "list": []any{1.0, "x"}, "gone": nil, "Mixed": "Case",
	}
	tests := []struct {
		name string
		rule Rule
		typ  string
		data map[string]any
		want bool
	}{
		{"bucket substring", Rule{Bucket: "window", Field: "app", Pattern: "fire"}, "currentwindow", data, true},
		{"bucket is case-insensitive and trimmed", Rule{Bucket: " WINDOW ", Field: "app", Pattern: "fire"}, "currentwindow", data, true},
		{"bucket mismatch", Rule{Bucket: "afk", Field: "app", Pattern: "fire"}, "currentwindow", data, false},
		{"any in any case matches every bucket", Rule{Bucket: "AnY", Field: "app", Pattern: "fire"}, "os.lockscreen.unlocks", data, true},
		{"empty bucket matches every bucket", Rule{Field: "app", Pattern: "fire"}, "web.tab.current", data, true},
		{"substring is case-insensitive", Rule{Field: "title", Pattern: "GITHUB"}, "x", data, true},
		{"field is case-insensitive", Rule{Field: "APP", Pattern: "firefox"}, "x", data, true},
		{"exact key first", Rule{Field: "mixed", Pattern: "case"}, "x", map[string]any{"mixed": "case", "Mixed": "other"}, true},
		{"case-insensitive key is deterministic", Rule{Field: "k", Pattern: "a"}, "x", map[string]any{"K": "a", "Kk": "b"}, true},
		{"number as JSON text", Rule{Field: "tabCount", Pattern: "^3$", Regex: true}, "x", data, true},
		{"fraction as JSON text", Rule{Field: "ratio", Pattern: "^0.5$", Regex: true}, "x", data, true},
		{"true as JSON text", Rule{Field: "audible", Pattern: "true"}, "x", data, true},
		{"false as JSON text", Rule{Field: "incognito", Pattern: "^false$", Regex: true}, "x", data, true},
		{"object as sorted compact JSON without HTML escaping", Rule{Field: "meta", Pattern: `{"a":1,"z":"<b>"}`}, "x", data, true},
		{"array as JSON", Rule{Field: "list", Pattern: `[1,"x"]`}, "x", data, true},
		{"null is absent, so the fallback applies", Rule{Field: "gone", Pattern: "firefox"}, "x", data, true},
		{"absent field falls back to app", Rule{Field: "nope", Pattern: "firefox"}, "x", data, true},
		{"empty field falls back in order app, url, title", Rule{Pattern: "github.com"}, "x", map[string]any{"app": "", "url": "https://github.com", "title": "t"}, true},
		{"fallback takes only the first non-empty", Rule{Pattern: "t"}, "x", map[string]any{"url": "u", "title": "t"}, false},
		{"fallback to project then file", Rule{Pattern: "main.go"}, "x", map[string]any{"project": "", "file": "main.go"}, true},
		{"nothing to compare never matches", Rule{Pattern: "x"}, "x", map[string]any{"status": "x"}, false},
		{"regex is unanchored and case-insensitive", Rule{Field: "title", Pattern: "git(hub|lab)", Regex: true}, "x", data, true},
		{"regex anchors are honoured", Rule{Field: "title", Pattern: "^awcal", Regex: true}, "x", data, false},
		{"negate matches when the pattern does not", Rule{Field: "app", Pattern: "chrome", Negate: true}, "x", data, true},
		{"negate fails when the pattern matches", Rule{Field: "app", Pattern: "fire", Negate: true}, "x", data, false},
		{"negate with an absent named field does not match", Rule{Field: "nope", Pattern: "zzz", Negate: true}, "x", data, false},
		{"negate with an empty named field does not match", Rule{Field: "app", Pattern: "zzz", Negate: true}, "x", map[string]any{"app": "", "title": "t"}, false},
		{"negate without a field uses the fallback", Rule{Pattern: "chrome", Negate: true}, "x", data, true},
		{"negate without anything to compare does not match", Rule{Pattern: "chrome", Negate: true}, "x", map[string]any{}, false},
		{"nil data", Rule{Pattern: "x"}, "x", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.rule.Compile()
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.Match(tt.typ, tt.data))
		})
	}
}

func TestRuleCompileErrors(t *testing.T) {
	_, err := Rule{Pattern: "a(?=b)", Regex: true}.Compile()
	assert.ErrorIs(t, err, ErrInvalidRegex)
	var re *RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "pattern", re.Field)
	var rx *RegexError
	require.ErrorAs(t, err, &rx)
	assert.Equal(t, 2, rx.Pos, "the editor can put the cursor on (?=")
	_, err = Rule{}.Compile()
	assert.ErrorIs(t, err, ErrEmptyPattern)
	_, err = Rule{Bucket: "windws", Pattern: "x"}.Compile()
	assert.ErrorIs(t, err, ErrUnknownBucket)
}

func TestValueText(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, ""}, {"s", "s"}, {true, "true"}, {false, "false"}, {3.0, "3"}, {-0.25, "-0.25"},
		{1e21, "1e+21"}, {1e-7, "1e-7"}, {123456789.0, "123456789"}, {42, "42"},
		{map[string]any{"b": "&", "a": []any{}}, `{"a":[],"b":"&"}`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ValueText(tt.v), "%#v", tt.v)
	}
}

func TestClassifyPrecedence(t *testing.T) {
	set, err := Compile([]Profile{{
		ID: "p", Name: "P", Threshold: 5, SoftBreak: 3,
		Primary:    []Rule{{Bucket: "window", Field: "app", Pattern: "code"}, {Bucket: "window", Field: "app", Pattern: "term"}},
		Supporting: []Rule{{Bucket: "afk", Field: "status", Pattern: "afk"}},
		HardBreak:  []Rule{{Bucket: "window", Field: "app", Pattern: "lock"}},
	}})
	require.NoError(t, err)
	p := set.Profiles[0]
	w := func(app string) State { return State{"currentwindow", map[string]any{"app": app}} }
	afk := State{"afkstatus", map[string]any{"status": "afk"}}
	tests := []struct {
		name   string
		states []State
		tok    Token
		idx    int
	}{
		{"hard break overrides primary", []State{w("code"), w("lock")}, HardBreak, 1},
		{"primary over supporting", []State{afk, w("code")}, Primary, 1},
		{"first primary rule in list order wins", []State{w("term"), w("code")}, Primary, 1},
		{"supporting", []State{w("other"), afk}, Supporting, 1},
		{"mismatch", []State{w("other")}, Mismatch, -1},
		{"no states", nil, Mismatch, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, idx := p.Classify(tt.states)
			assert.Equal(t, tt.tok, tok, tok.String())
			assert.Equal(t, tt.idx, idx)
		})
	}
}

func TestStarters(t *testing.T) {
	ps := Starters()
	set, err := Compile(ps)
	require.NoError(t, err)
	ids := map[string]bool{}
	for _, p := range ps {
		assert.True(t, p.Enabled, p.ID)
		assert.Equal(t, 5.0, p.SoftBreak, "%s: a starter session survives a five-minute detour (issue 16)", p.ID)
		assert.Regexp(t, regexp.MustCompile(`^[a-z]+$`), p.ID)
		assert.False(t, ids[p.ID], "ids are unique")
		ids[p.ID] = true
	}
	assert.Equal(t, []string{"coding", "meetings", "communication", "research", "writing"},
		[]string{ps[0].ID, ps[1].ID, ps[2].ID, ps[3].ID, ps[4].ID}, "ids are stable")

	byID := map[string]*Compiled{}
	for _, c := range set.Profiles {
		byID[c.Profile.ID] = c
	}
	win := func(app, title string) State {
		return State{"currentwindow", map[string]any{"app": app, "title": title}}
	}
	web := func(url string) State { return State{"web.tab.current", map[string]any{"url": url, "title": "t"}} }
	tests := []struct {
		state   State
		profile string
		want    Token
	}{
		{win("Code", "main.go - awcal - Visual Studio Code"), "coding", Primary},
		{win("code.exe", "x"), "coding", Primary},
		{win("gnome-terminal-server", "~"), "coding", Primary},
		{win("Xcode Helper", "x"), "coding", Mismatch},
		{State{"app.editor.activity", map[string]any{"file": "/src/main.go", "project": "awcal"}}, "coding", Primary},
		{web("https://github.com/awcal/awcal/pull/3"), "coding", Supporting},
		{web("https://notgithub.com.evil/x"), "coding", Mismatch},
		{win("zoom", "Zoom Meeting"), "meetings", Primary},
		{win("Microsoft Teams", "Standup"), "meetings", Primary},
		{win("firefox", "Meet - abc-defg-hij — Mozilla Firefox"), "meetings", Primary},
		{win("Thunderbird", "Meeting notes - Thunderbird"), "meetings", Mismatch},
		{web("https://meet.google.com/abc-defg-hij"), "meetings", Primary},
		{win("Slack", "general"), "communication", Primary},
		{win("thunderbird", "Inbox"), "communication", Primary},
		{web("https://mail.google.com/mail/u/0"), "communication", Primary},
		{web("https://en.wikipedia.org/wiki/Go"), "research", Primary},
		{web("https://mail.google.com/mail/u/0"), "research", Mismatch},
		{win("Firefox", "x"), "research", Supporting},
		{win("libreoffice-writer", "Report.odt"), "writing", Primary},
		{win("obsidian", "Notes"), "writing", Primary},
		{web("https://docs.google.com/document/d/1"), "writing", Primary},
	}
	for _, tt := range tests {
		t.Run(tt.profile+" "+tt.state.BucketType+" "+ValueText(tt.state.Data), func(t *testing.T) {
			tok, _ := byID[tt.profile].Classify([]State{tt.state})
			assert.Equal(t, tt.want, tok)
		})
	}
}

func TestNewAndNewID(t *testing.T) {
	var ps []Profile
	for range 50 {
		p := New(ps)
		require.NoError(t, Validate(append(ps, p)))
		assert.Regexp(t, `^p-[a-z2-7]{10}$`, p.ID)
		ps = append(ps, p)
	}
	first := New(nil)
	assert.Equal(t, DefaultName, first.Name)
	assert.Equal(t, "Work", first.Category)
	assert.Equal(t, Palette[0], first.Color)
	assert.Equal(t, 5.0, first.Threshold)
	assert.Equal(t, 3.0, first.SoftBreak)
	assert.Equal(t, "{app} - {title}", first.TitleTemplate)
	assert.True(t, first.Enabled)
	assert.Equal(t, Palette[1], New([]Profile{{Color: strings.ToUpper(Palette[0])}}).Color, "the next unused colour")
}

func TestTemplate(t *testing.T) {
	p := Profile{Name: "N", TitleTemplate: "{title}"}
	assert.Equal(t, "{title}", p.Template())
	p.TitleDetail = TitleFull
	assert.Equal(t, "{title}", p.Template())
	p.TitleDetail = TitleApp
	assert.Equal(t, "{app}", p.Template())
	p.TitleDetail = TitleName
	assert.Equal(t, "", p.Template())
	assert.Equal(t, "{app}", Profile{}.Template(), "an empty template means {app}")
}

func TestMicros(t *testing.T) {
	assert.Equal(t, int64(300_000_000), Micros(5))
	assert.Equal(t, int64(30_000_000), Micros(0.5))
	assert.Equal(t, int64(1), Micros(0.5/60e6), "half rounds away from zero")
}

// FuzzMatcher checks, on arbitrary rules and values, that compiling never panics, that an
// invalid regex is always an ErrInvalidRegex, that negation flips the answer whenever the named
// field has text, and that a regex of a quoted literal agrees with the substring test.
func FuzzMatcher(f *testing.F) {
	f.Add("window", "app", "code", false, "Code")
	f.Add("any", "title", "foo(?=bar)", true, "foobar")
	f.Add("", "", "ß", false, "STRASSE")
	f.Add("web", "url", "^https://", true, "https://x")
	f.Fuzz(func(t *testing.T, bucket, field, pattern string, regex bool, value string) {
		r := Rule{Bucket: bucket, Field: field, Pattern: pattern, Regex: regex}
		m, err := r.Compile()
		if err != nil {
			if KnownBucketWord(bucket) && pattern != "" && !regex {
				t.Fatalf("a substring rule with a known bucket must compile: %v", err)
			}
			if regex && pattern != "" && KnownBucketWord(bucket) && !errors.Is(err, ErrInvalidRegex) {
				t.Fatalf("want ErrInvalidRegex, got %v", err)
			}
			return
		}
		key := field
		if key == "" {
			key = "app"
		}
		data := map[string]any{key: value}
		r.Negate = true
		n, err := r.Compile()
		if err != nil {
			t.Fatal(err)
		}
		if value != "" && m.Match("currentwindow", data) == n.Match("currentwindow", data) && m.MatchesBucket("currentwindow") {
			t.Fatalf("negate must flip the answer on %q", value)
		}
		if !regex && isASCII(pattern) && isASCII(value) {
			q, err := Rule{Pattern: regexp.QuoteMeta(pattern), Regex: true}.Compile()
			if err != nil {
				t.Fatal(err)
			}
			s, _ := Rule{Pattern: pattern}.Compile()
			d := map[string]any{"app": value}
			if q.Match("x", d) != s.Match("x", d) {
				t.Fatalf("regex %q and substring %q disagree on %q", regexp.QuoteMeta(pattern), pattern, value)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
