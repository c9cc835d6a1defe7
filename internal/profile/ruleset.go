package profile

import (
	"slices"
	"strings"
)

// RuleSet matches many compiled rules together, as one matcher per subject: the rules that
// test the same subject (the same field, negated or not) form a group; a group's literal
// patterns are all found in one pass over the subject, lower-cased once (Aho–Corasick); so
// are the literals its regular expressions require (see Regexp), and only the expressions
// whose required literals all occur run, once per subject. A derivation with a thousand profiles thus
// costs about what one with ten does. It is safe for concurrent use.
type RuleSet struct {
	groups []ruleGroup
}

type ruleGroup struct {
	subject  *Matcher // any rule of the group: they all have this subject
	lits     *literals
	litRules [][]int32   // per literal pattern: the rules with it
	regex    []int32     // the rules with a regular expression
	reLits   *literals   // the literals they require, folded
	reNeed   [][][]int32 // per regex rule: its required sets, as ids in reLits
	reCount  int         // the number of literals in reLits
	negated  []int32     // every negated rule of the group (their result is inverted)
	rules    []*Matcher
}

// NewRuleSet groups the rules; MatchSubject reports them by their index in ms.
func NewRuleSet(ms []*Matcher) *RuleSet {
	type key struct {
		field  string
		negate bool
	}
	byKey := map[key]int{}
	s := &RuleSet{}
	patterns := [][]string{}
	reLits := [][]string{}
	for i, m := range ms {
		k := key{m.field, m.negate && m.field != ""} // a rule without a field reads the fallbacks either way
		g, ok := byKey[k]
		if !ok {
			g = len(s.groups)
			byKey[k] = g
			s.groups = append(s.groups, ruleGroup{subject: m, rules: ms})
			patterns = append(patterns, nil)
			reLits = append(reLits, nil)
		}
		grp := &s.groups[g]
		if m.negate {
			grp.negated = append(grp.negated, int32(i))
		}
		if m.re != nil {
			grp.regex = append(grp.regex, int32(i))
			grp.reNeed = append(grp.reNeed, literalIDs(&reLits[g], m.re.need))
			continue
		}
		id := indexOf(patterns[g], m.lower)
		if id < 0 {
			id = len(patterns[g])
			patterns[g] = append(patterns[g], m.lower)
			grp.litRules = append(grp.litRules, nil)
		}
		grp.litRules[id] = append(grp.litRules[id], int32(i))
	}
	for g := range s.groups {
		s.groups[g].lits = newLiterals(patterns[g])
		s.groups[g].reLits = newLiterals(reLits[g])
		s.groups[g].reCount = len(reLits[g])
	}
	return s
}

// literalIDs numbers the literals of required sets in list, adding the new ones.
func literalIDs(list *[]string, need [][]string) [][]int32 {
	ids := make([][]int32, len(need))
	for i, set := range need {
		for _, lit := range set {
			id := indexOf(*list, lit)
			if id < 0 {
				id = len(*list)
				*list = append(*list, lit)
			}
			ids[i] = append(ids[i], int32(id))
		}
	}
	return ids
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// Groups is the number of subjects the rules test.
func (s *RuleSet) Groups() int { return len(s.groups) }

// Subject is the text the rules of group g test in data ("" when there is none).
func (s *RuleSet) Subject(g int, data map[string]any) string {
	return s.groups[g].subject.Subject(data)
}

// SubjectWithOddKeys is Subject for data whose odd keys (OddKey) are odd, found without scanning every
// key (FieldValueWithOddKeys).
func (s *RuleSet) SubjectWithOddKeys(g int, data map[string]any, odd []string) string {
	return s.groups[g].subject.subject(data, func(data map[string]any, key string) (string, any, bool) {
		return FieldValueWithOddKeys(data, odd, key)
	})
}

// MatchSubject appends to dst the indices of the rules of group g that match subject subj,
// in no particular order: exactly those whose MatchSubject(subj) is true.
func (s *RuleSet) MatchSubject(g int, subj string, dst []int32) []int32 {
	if subj == "" {
		return dst
	}
	grp := &s.groups[g]
	start := len(dst)
	lower := strings.ToLower(subj)
	grp.lits.find(lower, func(id int) {
		dst = append(dst, grp.litRules[id]...)
	})
	if len(grp.regex) > 0 {
		var found []bool
		if grp.reCount > 0 {
			found = make([]bool, grp.reCount)
			var buf [256]byte
			grp.reLits.mark(appendFold(buf[:0], subj), found)
		}
		for i, r := range grp.regex {
			re := grp.rules[r].re
			if hasAll(grp.reNeed[i], found) && re.startsRight(subj) && re.re.MatchString(subj) {
				dst = append(dst, r)
			}
		}
	}
	// A negated rule matches when its pattern does not: flip those.
	for _, r := range grp.negated {
		if i := indexOf32(dst[start:], r); i >= 0 {
			last := len(dst) - 1
			dst[start+i] = dst[last]
			dst = dst[:last]
		} else {
			dst = append(dst, r)
		}
	}
	return dst
}

// hasAll reports whether each required set has a found literal.
func hasAll(need [][]int32, found []bool) bool {
	for _, set := range need {
		if !slices.ContainsFunc(set, func(id int32) bool { return found[id] }) {
			return false
		}
	}
	return true
}

func indexOf32(list []int32, v int32) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}

// literals finds which of a set of byte strings occur in a text (Aho–Corasick, with failure
// links walked while matching, so memory stays proportional to the patterns' length).
type literals struct {
	root  [256]int32 // the root's transitions, complete (0: stay at the root)
	edges [][]edge   // per state: its trie edges
	fail  []int32
	out   [][]int32 // per state: the patterns that end there, via failure links too
}

type edge struct {
	c  byte
	to int32
}

func (l *literals) child(st int32, c byte) int32 {
	if st == 0 {
		return l.root[c]
	}
	for _, e := range l.edges[st] {
		if e.c == c {
			return e.to
		}
	}
	return -1
}

func newLiterals(patterns []string) *literals {
	l := &literals{edges: make([][]edge, 1), fail: make([]int32, 1), out: make([][]int32, 1)}
	for id, p := range patterns {
		st := int32(0)
		for i := 0; i < len(p); i++ {
			next := l.child(st, p[i])
			if next <= 0 {
				next = int32(len(l.edges))
				l.edges = append(l.edges, nil)
				l.fail = append(l.fail, 0)
				l.out = append(l.out, nil)
				if st == 0 {
					l.root[p[i]] = next
				} else {
					l.edges[st] = append(l.edges[st], edge{p[i], next})
				}
			}
			st = next
		}
		l.out[st] = append(l.out[st], int32(id))
	}
	// Breadth first: a state's failure link is a shorter state, whose outputs are complete.
	var queue []int32
	for _, s := range l.root {
		if s > 0 {
			queue = append(queue, s) // their failure link is the root
		}
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		l.out[st] = append(l.out[st], l.out[l.fail[st]]...)
		for _, e := range l.edges[st] {
			l.fail[e.to] = l.step(l.fail[st], e.c)
			queue = append(queue, e.to)
		}
	}
	return l
}

// step is the automaton's transition from st on c.
func (l *literals) step(st int32, c byte) int32 {
	for {
		if next := l.child(st, c); next > 0 {
			return next
		}
		if st == 0 {
			return 0
		}
		st = l.fail[st]
	}
}

// mark sets found[id] for each pattern id that occurs in text.
func (l *literals) mark(text []byte, found []bool) {
	st := int32(0)
	for i := 0; i < len(text); i++ {
		st = l.step(st, text[i])
		for _, id := range l.out[st] {
			found[id] = true
		}
	}
}

// find calls found once for each pattern that occurs in text.
func (l *literals) find(text string, found func(id int)) {
	if len(l.edges) == 1 {
		return // no patterns
	}
	var seen map[int32]bool
	st := int32(0)
	for i := 0; i < len(text); i++ {
		st = l.step(st, text[i])
		for _, id := range l.out[st] {
			if seen == nil {
				seen = map[int32]bool{}
			}
			if !seen[id] {
				seen[id] = true
				found(int(id))
			}
		}
	}
}
