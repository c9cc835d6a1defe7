package profile

// Token is what a slice means to one profile (ENGINE.md §3.3).
type Token int8

// Tokens, from weakest to strongest.
const (
	Mismatch Token = iota
	Supporting
	Primary
	HardBreak
)

// String names the token as tests and diagnostics show it.
func (t Token) String() string {
	switch t {
	case Supporting:
		return "supporting"
	case Primary:
		return "primary"
	case HardBreak:
		return "hard break"
	default:
		return "mismatch"
	}
}

// State is one parallel state of a slice: the bucket type of an event and its data.
type State struct {
	BucketType string
	Data       map[string]any
}

// Compiled is a profile with its rules compiled once.
type Compiled struct {
	Profile    Profile
	Primary    []*Matcher
	Supporting []*Matcher
	HardBreak  []*Matcher
}

// Set is a list of compiled profiles, in list order.
type Set struct {
	Profiles []*Compiled
}

// Compile validates the profiles (returning a *ValidationError with every problem) and compiles
// each rule once; rules with the same regular expression share it. Disabled profiles are
// validated and compiled too; callers skip them.
func Compile(ps []Profile) (*Set, error) {
	pats := patterns{}
	if err := validate(ps, pats); err != nil {
		return nil, err
	}
	set := &Set{Profiles: make([]*Compiled, len(ps))}
	for i, p := range ps {
		set.Profiles[i] = &Compiled{
			Profile:    p,
			Primary:    matchers(p.Primary, pats),
			Supporting: matchers(p.Supporting, pats),
			HardBreak:  matchers(p.HardBreak, pats),
		}
	}
	return set, nil
}

// matchers compiles rules that validate has accepted, their patterns through pats.
func matchers(rules []Rule, pats patterns) []*Matcher {
	ms := make([]*Matcher, len(rules))
	for i, r := range rules {
		ms[i] = r.matcher(pats)
	}
	return ms
}

// Classify applies ENGINE.md §3.3 to the states of one slice: any hard-break rule matching any
// state wins; else the first primary rule (list order) that matches; else the first supporting
// rule. It returns the token and the index of the state the deciding rule met first (-1 for a
// mismatch).
func (c *Compiled) Classify(states []State) (Token, int) {
	if i := firstMatch(c.HardBreak, states); i >= 0 {
		return HardBreak, i
	}
	if i := firstMatch(c.Primary, states); i >= 0 {
		return Primary, i
	}
	if i := firstMatch(c.Supporting, states); i >= 0 {
		return Supporting, i
	}
	return Mismatch, -1
}

// firstMatch returns, for the first rule that matches any state, the first state it matches.
func firstMatch(rules []*Matcher, states []State) int {
	for _, m := range rules {
		for i, s := range states {
			if m.Match(s.BucketType, s.Data) {
				return i
			}
		}
	}
	return -1
}
