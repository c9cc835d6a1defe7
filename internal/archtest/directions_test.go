package archtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// layers lists, for the packages the others build on, the only internal packages each may
// import: the model at the bottom (activity, profile), the pure engine and privacy filter on
// it, then the aw-server client, the aw-server settings import and the config. Everything
// above (pipeline, syncer, cli, ui…) may import these, never the other way round. Paths are
// relative to the module's internal/.
var layers = map[string][]string{
	"activity":      {},
	"profile":       {},
	"redact":        {},
	"atomicfile":    {},
	"engine":        {"activity", "profile"},
	"privacy":       {"activity", "profile"},
	"fakedata":      {"activity"},
	"activitywatch": {"activity", "redact"},
	"awimport":      {"activity", "activitywatch", "privacy", "profile"},
	"config":        {"activity", "atomicfile", "privacy", "profile"},
}

// TestDependencyDirections: the packages of layers import no internal package beyond their
// list. So config holds no engine code (the browser table is activity's), privacy owns its rule
// types (config imports privacy, not the reverse), and turning aw-server's settings into awcal's
// profiles and rules is awimport's alone (privacy does not read aw-server's types).
func TestDependencyDirections(t *testing.T) {
	pkgs, _, modPath := listInternal(t)
	checked := 0
	for name := range layers {
		if _, ok := pkgs[modPath+"/internal/"+name]; ok {
			checked++
		}
	}
	assert.Equal(t, len(layers), checked, "every package of the table exists")
	for _, problem := range directionProblems(pkgs, modPath) {
		t.Error(problem)
	}
}

// directionProblems lists the imports of layers' packages that their lists do not allow.
func directionProblems(pkgs map[string]*pkg, modPath string) []string {
	internal := modPath + "/internal/"
	var out []string
	for _, p := range ours(pkgs) {
		name, ok := strings.CutPrefix(p.ImportPath, internal)
		if !ok {
			continue
		}
		allowed, layered := layers[name]
		if !layered {
			continue
		}
		for _, imp := range p.Imports {
			dep, ok := strings.CutPrefix(imp, internal)
			if ok && !slices.Contains(allowed, dep) {
				out = append(out, fmt.Sprintf("internal/%s imports internal/%s: it may import only %v (see layers in internal/archtest); "+
					"move the code it needs down, or the code that needs it up", name, dep, allowed))
			}
		}
	}
	slices.Sort(out)
	return out
}

// The direction rule catches an upward import, on a made-up module.
func TestDirectionRuleCatchesViolations(t *testing.T) {
	const m = "example.com/x"
	pkgs := map[string]*pkg{
		m + "/internal/config":  {ImportPath: m + "/internal/config", Imports: []string{m + "/internal/engine", m + "/internal/profile", "fmt"}},
		m + "/internal/privacy": {ImportPath: m + "/internal/privacy", Imports: []string{m + "/internal/activity"}},
		m + "/internal/syncer":  {ImportPath: m + "/internal/syncer", Imports: []string{m + "/internal/config", m + "/internal/engine"}},
	}
	got := directionProblems(pkgs, m)
	assert.Len(t, got, 1)
	assert.Contains(t, got[0], "internal/config imports internal/engine")
}
