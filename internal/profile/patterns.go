package profile

import (
	"regexp"
	"regexp/syntax"
)

// patterns parses and compiles each distinct regular expression pattern of a set of rules
// once: validation and the pre-checks' literal analysis (requiredLiterals) share one parse,
// and rules with the same pattern share the *Regexp. (regexp.Compile parses the pattern once
// more itself: the regexp package takes no parse tree.)
type patterns map[string]*pattern

// pattern is one rule pattern as a rule uses it: case-insensitive.
type pattern struct {
	tree *syntax.Regexp // nil when err is not
	err  error          // what regexp/syntax says is wrong with it
	re   *Regexp        // compiled on first use
}

// parse parses p as "(?i)"+p would be, but with errors that locate the problem in p itself.
func (ps patterns) parse(p string) *pattern {
	if pt, ok := ps[p]; ok {
		return pt
	}
	tree, err := syntax.Parse(p, syntax.Perl|syntax.FoldCase)
	pt := &pattern{tree: tree, err: err}
	ps[p] = pt
	return pt
}

// regexp compiles a pattern parse has accepted.
func (ps patterns) regexp(p string) *Regexp {
	pt := ps.parse(p)
	if pt.re == nil {
		// parse accepted the pattern, so this cannot fail.
		pt.re = newRegexp(regexp.MustCompile("(?i)"+p), pt.tree)
	}
	return pt.re
}

// CompileRegexp compiles pattern as written (case-sensitive unless it says (?i)) with its
// pre-checks; the check and the pre-checks share one parse. Its error is the one
// Rule{Pattern: pattern, Regex: true}.Compile gives: a *RuleError for the field "pattern".
func CompileRegexp(pattern string) (*Regexp, error) {
	if pattern == "" {
		return nil, &RuleError{"pattern", ErrEmptyPattern}
	}
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, &RuleError{"pattern", regexError(pattern, err)}
	}
	// The parse accepted the pattern, so this cannot fail.
	return newRegexp(regexp.MustCompile(pattern), tree), nil
}
