package profile

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// prefilterAgrees fails unless the pre-checked expression answers and replaces like the plain
// one for every subject.
func prefilterAgrees(t *testing.T, pattern string, subjects []string) {
	t.Helper()
	for _, p := range []string{pattern, "(?i)" + pattern} {
		re, err := regexp.Compile(p)
		if err != nil {
			return
		}
		pre := NewRegexp(re)
		for _, s := range subjects {
			require.Equal(t, re.MatchString(s), pre.MatchString(s), "pattern %q subject %q (required %q)", p, s, pre.need)
			require.Equal(t, re.ReplaceAllString(s, "<$0>"), pre.ReplaceAllString(s, "<$0>"), "pattern %q subject %q", p, s)
		}
	}
}

// prefilterPieces are what random patterns and subjects are made of: letters whose case
// orbits have more than two runes (k, K and the Kelvin sign; s, S and long s), non-ASCII
// letters, separators and the replacement character that invalid bytes read as.
var prefilterPieces = []string{"a", "B", "k", "K", "\u212a", "s", "ſ", "é", "É", "ß", "ẞ", ".", "-", " ", "/", ":", "\ufffd", "go", "Zoom", "meet"}

func randomPattern(r *rand.Rand, depth int) string {
	pick := func() string { return regexp.QuoteMeta(prefilterPieces[r.IntN(len(prefilterPieces))]) }
	if depth <= 0 {
		return pick()
	}
	sub := func() string { return randomPattern(r, depth-1) }
	switch r.IntN(14) {
	case 0:
		return sub() + "|" + sub()
	case 1:
		return "(" + sub() + ")?"
	case 2:
		return "(?:" + sub() + ")*"
	case 3:
		return "(" + sub() + ")+"
	case 4:
		return "(?:" + sub() + "){1,3}"
	case 5:
		return "[" + pick() + "k-m:/]"
	case 6:
		return "[^a]" + sub()
	case 7:
		return "^" + sub()
	case 8:
		return sub() + "$"
	case 9:
		return `\b` + sub() + `\B`
	case 10:
		return "." + sub()
	case 11:
		return "(?-i:" + sub() + ")" + sub()
	case 12:
		return "(?i:" + sub() + ")"
	}
	return sub() + sub() + sub()
}

func randomSubject(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(8) {
		if r.IntN(10) == 0 {
			b.WriteString("\xff") // invalid UTF-8
			continue
		}
		b.WriteString(prefilterPieces[r.IntN(len(prefilterPieces))])
	}
	return b.String()
}

func TestRegexpPrefilterAgreesWithTheExpression(t *testing.T) {
	for seed := range uint64(2000) {
		r := rand.New(rand.NewPCG(seed, 3))
		pattern := randomPattern(r, 1+r.IntN(4))
		subjects := make([]string, 40)
		for i := range subjects {
			subjects[i] = randomSubject(r)
		}
		t.Run(fmt.Sprint(seed), func(t *testing.T) { prefilterAgrees(t, pattern, subjects) })
	}
}

func FuzzRegexpPrefilter(f *testing.F) {
	f.Add(`^(code|zed)(\.exe)?$`, "Code.EXE")
	f.Add(`k+ſ`, "\u212aS")
	f.Add(`[:/]x|y`, "\xff/x")
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		prefilterAgrees(t, pattern, []string{subject, strings.ToUpper(subject), strings.ToLower(subject)})
	})
}

// The starters' expressions all require literals, so that most subjects skip the engine.
func TestStarterExpressionsRequireLiterals(t *testing.T) {
	for _, p := range Starters() {
		for _, list := range [][]Rule{p.Primary, p.Supporting, p.HardBreak} {
			for _, rule := range list {
				m, err := rule.Compile()
				require.NoError(t, err)
				if rule.Pattern == "." {
					continue // the editor's file rule: any file
				}
				require.NotEmpty(t, m.re.need, "%s: %s", p.ID, rule.Pattern)
			}
		}
	}
	m, err := Rule{Field: "url", Pattern: `^https?://([a-z0-9-]+\.)*(github\.com|go\.dev)([:/]|$)`, Regex: true}.Compile()
	require.NoError(t, err)
	require.False(t, m.MatchSubject("https://example.com/github"))
	require.True(t, m.MatchSubject("HTTPS://api.GitHub.com/x"))
	require.Equal(t, [][]string{{"https://", "http://"}, {"github.com", "go.dev"}}, m.re.need)
}

// Literals without case are searched in the text as it is; others in its fold.
func TestRegexpSearchesCaselessLiteralsUnfolded(t *testing.T) {
	for pattern, caseless := range map[string]bool{
		`^\s*[(\[]\d+\+?[)\]]`: true, `(?i)^meet\s+-`: false, `a\x{fffd}`: false, `/x/`: false, `/-/`: true,
	} {
		require.Equal(t, caseless, NewRegexp(regexp.MustCompile(pattern)).caseless, pattern)
	}
}

// An expression anchored at the start is pre-checked by how the text begins.
func TestRegexpPrefixes(t *testing.T) {
	for pattern, want := range map[string][]string{
		`(?i)^meet\s+[-–—]\s+`:       {"meet"},
		`(?i)^(zoom|teams)(\.exe)?$`: {"zoom.exe", "zoom", "teams.exe", "teams"},
		`(?i)^\bK`:                   {"k"},
		`^(a|)b`:                     {"ab", "b"},
		`(?i)meet`:                   nil,
		`^.x`:                        nil,
		`(?m)^meet`:                  nil,
	} {
		require.Equal(t, want, NewRegexp(regexp.MustCompile(pattern)).prefixes, pattern)
	}
}

// hasFoldedPrefix is strings.HasPrefix on the fold of the text.
func TestHasFoldedPrefixIsHasPrefixOfTheFold(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 20000 {
		s, p := randomSubject(r), fold(randomSubject(r))
		if r.IntN(2) == 0 {
			p = fold(s)[:r.IntN(len(fold(s))+1)]
			if !utf8.ValidString(p) {
				continue // folded texts are valid UTF-8
			}
		}
		require.Equal(t, strings.HasPrefix(fold(s), p), hasFoldedPrefix(s, p), "%q %q", s, p)
	}
}
