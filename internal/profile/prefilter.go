package profile

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Regexp is a compiled regular expression with cheap exact pre-checks: the literals every
// match must contain, and for an expression anchored at the text's start, the texts a match
// must begin with. A subject that fails them cannot match, and never reaches the regular
// expression engine; any other subject gets the engine's answer, so MatchString always equals
// the plain expression's. It is safe for concurrent use.
type Regexp struct {
	re        *regexp.Regexp
	need      [][]string // each set: at least one of its folded literals occurs in every match
	needBytes [][][]byte // the same, to search a folded copy made on the stack
	prefixes  []string   // when not nil: the fold of every matching text starts with one of them
	// caseless: no literal has a rune that another folds to, so each occurs in a text
	// exactly when it occurs in the text's fold, and texts are searched as they are.
	caseless bool
}

// NewRegexp pre-checks re.
func NewRegexp(re *regexp.Regexp) *Regexp {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		// Cannot happen for a compiled expression; no pre-check is always correct.
		return &Regexp{re: re, caseless: true}
	}
	return newRegexp(re, tree)
}

// newRegexp pre-checks re, given the tree syntax.Parse(re.String(), syntax.Perl) gives.
func newRegexp(re *regexp.Regexp, tree *syntax.Regexp) *Regexp {
	need, prefixes := requiredLiterals(tree)
	r := &Regexp{re: re, need: need, prefixes: prefixes, caseless: true}
	for _, set := range r.need {
		var setBytes [][]byte
		for _, lit := range set {
			r.caseless = r.caseless && caseless(lit)
			setBytes = append(setBytes, []byte(lit))
		}
		r.needBytes = append(r.needBytes, setBytes)
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

// MatchString reports whether s contains a match of the expression.
func (r *Regexp) MatchString(s string) bool {
	return r.possible(s) && r.re.MatchString(s)
}

// ReplaceAllString is the expression's ReplaceAllString: src itself when nothing can match.
func (r *Regexp) ReplaceAllString(src, repl string) string {
	if !r.possible(src) {
		return src
	}
	return r.re.ReplaceAllString(src, repl)
}

// possible reports whether s passes the pre-checks.
func (r *Regexp) possible(s string) bool {
	if !r.startsRight(s) {
		return false
	}
	switch {
	case len(r.need) == 0:
		return true
	case r.caseless:
		return hasRequired(r.need, s)
	}
	var buf [256]byte
	return hasRequiredBytes(r.needBytes, appendFold(buf[:0], s))
}

// startsRight reports whether s's fold begins with one of the prefixes (true without any).
func (r *Regexp) startsRight(s string) bool {
	if r.prefixes == nil {
		return true
	}
	for _, p := range r.prefixes {
		if hasFoldedPrefix(s, p) {
			return true
		}
	}
	return false
}

func hasRequired(need [][]string, text string) bool {
	for _, set := range need {
		if !slices.ContainsFunc(set, func(lit string) bool { return strings.Contains(text, lit) }) {
			return false
		}
	}
	return true
}

func hasRequiredBytes(need [][][]byte, folded []byte) bool {
	for _, set := range need {
		if !slices.ContainsFunc(set, func(lit []byte) bool { return bytes.Contains(folded, lit) }) {
			return false
		}
	}
	return true
}
