package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/testreal"
)

// pkg is the part of `go list -json` output the rules need.
type pkg struct {
	ImportPath   string
	Dir          string
	Standard     bool
	DepOnly      bool
	GoFiles      []string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
	Error        *struct{ Err string }
}

// goBinary finds the go command, skipping the test when there is none.
func goBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	testreal.Missing(t, "no go binary on PATH or in $GOROOT/bin")
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// listing is the result of one `go list -e -deps -json ./internal/...` in the module root,
// shared by the tests.
var listing struct {
	once    sync.Once
	root    string
	modPath string
	pkgs    map[string]*pkg
	err     error
}

// listInternal returns every package ./internal/... needs, by import path, and the module
// root and path.
func listInternal(t *testing.T) (pkgs map[string]*pkg, root, modPath string) {
	t.Helper()
	gobin := goBinary(t)
	listing.once.Do(func() {
		listing.root, listing.modPath, listing.pkgs, listing.err = goList(gobin)
	})
	require.NoError(t, listing.err)
	return listing.pkgs, listing.root, listing.modPath
}

func goList(gobin string) (root, modPath string, pkgs map[string]*pkg, err error) {
	out, err := exec.Command(gobin, "list", "-m", "-f", "{{.Dir}}\n{{.Path}}").Output()
	if err != nil {
		return "", "", nil, fmt.Errorf("go list -m: %w: %s", err, stderrOf(err))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return "", "", nil, fmt.Errorf("go list -m printed %q", out)
	}
	root, modPath = lines[0], lines[1]

	cmd := exec.Command(gobin, "list", "-e", "-deps", "-json", "./internal/...")
	cmd.Dir = root
	out, err = cmd.Output()
	if err != nil {
		return "", "", nil, fmt.Errorf("go list ./internal/...: %w: %s", err, stderrOf(err))
	}
	pkgs = map[string]*pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", "", nil, fmt.Errorf("decoding go list output: %w", err)
		}
		pkgs[p.ImportPath] = &p
	}
	return root, modPath, pkgs, nil
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

// ours lists the packages that ./internal/... matched, sorted.
func ours(pkgs map[string]*pkg) []*pkg {
	var out []*pkg
	for _, p := range pkgs {
		if !p.DepOnly {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *pkg) int { return strings.Compare(a.ImportPath, b.ImportPath) })
	return out
}

func isUI(modPath, importPath string) bool {
	ui := modPath + "/internal/ui"
	return importPath == ui || strings.HasPrefix(importPath, ui+"/")
}

func isFyne(importPath string) bool {
	return importPath == "fyne.io" || strings.HasPrefix(importPath, "fyne.io/")
}

// chain returns an import path from "from" to the first package that bad accepts, as
// "a → b → c", or "" when there is none.
func chain(pkgs map[string]*pkg, from string, bad func(string) bool) string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur != from && bad(cur) {
			path := []string{cur}
			for p := prev[cur]; p != ""; p = prev[p] {
				path = append(path, p)
			}
			slices.Reverse(path)
			return strings.Join(path, " → ")
		}
		p, ok := pkgs[cur]
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			if _, seen := prev[imp]; !seen {
				prev[imp] = cur
				queue = append(queue, imp)
			}
		}
	}
	return ""
}

func TestOnlyUIImportsFyne(t *testing.T) {
	pkgs, _, modPath := listInternal(t)
	checked := 0
	for _, p := range ours(pkgs) {
		if !isUI(modPath, p.ImportPath) {
			checked++
		}
	}
	assert.Greater(t, checked, 5, "the rule was checked on the core packages")
	for _, problem := range fyneProblems(pkgs, modPath) {
		t.Error(problem)
	}
}

// fyneProblems lists the packages outside internal/ui that depend on Fyne.
func fyneProblems(pkgs map[string]*pkg, modPath string) []string {
	var out []string
	for _, p := range ours(pkgs) {
		if isUI(modPath, p.ImportPath) {
			continue
		}
		if p.Error != nil {
			out = append(out, fmt.Sprintf("%s: go list cannot load it, so its imports are unchecked: %s", p.ImportPath, p.Error.Err))
		}
		if slices.ContainsFunc(p.Deps, isFyne) {
			out = append(out, fmt.Sprintf("%s depends on Fyne (%s): only internal/ui, assets and app may import fyne.io/...; "+
				"move the UI code to internal/ui or give the package a small interface to call",
				p.ImportPath, chain(pkgs, p.ImportPath, isFyne)))
		}
		for _, imp := range slices.Concat(p.TestImports, p.XTestImports) {
			if isFyne(imp) {
				out = append(out, fmt.Sprintf("%s's tests import %s: only internal/ui may", p.ImportPath, imp))
			} else if dep, ok := pkgs[imp]; ok && slices.ContainsFunc(dep.Deps, isFyne) {
				out = append(out, fmt.Sprintf("%s's tests import %s, which depends on Fyne", p.ImportPath, imp))
			}
		}
	}
	return out
}

// forbiddenInPure are standard packages whose only use is I/O, processes or unsafe memory:
// a pure package has no reason to import them.
var forbiddenInPure = []string{
	"os", "os/exec", "os/signal", "os/user", "net", "net/http", "net/rpc", "syscall",
	"io/ioutil", "io/fs", "plugin", "unsafe", "log", "log/slog", "runtime/cgo", "embed",
}

// pureAllowed maps each pure package to the module packages it may use.
func pureAllowed(modPath string) map[string][]string {
	return map[string][]string{
		modPath + "/internal/profile": {modPath + "/internal/activity"},
		modPath + "/internal/engine":  {modPath + "/internal/activity", modPath + "/internal/profile"},
	}
}

func TestPurePackagesDependOnStdlibOnly(t *testing.T) {
	pkgs, _, modPath := listInternal(t)
	for path, extra := range pureAllowed(modPath) {
		t.Run(strings.TrimPrefix(path, modPath+"/"), func(t *testing.T) {
			p, ok := pkgs[path]
			require.True(t, ok, "%s is not in the module", path)
			require.Nil(t, p.Error, "go list cannot load %s", path)
			for _, problem := range pureDepProblems(pkgs, path, extra) {
				t.Error(problem)
			}
		})
	}
}

// pureDepProblems lists what path depends on beyond the standard library and extra (Deps is
// transitive, so the allowed packages are held to the same rule), and the I/O packages it
// imports.
func pureDepProblems(pkgs map[string]*pkg, path string, extra []string) []string {
	var out []string
	p := pkgs[path]
	for _, dep := range p.Deps {
		if d := pkgs[dep]; (d != nil && d.Standard) || slices.Contains(extra, dep) {
			continue
		}
		out = append(out, fmt.Sprintf("%s depends on %s (%s): it may use only the standard library and %s",
			path, dep, chain(pkgs, path, func(s string) bool { return s == dep }), strings.Join(extra, ", ")))
	}
	for _, imp := range p.Imports {
		if slices.Contains(forbiddenInPure, imp) {
			out = append(out, fmt.Sprintf("%s imports %s: it must do no I/O (the caller reads and writes; pass data in)", path, imp))
		}
	}
	return out
}

// The rules catch what they are for, on a made-up module.
func TestRulesCatchViolations(t *testing.T) {
	const m = "example.com/x"
	pkgs := map[string]*pkg{
		m + "/internal/ui":       {ImportPath: m + "/internal/ui", Imports: []string{"fyne.io/fyne/v2"}, Deps: []string{"fyne.io/fyne/v2"}},
		m + "/internal/helper":   {ImportPath: m + "/internal/helper", Imports: []string{"fyne.io/fyne/v2/widget"}, Deps: []string{"fyne.io/fyne/v2", "fyne.io/fyne/v2/widget"}},
		m + "/internal/syncer":   {ImportPath: m + "/internal/syncer", Imports: []string{m + "/internal/helper"}, Deps: []string{m + "/internal/helper", "fyne.io/fyne/v2", "fyne.io/fyne/v2/widget"}},
		m + "/internal/activity": {ImportPath: m + "/internal/activity", Imports: []string{"time"}, Deps: []string{"time"}},
		m + "/internal/profile":  {ImportPath: m + "/internal/profile", Imports: []string{"os", "github.com/some/regex"}, Deps: []string{"os", "github.com/some/regex"}},
		m + "/internal/clean":    {ImportPath: m + "/internal/clean", TestImports: []string{m + "/internal/helper"}},
		"fyne.io/fyne/v2":        {ImportPath: "fyne.io/fyne/v2", DepOnly: true},
		"fyne.io/fyne/v2/widget": {ImportPath: "fyne.io/fyne/v2/widget", DepOnly: true, Imports: []string{"fyne.io/fyne/v2"}},
		"github.com/some/regex":  {ImportPath: "github.com/some/regex", DepOnly: true},
		"os":                     {ImportPath: "os", Standard: true, DepOnly: true},
		"time":                   {ImportPath: "time", Standard: true, DepOnly: true},
	}

	fyne := strings.Join(fyneProblems(pkgs, m), "\n")
	assert.Contains(t, fyne, m+"/internal/helper depends on Fyne ("+m+"/internal/helper → fyne.io/fyne/v2/widget)")
	assert.Contains(t, fyne, m+"/internal/syncer depends on Fyne ("+m+"/internal/syncer → "+m+"/internal/helper → fyne.io/fyne/v2/widget)")
	assert.Contains(t, fyne, m+"/internal/clean's tests import "+m+"/internal/helper, which depends on Fyne")
	assert.NotContains(t, fyne, m+"/internal/ui ", "internal/ui may use Fyne")

	pure := pureDepProblems(pkgs, m+"/internal/profile", pureAllowed(m)[m+"/internal/profile"])
	require.Len(t, pure, 2)
	assert.Contains(t, pure[0], "depends on github.com/some/regex")
	assert.Contains(t, pure[1], "imports os: it must do no I/O")
	assert.Empty(t, pureDepProblems(pkgs, m+"/internal/activity", nil))
}

// impure are calls that read the clock or wait on it.
var impure = map[string]bool{
	"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true, "AfterFunc": true,
	"Tick": true, "NewTimer": true, "NewTicker": true,
}

// parallelFile is the one file of a pure package allowed to start goroutines: the engine's
// inParallel, which returns only once the goroutine it starts has ended.
const parallelFile = "engine/parallel.go"

func TestPurePackagesReadNoClockStartNoGoroutines(t *testing.T) {
	pkgs, _, modPath := listInternal(t)
	for _, name := range []string{"profile", "engine"} {
		p := pkgs[modPath+"/internal/"+name]
		require.NotNil(t, p, "internal/%s is not in the module", name)
		require.NotEmpty(t, p.GoFiles)
		t.Run(name, func(t *testing.T) {
			fset := token.NewFileSet()
			for _, file := range p.GoFiles {
				f, err := parser.ParseFile(fset, filepath.Join(p.Dir, file), nil, 0)
				require.NoError(t, err)
				for _, v := range purityViolations(fset, f) {
					if v.what == "starts a goroutine" && name+"/"+file == parallelFile {
						continue
					}
					t.Errorf("%s: %s (it must stay a pure function: take the time as a parameter; use a second core through %s only)", v.pos, v.what, parallelFile)
				}
			}
		})
	}
	require.FileExists(t, filepath.Join(pkgs[modPath+"/internal/engine"].Dir, filepath.Base(parallelFile)))
}

type violation struct {
	pos  token.Position
	what string
}

// purityViolations finds clock reads (time.Now and friends, under any import name) and go
// statements in f.
func purityViolations(fset *token.FileSet, f *ast.File) []violation {
	timeName := ""
	for _, imp := range f.Imports {
		if imp.Path.Value == `"time"` {
			timeName = "time"
			if imp.Name != nil {
				timeName = imp.Name.Name
			}
		}
	}
	var out []violation
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			out = append(out, violation{fset.Position(n.Pos()), "starts a goroutine"})
		case *ast.CallExpr: // a sync.WaitGroup's Go, or errgroup's
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Go" {
				out = append(out, violation{fset.Position(n.Pos()), "starts a goroutine"})
			}
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && timeName != "" && id.Name == timeName && impure[n.Sel.Name] {
				out = append(out, violation{fset.Position(n.Pos()), fmt.Sprintf("calls time.%s", n.Sel.Name)})
			}
		}
		return true
	})
	return out
}

func TestPurityCheckFindsViolations(t *testing.T) {
	src := `package x
import clock "time"
func f() { _ = clock.Now(); go f(); _ = clock.Duration(1); wg.Go(f) }`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	require.NoError(t, err)
	var what []string
	for _, v := range purityViolations(fset, f) {
		what = append(what, v.what)
	}
	assert.ElementsMatch(t, []string{"calls time.Now", "starts a goroutine", "starts a goroutine"}, what)
}

func TestCoreBuildsWithoutCgo(t *testing.T) {
	pkgs, root, modPath := listInternal(t)
	var core []string
	for _, p := range ours(pkgs) {
		if !isUI(modPath, p.ImportPath) {
			core = append(core, p.ImportPath)
		}
	}
	require.NotEmpty(t, core)
	cmd := exec.Command(goBinary(t), append([]string{"build"}, core...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "CGO_ENABLED=0 go build %s:\n%s", strings.Join(core, " "), out)
}
