package profile

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ruleSetAgrees fails unless the rule set reports, for every group and subject, exactly the
// rules whose own Subject and MatchSubject say so.
func ruleSetAgrees(t *testing.T, rules []Rule, datas []map[string]any) {
	t.Helper()
	var ms []*Matcher
	for _, r := range rules {
		m, err := r.Compile()
		if err != nil {
			continue
		}
		ms = append(ms, m)
	}
	set := NewRuleSet(ms)
	for _, data := range datas {
		var got []int32
		for g := range set.Groups() {
			got = set.MatchSubject(g, set.Subject(g, data), got)
		}
		slices.Sort(got)
		if len(got) == 0 {
			got = nil
		}
		var want []int32
		for i, m := range ms {
			if m.MatchData(data) {
				want = append(want, int32(i))
			}
		}
		require.Equal(t, want, got, "data %v", data)
	}
}

var ruleSetWords = []string{"Go", "go", "code", "Client 7", "client 7 report", "ſ", "K", "k", "é", "É", "x", "a.b", "^", "rep"}

func randomRuleSet(r *rand.Rand) ([]Rule, []map[string]any) {
	fields := []string{"", "app", "title", "Title", "url"}
	pick := func() string { return ruleSetWords[r.IntN(len(ruleSetWords))] }
	var rules []Rule
	for range 1 + r.IntN(40) {
		p := pick()
		if r.IntN(3) == 0 {
			p += pick()
		}
		rules = append(rules, Rule{Field: fields[r.IntN(len(fields))], Pattern: p, Regex: r.IntN(4) == 0, Negate: r.IntN(5) == 0})
	}
	var datas []map[string]any
	for range 20 {
		d := map[string]any{}
		for _, f := range fields[1:] {
			if r.IntN(2) == 0 {
				d[f] = pick() + " " + pick() + pick()
			}
		}
		datas = append(datas, d)
	}
	return rules, datas
}

func TestRuleSetAgreesWithItsRules(t *testing.T) {
	for seed := range uint64(300) {
		rules, datas := randomRuleSet(rand.New(rand.NewPCG(seed, 1)))
		t.Run(fmt.Sprint(seed), func(t *testing.T) { ruleSetAgrees(t, rules, datas) })
	}
	// Many literals sharing prefixes and suffixes (the automaton's failure links).
	var rules []Rule
	for i := range 300 {
		rules = append(rules, Rule{Field: "title", Pattern: fmt.Sprintf("Client %d report", i)})
	}
	ruleSetAgrees(t, rules, []map[string]any{
		{"title": "client 17 report, client 2 report"}, {"title": "Client 1 repor"}, {"title": "client 299 REPORT"},
	})
}

func FuzzRuleSet(f *testing.F) {
	f.Add(uint64(1), "Client 7 report", "go")
	f.Fuzz(func(t *testing.T, seed uint64, title, app string) {
		rules, datas := randomRuleSet(rand.New(rand.NewPCG(seed, 2)))
		datas = append(datas, map[string]any{"title": title, "app": app})
		ruleSetAgrees(t, rules, datas)
	})
}

// FieldValue prefers the exact key, skips null values, and among keys equal under case folding
// takes the smallest; FieldValueWithOddKeys agrees (they share smallestFold, so the agreement
// test below cannot see a mistake in it).
func TestFieldValueChoosesTheSmallestFoldedKey(t *testing.T) {
	for _, tc := range []struct {
		data    map[string]any
		key     string
		wantKey string
		wantVal any
		found   bool
	}{
		{map[string]any{"title": "exact", "TITLE": "upper"}, "title", "title", "exact", true},
		{map[string]any{"Title": "b", "TITLE": "a", "tItle": "c"}, "title", "TITLE", "a", true},
		{map[string]any{"title": nil, "TITLE": nil, "Title": "t"}, "title", "Title", "t", true},
		{map[string]any{"\u212aey": "kelvin"}, "key", "\u212aey", "kelvin", true},
		{map[string]any{"titles": "x", "TITLE": nil}, "title", "", nil, false},
	} {
		k, v, ok := FieldValue(tc.data, tc.key)
		assert.Equal(t, []any{tc.wantKey, tc.wantVal, tc.found}, []any{k, v, ok}, "FieldValue %v %q", tc.data, tc.key)
		var odd []string
		for k := range tc.data {
			if OddKey(k) {
				odd = append(odd, k)
			}
		}
		k, v, ok = FieldValueWithOddKeys(tc.data, odd, tc.key)
		assert.Equal(t, []any{tc.wantKey, tc.wantVal, tc.found}, []any{k, v, ok}, "FieldValueWithOddKeys %v %q", tc.data, tc.key)
	}
}

// Knowing the odd keys, the look-up that does not scan every key finds what FieldValue finds,
// and the rule set's subjects are the same.
func TestLookupsWithOddKeysAgree(t *testing.T) {
	keys := []string{"app", "title", "Title", "TITLE", "tabCount", "tabcount", "url", "\u212aey", "key", "kEy", "file", "x", "é", "É", ""}
	r := rand.New(rand.NewPCG(3, 3))
	for round := range 3000 {
		rules, _ := randomRuleSet(r)
		var ms []*Matcher
		for _, rule := range rules {
			if m, err := rule.Compile(); err == nil {
				ms = append(ms, m)
			}
		}
		set := NewRuleSet(ms)
		data := map[string]any{}
		for range r.IntN(7) {
			k := keys[r.IntN(len(keys))]
			switch r.IntN(4) {
			case 0:
				data[k] = nil
			case 1:
				data[k] = float64(r.IntN(3))
			default:
				data[k] = ruleSetWords[r.IntN(len(ruleSetWords))]
			}
		}
		var odd []string
		for k := range data {
			if OddKey(k) {
				odd = append(odd, k)
			}
		}
		for _, k := range keys {
			wk, wv, wok := FieldValue(data, k)
			gk, gv, gok := FieldValueWithOddKeys(data, odd, k)
			require.Equal(t, []any{wk, wv, wok}, []any{gk, gv, gok}, "round %d key %q data %v", round, k, data)
		}
		for g := range set.Groups() {
			require.Equal(t, set.Subject(g, data), set.SubjectWithOddKeys(g, data, odd), "round %d data %v", round, data)
		}
	}
	for k, odd := range map[string]bool{"app": false, "web-url_2": false, "tabCount": true, "\u212aey": true, "é": true} {
		require.Equal(t, odd, OddKey(k), k)
	}
}
