package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHeadlessCommandsStartWithoutCollections: a headless command builds its first 32 MB
// before the garbage collector runs (gcstart.Delay in main). Two heavy days of fakedata
// allocate less than that, and Go's own start (as with GOGC set, which main leaves alone)
// collects three times on the way.
func TestHeadlessCommandsStartWithoutCollections(t *testing.T) {
	bin := appBinary(t)
	collections := func(gogc string) int {
		t.Helper()
		cmd := exec.Command(bin, "fakedata", "--days", "2", "--intensity", "heavy", "-o", filepath.Join(t.TempDir(), "fd.json"))
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GODEBUG=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "GODEBUG=gctrace=1")
		if gogc != "" {
			cmd.Env = append(cmd.Env, "GOGC="+gogc)
		}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		n := 0
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "gc ") {
				n++
			}
		}
		return n
	}
	assert.Zero(t, collections(""), "no collection before the heap reaches 32 MB")
	assert.Positive(t, collections("100"), "with GOGC set, Go's own start collects")
}
