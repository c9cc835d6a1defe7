package engine

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

// Engine derives blocks for a fixed list of profiles and options. Everything that can be done
// once (validation, rule and pattern compilation, the browser table) is done by New; Derive may
// be called any number of times, also concurrently.
type Engine struct {
	profiles []*profile.Compiled // enabled profiles, list order
	byID     map[string]int
	// Rules of all profiles get consecutive bits: per profile its hard-break, primary and
	// supporting rules in list order, so the lowest set bit of a list is its first matching rule.
	rules     []*profile.Matcher
	words     int              // uint64 words per rule bitset
	masks     []masks          // per profile
	ruleSet   *profile.RuleSet // the rules, matched together by subject
	owner     []int32          // per rule bit: its profile
	primaries []uint64         // the primary rules of every profile
	threshold []int64          // per profile, µs
	softBreak []int64          // per profile, µs
	masking   bool             // D8
	always    *profile.Regexp  // pre-checked for its literals
	browsers  browsers         // D1
}

// masks select one profile's rule lists in a rule bitset: each list is a range of
// consecutive bits.
type masks struct {
	hardBreak, primary, supporting bitRange
}

// bitRange is the bits [lo, hi). When they lie in one word (a profile's list is short), word
// and mask select them there.
type bitRange struct {
	lo, hi int
	word   int // -1: the range spans words
	mask   uint64
}

// browsers is the compiled browser table (D1).
type browsers struct {
	names []string           // sorted; a browser's index is its position
	index map[string]int32   // lower-cased browser name → index
	apps  map[string][]int32 // normalised app name → the browsers listing it
}

// New validates the enabled profiles (disabled ones take no part), compiles their rules, the
// always-active pattern and the browser table once. Its error names every problem.
func New(profiles []profile.Profile, opts Options) (*Engine, error) {
	var enabled []profile.Profile
	for _, p := range profiles {
		if p.Enabled {
			enabled = append(enabled, p)
		}
	}
	set, err := profile.Compile(enabled)
	if err != nil {
		return nil, fmt.Errorf("checking profiles: %w", err)
	}
	e := &Engine{profiles: set.Profiles, byID: make(map[string]int, len(enabled)), masking: opts.AFKMasking}

	pattern := opts.AlwaysActive
	if pattern == "" {
		pattern = DefaultAlwaysActive
	}
	// The pattern is used as written (case-sensitive unless it says (?i), like aw-server's
	// always_active_pattern); its error gives the position, as a rule's does.
	if e.always, err = profile.CompileRegexp(pattern); err != nil {
		return nil, fmt.Errorf("always-active pattern %q: %w", pattern, err)
	}

	n := 0
	for _, c := range e.profiles {
		n += len(c.HardBreak) + len(c.Primary) + len(c.Supporting)
	}
	e.words = max(1, (n+63)/64)
	e.primaries = make([]uint64, e.words)
	for i, c := range e.profiles {
		p := c.Profile
		e.byID[p.ID] = i
		e.threshold = append(e.threshold, profile.Micros(p.Threshold))
		e.softBreak = append(e.softBreak, profile.Micros(p.SoftBreak))
		var m masks
		m.hardBreak = e.addRules(i, c.HardBreak)
		m.primary = e.addRules(i, c.Primary)
		m.supporting = e.addRules(i, c.Supporting)
		for b := m.primary.lo; b < m.primary.hi; b++ {
			e.primaries[b/64] |= 1 << (b % 64)
		}
		e.masks = append(e.masks, m)
	}

	e.ruleSet = profile.NewRuleSet(e.rules)

	table := opts.Browsers
	if table == nil {
		table = activity.DefaultBrowsers()
	}
	e.browsers = compileBrowsers(table)
	return e, nil
}

// addRules gives profile p's matchers the next bits and returns their range.
func (e *Engine) addRules(p int, ms []*profile.Matcher) bitRange {
	r := bitRange{lo: len(e.rules)}
	for _, m := range ms {
		e.rules = append(e.rules, m)
		e.owner = append(e.owner, int32(p))
	}
	r.hi = len(e.rules)
	r.word = -1
	if r.hi > r.lo && r.lo/64 == (r.hi-1)/64 {
		r.word = r.lo / 64
		for b := r.lo; b < r.hi; b++ {
			r.mask |= 1 << (b % 64)
		}
	}
	return r
}

func compileBrowsers(table map[string][]string) browsers {
	b := browsers{index: map[string]int32{}, apps: map[string][]int32{}}
	for name := range table {
		b.names = append(b.names, strings.ToLower(strings.TrimSpace(name)))
	}
	sort.Strings(b.names)
	b.names = dedupSorted(b.names)
	for i, n := range b.names {
		b.index[n] = int32(i)
	}
	for name, apps := range table {
		i := b.index[strings.ToLower(strings.TrimSpace(name))]
		for _, a := range apps {
			k := normApp(a)
			if k != "" && !contains32(b.apps[k], i) {
				b.apps[k] = append(b.apps[k], i)
			}
		}
	}
	return b
}

func dedupSorted(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// normApp is an app name as the browser table compares it: trimmed, lower-cased, without a
// trailing ".exe".
func normApp(app string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(app)), ".exe")
}

// IsBrowser reports whether app is a browser of the engine's table (D1).
func (e *Engine) IsBrowser(app string) bool {
	return len(e.browsers.apps[normApp(app)]) > 0
}

func contains32(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// firstBit returns the lowest bit of r set in a, or -1.
func firstBit(a []uint64, r bitRange) int {
	if r.word >= 0 {
		if x := a[r.word] & r.mask; x != 0 {
			return r.word*64 + bits.TrailingZeros64(x)
		}
		return -1
	}
	for b := r.lo; b < r.hi; {
		w := b / 64
		x := a[w] >> (b % 64) << (b % 64) // the bits from b on
		if end := (w + 1) * 64; r.hi < end {
			x &= 1<<(r.hi%64) - 1 // …before hi
		}
		if x != 0 {
			return w*64 + bits.TrailingZeros64(x)
		}
		b = (w + 1) * 64
	}
	return -1
}
