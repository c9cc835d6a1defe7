package profile

import (
	"cmp"
	"regexp/syntax"
	"slices"
	"strings"
)

// requiredLiterals returns, for the parse tree of an expression, sets of folded literals such
// that every match, folded, contains at least one literal of each set (nil: no such
// guarantee), and, for an expression anchored at the text's start, the folded texts one of
// which begins every matching text (nil: any).
func requiredLiterals(tree *syntax.Regexp) (need [][]string, prefixes []string) {
	tree = tree.Simplify()
	var l litInfo
	if tree.Op == syntax.OpConcat {
		// The parts' languages give both the required sets and the prefixes.
		parts := partsOf(tree.Sub)
		l, prefixes = concatLiterals(parts), prefixesOf(tree.Sub, parts)
	} else {
		l = literalsOf(tree)
	}
	need = l.required()
	// The most selective sets are enough: each one costs a look per subject.
	slices.SortStableFunc(need, func(a, b []string) int { return cmp.Compare(shortestLen(b), shortestLen(a)) })
	need = need[:min(len(need), maxSets)]
	for i, set := range need {
		need[i] = shortest(set)
	}
	return need, prefixes
}

// prefixesOf spells out the known start of a concatenation anchored at the text's start, given
// its parts and their languages: the longest run of parts after the anchor whose languages are
// small and known.
func prefixesOf(subs []*syntax.Regexp, parts []litInfo) []string {
	if subs[0].Op != syntax.OpBeginText {
		return nil
	}
	run := []string{""}
	for _, l := range parts[1:] {
		next, ok := product(run, l)
		if !ok {
			break
		}
		run = next
	}
	if slices.Contains(run, "") {
		return nil // every text starts with ""
	}
	return run
}

// product is every string of run followed by every string of l, when l is known and there
// are at most maxExact of them.
func product(run []string, l litInfo) ([]string, bool) {
	if !l.known || len(run)*len(l.exact) > maxExact {
		return nil, false
	}
	next := make([]string, 0, len(run)*len(l.exact))
	for _, a := range run {
		for _, b := range l.exact {
			next = appendNew(next, a+b)
		}
	}
	return next, true
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
		if sub := literalsOf(re.Sub[0]); sub.known && len(sub.exact) < maxExact {
			return exactly(appendNew(sub.exact, "")...)
		}
	case syntax.OpConcat:
		return concatLiterals(partsOf(re.Sub))
	case syntax.OpAlternate:
		return alternateLiterals(re.Sub)
	}
	return litInfo{} // anything: no literal is required
}

// partsOf analyses the parts of a concatenation.
func partsOf(subs []*syntax.Regexp) []litInfo {
	parts := make([]litInfo, len(subs))
	for i, sub := range subs {
		parts[i] = literalsOf(sub)
	}
	return parts
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

// concatLiterals multiplies out runs of the parts' known languages; each run that cannot grow
// further becomes a required set, and so do the sets of the other parts.
func concatLiterals(parts []litInfo) litInfo {
	run := []string{""}
	var need [][]string
	whole := true // run is the whole concatenation's language
	flush := func() {
		need = append(need, exactly(run...).required()...)
		run = []string{""}
		whole = false
	}
	for _, l := range parts {
		if !l.known {
			flush()
			need = append(need, l.need...)
			continue
		}
		next, ok := product(run, l)
		if !ok {
			flush()
			next, ok = product(run, l)
		}
		if !ok {
			need = append(need, l.required()...)
			continue
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
