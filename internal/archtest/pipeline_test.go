package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// builders are the calls that build a part of the pipeline, by package (relative to the
// module) and function: only internal/pipeline makes them, so that every entry point builds
// its source, privacy filter, engine and calendar store the same way.
var builders = map[string][]string{
	"internal/activitywatch":   {"New"},
	"internal/privacy":         {"New"},
	"internal/engine":          {"New"},
	"internal/calendar/ics":    {"Open"},
	"internal/calendar/caldav": {"Open", "Discover"},
}

func TestOnlyPipelineBuildsThePipeline(t *testing.T) {
	pkgs, _, modPath := listInternal(t)
	checked := 0
	for _, p := range ours(pkgs) {
		rel := strings.TrimPrefix(p.ImportPath, modPath+"/")
		if rel == "internal/pipeline" || isTestHelper(rel) || builders[rel] != nil {
			continue // the factory, test helpers (awtest, caldavtest, …) and the parts themselves
		}
		fset := token.NewFileSet()
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			require.NoError(t, err)
			checked++
			for _, v := range builderCalls(fset, f, modPath) {
				t.Errorf("%s: %s: build it with internal/pipeline's factory instead, as every entry point does", v.pos, v.what)
			}
		}
	}
	assert.Greater(t, checked, 20, "the rule was checked on the module's files")
}

// isTestHelper reports a package that exists for tests (its name ends in "test").
func isTestHelper(rel string) bool { return strings.HasSuffix(filepath.Base(rel), "test") }

// builderCalls finds the calls of builders in f, under any import name.
func builderCalls(fset *token.FileSet, f *ast.File, modPath string) []violation {
	names := map[string][]string{} // local import name → builder functions
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		funcs := builders[strings.TrimPrefix(path, modPath+"/")]
		if funcs == nil || !strings.HasPrefix(path, modPath+"/") {
			continue
		}
		name := filepath.Base(path)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = funcs
	}
	var out []violation
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && slices.Contains(names[id.Name], sel.Sel.Name) {
			out = append(out, violation{fset.Position(call.Pos()), fmt.Sprintf("calls %s.%s", id.Name, sel.Sel.Name)})
		}
		return true
	})
	return out
}

func TestBuilderCallsAreFound(t *testing.T) {
	const m = "example.com/x"
	src := `package x
import (
	aw "example.com/x/internal/activitywatch"
	"example.com/x/internal/calendar/caldav"
	"example.com/x/internal/engine"
)
func f() { _ = aw.New("u"); caldav.Discover(nil); _ = caldav.Secret("s"); engine.DefaultOptions() }`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	require.NoError(t, err)
	var what []string
	for _, v := range builderCalls(fset, f, m) {
		what = append(what, v.what)
	}
	assert.Equal(t, []string{"calls aw.New", "calls caldav.Discover"}, what)
}
