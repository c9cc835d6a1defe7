package profile

import (
	"cmp"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Regexp is a compiled regular expression with a cheap exact pre-check: the literals every
// match must contain. A subject that lacks all literals of one required set cannot match, and
// never reaches the regular expression engine; any other subject gets the engine's answer, so
// MatchString always equals the plain expression's. It is safe for concurrent use.
type Regexp struct {
	re   *regexp.Regexp
	need [][]string // each set: at least one of its folded literals occurs in every match
	// caseless: no literal has a rune that another folds to, so each occurs in a text
	// exactly when it occurs in the text's fold, and texts are searched as they are.
	caseless bool
}

// NewRegexp pre-checks re.
func NewRegexp(re *regexp.Regexp) *Regexp {
	r := &Regexp{re: re, need: requiredLiterals(re), caseless: true}
	for _, set := range r.need {
		for _, lit := range set {
			r.caseless = r.caseless && caseless(lit)
		}
	}
	return r
}

// caseless reports whether only the runes of lit themselves fold to them: no letter with
// another case, and not U+FFFD, which invalid bytes fold to.
func caseless(lit string) bool {
	for _, r := range lit {
		if r == utf8.RuneError || unicode.SimpleFold(r) != r {
			return false
		}
	}
	return true
}

// subject is the text the required literals are searched in.
func (r *Regexp) subject(s string) string {
	if r.caseless {
		return s
	}
	return fold(s)
}

// MatchString reports whether s contains a match of the expression.
func (r *Regexp) MatchString(s string) bool {
	if len(r.need) > 0 && !hasRequired(r.need, r.subject(s)) {
		return false
	}
	return r.re.MatchString(s)
}

// ReplaceAllString is the expression's ReplaceAllString: src itself when nothing can match.
func (r *Regexp) ReplaceAllString(src, repl string) string {
	if len(r.need) > 0 && !hasRequired(r.need, r.subject(src)) {
		return src
	}
	return r.re.ReplaceAllString(src, repl)
}

func hasRequired(need [][]string, folded string) bool {
	for _, set := range need {
		found := false
		for _, lit := range set {
			if strings.Contains(folded, lit) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// requiredLiterals returns sets of folded literals such that every match of re, folded,
// contains at least one literal of each set (nil: no such guarantee).
func requiredLiterals(re *regexp.Regexp) [][]string {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil // cannot happen for a compiled expression; no pre-check is always correct
	}
	need := literalsOf(tree.Simplify()).required()
	// The most selective sets are enough: each one costs a look per subject.
	slices.SortStableFunc(need, func(a, b []string) int { return cmp.Compare(shortestLen(b), shortestLen(a)) })
	need = need[:min(len(need), maxSets)]
	for i, set := range need {
		need[i] = shortest(set)
	}
	return need
}

// shortest drops the literals of a set that contain another one: they add nothing to it.
func shortest(set []string) []string {
	var out []string
	for i, s := range set {
		redundant := false
		for j, t := range set {
			if j != i && len(t) < len(s) && strings.Contains(s, t) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, s)
		}
	}
	return out
}

// maxSets bounds the required sets a pre-check tests.
const maxSets = 4

// maxExact bounds the finite languages literalsOf spells out.
const maxExact = 256

// litInfo describes the texts an expression matches: exactly the strings of exact (folded),
// when that language is small and known; else texts that each contain a literal of every set
// of need. Empty-width assertions match "" here: a superset of their language is still true.
type litInfo struct {
	exact []string
	known bool // exact is the language
	need  [][]string
}

// required turns the description into required sets: every string of a known language
// contains itself, unless one of them is empty.
func (l litInfo) required() [][]string {
	if !l.known || len(l.exact) == 0 {
		return l.need
	}
	for _, s := range l.exact {
		if s == "" {
			return nil
		}
	}
	return [][]string{l.exact}
}

func exactly(s ...string) litInfo { return litInfo{exact: s, known: true} }

// literalsOf analyses a simplified expression.
func literalsOf(re *syntax.Regexp) litInfo {
	switch re.Op {
	case syntax.OpLiteral:
		return exactly(fold(string(re.Rune)))
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactly("")
	case syntax.OpCharClass:
		return classLiterals(re.Rune)
	case syntax.OpCapture:
		return literalsOf(re.Sub[0])
	case syntax.OpPlus:
		return litInfo{need: literalsOf(re.Sub[0]).required()}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return litInfo{need: literalsOf(re.Sub[0]).required()}
		}
	case syntax.OpQuest:
		if sub := literalsOf(re.Sub[0]); sub.known {
			return exactly(appendNew(sub.exact, "")...)
		}
	case syntax.OpConcat:
		return concatLiterals(re.Sub)
	case syntax.OpAlternate:
		return alternateLiterals(re.Sub)
	}
	return litInfo{} // anything: no literal is required
}

// classLiterals spells out a class of a few runes; a larger one requires nothing.
func classLiterals(ranges []rune) litInfo {
	var out []string
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i+1]-ranges[i] >= 8 {
			return litInfo{}
		}
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			out = appendNew(out, string(foldRune(r)))
			if len(out) > 8 {
				return litInfo{}
			}
		}
	}
	return exactly(out...)
}

// concatLiterals multiplies out runs of known languages; each run that cannot grow further
// becomes a required set, and so do the sets of the other parts.
func concatLiterals(subs []*syntax.Regexp) litInfo {
	run := []string{""}
	var need [][]string
	whole := true // run is the whole concatenation's language
	flush := func() {
		need = append(need, exactly(run...).required()...)
		run = []string{""}
		whole = false
	}
	for _, sub := range subs {
		l := literalsOf(sub)
		if !l.known {
			flush()
			need = append(need, l.need...)
			continue
		}
		if len(run)*len(l.exact) > maxExact {
			flush()
		}
		next := make([]string, 0, len(run)*len(l.exact))
		for _, a := range run {
			for _, b := range l.exact {
				next = appendNew(next, a+b)
			}
		}
		run = next
	}
	if whole {
		return exactly(run...)
	}
	flush()
	return litInfo{need: need}
}

// alternateLiterals is the union of known languages; otherwise each alternative must bring a
// required set, and the union of one set of each is required.
func alternateLiterals(subs []*syntax.Regexp) litInfo {
	all := litInfo{known: true}
	var union []string
	free := false // some alternative requires no literal
	for _, sub := range subs {
		l := literalsOf(sub)
		if all.known && l.known && len(all.exact)+len(l.exact) <= maxExact {
			for _, s := range l.exact {
				all.exact = appendNew(all.exact, s)
			}
		} else {
			all.known = false
		}
		if req := l.required(); len(req) > 0 {
			for _, s := range bestSet(req) {
				union = appendNew(union, s)
			}
		} else {
			free = true
		}
	}
	switch {
	case all.known:
		return all
	case free:
		return litInfo{}
	}
	return litInfo{need: [][]string{union}}
}

// bestSet is the most selective of required sets: the one whose shortest literal is longest.
func bestSet(sets [][]string) []string {
	best, bestLen := sets[0], -1
	for _, set := range sets {
		if short := shortestLen(set); short > bestLen {
			best, bestLen = set, short
		}
	}
	return best
}

func shortestLen(set []string) int {
	short := len(set[0])
	for _, s := range set {
		short = min(short, len(s))
	}
	return short
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// fold maps every rune of s to one representative of its case-folding orbit (the runes
// (?i) treats as equal), so that a (?i) literal occurs in a text exactly when its fold occurs
// in the text's fold. ASCII letters fold to lower case; invalid bytes become U+FFFD, as the
// regular expression engine reads them.
func fold(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, i, len(s)+utf8.UTFMax)
	copy(b, s)
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b = utf8.AppendRune(b, foldRune(r))
		i += size
	}
	return string(b)
}

// foldRune is the lower-case ASCII letter of r's orbit if it has one, else its smallest rune.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	low := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		low = min(low, f)
	}
	if 'A' <= low && low <= 'Z' {
		return low + 'a' - 'A'
	}
	return low
}
