package reliability_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// binDir holds the awcal binary built once for the whole test run.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "awcal-reliability-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var build struct {
	once sync.Once
	path string
	err  error
	dur  time.Duration
}

// awcalBinary builds package app (the real awcal, GUI included; cgo as the Makefile builds
// it) once per test run and returns its path. The Go build cache makes it a link step after
// the first build on a machine. Without a C toolchain the build fails and the tests that
// need the binary fail too: make deps installs what it takes.
func awcalBinary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		start := time.Now()
		out := filepath.Join(binDir, "awcal")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goTool(), "build", "-o", out, "github.com/awcal/awcal/app")
		cmd.Dir = moduleRoot()
		// The tray app needs cgo even when the tests themselves run without it (make test-core).
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if b, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build ./app: %w\n%s", err, b)
			return
		}
		build.path, build.dur = out, time.Since(start)
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// goTool is the go command: $GOROOT/bin/go when go test set GOROOT (it does for the
// toolchain running the tests), else the one on PATH.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

// moduleRoot is the repository root: this package is internal/reliability.
func moduleRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// stress reports whether the long versions run (AWCAL_STRESS=1, make stress).
func stress() bool { return os.Getenv("AWCAL_STRESS") == "1" }

// envInt reads a positive integer from the environment, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
