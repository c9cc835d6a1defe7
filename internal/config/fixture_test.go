package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// Fixtures and inline test configs write a full path as "@ROOT@/home/ann/x.ics": the
// placeholder makes it a full path of the OS the tests run on, "/home/ann/x.ics" on Linux
// and macOS, "C:\home\ann\x.ics" on Windows (make test-windows runs these tests under Wine).

// rootPlaceholder starts a full path in a fixture; rootPath matches it up to the end of its
// JSON string.
const rootPlaceholder = "@ROOT@"

var rootPath = regexp.MustCompile(regexp.QuoteMeta(rootPlaceholder) + `(/[^"]*)`)

// abs returns the full path that a slash path such as "/home/ann/x.ics" stands for on this OS.
func abs(slashPath string) string {
	if runtime.GOOS == "windows" {
		return `C:` + filepath.FromSlash(slashPath)
	}
	return slashPath
}

// expandRoot replaces each "@ROOT@/…" in a JSON text with abs("/…"), escaped for JSON.
func expandRoot(t testing.TB, content []byte) []byte {
	t.Helper()
	return rootPath.ReplaceAllFunc(content, func(m []byte) []byte {
		quoted, err := json.Marshal(abs(string(rootPath.FindSubmatch(m)[1])))
		require.NoError(t, err)
		return quoted[1 : len(quoted)-1]
	})
}

// fixture copies testdata/name into a temp folder with its "@ROOT@" paths expanded and returns
// the copy's path.
func fixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), filepath.Base(name))
	require.NoError(t, os.WriteFile(path, expandRoot(t, data), 0o600))
	return path
}

// perOS picks the answer for this OS: unix for Linux and the BSDs, darwin for macOS and iOS,
// windows for Windows.
func perOS[T any](unix, darwin, windows T) T {
	switch runtime.GOOS {
	case "windows":
		return windows
	case "darwin", "ios":
		return darwin
	}
	return unix
}

// annEnv is the environment of a user ann on every OS: $HOME, and Windows' %AppData% and
// %LocalAppData%; no XDG variable.
func annEnv() mapEnv {
	return mapEnv{"HOME": abs("/home/ann"), "AppData": `C:\Users\ann\AppData\Roaming`, "LocalAppData": `C:\Users\ann\AppData\Local`}
}
