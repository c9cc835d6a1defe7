package profile

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompileSharesEachPattern(t *testing.T) {
	a, b := validProfile("a", "A"), validProfile("b", "B")
	rule := Rule{Field: "app", Pattern: "^(code|vim)$", Regex: true}
	a.Primary = []Rule{rule, {Field: "title", Pattern: "^(code|vim)$", Regex: true}}
	b.HardBreak = []Rule{{Pattern: "^(code|vim)$", Regex: true, Negate: true}}
	set, err := Compile([]Profile{a, b})
	require.NoError(t, err)
	re := set.Profiles[0].Primary[0].re
	assert.Same(t, re, set.Profiles[0].Primary[1].re)
	assert.Same(t, re, set.Profiles[1].HardBreak[0].re)

	alone, err := rule.Compile()
	require.NoError(t, err)
	for _, s := range []string{"code", "VIM", "vscode", ""} {
		assert.Equal(t, alone.MatchSubject(s), set.Profiles[0].Primary[0].MatchSubject(s), s)
		assert.Equal(t, !alone.MatchSubject(s) && s != "", set.Profiles[1].HardBreak[0].MatchSubject(s), s)
	}
}

func TestCompileRegexp(t *testing.T) {
	re, err := CompileRegexp("^Code$")
	require.NoError(t, err)
	assert.True(t, re.MatchString("Code"))
	assert.False(t, re.MatchString("code"), "the pattern keeps its case")

	for _, p := range []string{"", "a(?=b)", "(x", "é[z-a]", `ab\`} {
		_, want := Rule{Pattern: p, Regex: true}.Compile()
		_, got := CompileRegexp(p)
		require.Error(t, got, p)
		assert.Equal(t, want, got, "a rule with the pattern gives the same error: %q", p)
	}
}
