package secret

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"

	"github.com/awcal/awcal/internal/testreal"
)

// Some tests run in a child process of the test binary: go-keyring's MockInit cannot be
// undone, and godbus keeps the first session bus it connects to for the whole process.
// childEnv names the test the child runs; the parent checks the child's verdict.
const childEnv = "AWCAL_SECRET_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "TestMemoryKeyring" {
		MockInit()
	}
	os.Exit(m.Run())
}

// inChild reports whether this process is the child running test; otherwise it runs the
// child with the extra environment and fails the parent when the child's test fails.
func inChild(t *testing.T, env map[string]string, prefix ...string) bool {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		return true
	}
	args := append(prefix, os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child test failed:\n%s", out)
	require.Contains(t, string(out), "--- PASS: "+t.Name(), "child did not run the test:\n%s", out)
	assert.NotContains(t, string(out), "--- SKIP", "child skipped:\n%s", out)
	return false
}

// secretServiceOnly skips the D-Bus cases where the keyring is not the Secret Service
// (Windows Credential Manager, the macOS Keychain).
func secretServiceOnly(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("the OS keyring here is not the Secret Service on D-Bus")
	}
}

func TestAccount(t *testing.T) {
	tests := []struct {
		name, user, url, want string
	}{
		{"host of an https URL", "bob", "https://dav.example.org/remote.php/dav/", "bob@dav.example.org"},
		{"port kept", "bob", "http://127.0.0.1:5232/", "bob@127.0.0.1:5232"},
		{"host lower-cased", "Bob", "https://DAV.Example.ORG", "Bob@dav.example.org"},
		{"email user", "bob@example.org", "https://example.org/", "bob@example.org@example.org"},
		{"no scheme", "bob", "example.org/dav", "bob@example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Account(tt.user, tt.url))
		})
	}
}

// TestClassify feeds the mapping the errors go-keyring returns (as measured on Debian 12: no
// session bus, a bus without a Secret Service, a locked collection), so each stays a clear
// message with its sentinel.
func TestClassify(t *testing.T) {
	const account = "bob@dav.example.org"
	tests := []struct {
		name     string
		err      error
		sentinel error
		says     []string
	}{
		{"not found", keyring.ErrNotFound, ErrNotFound,
			[]string{"no password stored for bob@dav.example.org", "'awcal password set'"}},
		{"no bus, no dbus-launch", &exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound}, ErrNoService,
			[]string{"no Secret Service", "gnome-keyring", "KeePassXC"}},
		{"no bus address", errNoBusAddress, ErrNoService, []string{"no Secret Service"}},
		{"bus socket gone", &net.OpError{Op: "dial", Net: "unix", Err: errors.New("connect: no such file or directory")},
			ErrNoService, []string{"no Secret Service"}},
		{"bus without the service", errors.New("The name org.freedesktop.secrets was not provided by any .service files"),
			ErrNoService, []string{"no Secret Service", "gnome-keyring"}},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"),
			ErrLocked, []string{"keyring is locked", "unlock it"}},
		{"anything else", errors.New("org.freedesktop.DBus.Error.NoReply"), nil,
			[]string{"reading the password for bob@dav.example.org in the OS keyring"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify("reading the password for "+account, account, tt.err)
			require.Error(t, err)
			for _, s := range []error{ErrNotFound, ErrNoService, ErrLocked} {
				assert.Equal(t, s == tt.sentinel, errors.Is(err, s), "errors.Is(%v) for %q", s, err)
			}
			if tt.sentinel != ErrNotFound {
				assert.ErrorIs(t, err, tt.err, "the cause is kept for diagnosis")
			}
			for _, s := range tt.says {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

// roundTrip is the contract both the in-memory and the real keyring pass.
func roundTrip(t *testing.T) {
	account := fmt.Sprintf("tester-%d@127.0.0.1:%d", os.Getpid(), time.Now().UnixNano()%100000)
	const password = "s3cret-horse-battery"

	_, err := Get(account)
	require.ErrorIs(t, err, ErrNotFound, "nothing is stored yet")
	assert.Contains(t, err.Error(), account)

	require.NoError(t, Set(account, password))
	t.Cleanup(func() { _ = Delete(account) })
	got, err := Get(account)
	require.NoError(t, err)
	assert.Equal(t, password, got)

	require.NoError(t, Set(account, password+"2"), "a second Set replaces the first")
	got, err = Get(account)
	require.NoError(t, err)
	assert.Equal(t, password+"2", got)

	other, err := Get(account + "x")
	assert.ErrorIs(t, err, ErrNotFound, "accounts stay apart")
	assert.Empty(t, other)

	require.NoError(t, Delete(account))
	_, err = Get(account)
	assert.ErrorIs(t, err, ErrNotFound, "deleted")
	err = Delete(account)
	require.ErrorIs(t, err, ErrNotFound, "deleting twice")
	assert.NotContains(t, err.Error(), password)
}

func TestMemoryKeyring(t *testing.T) {
	if !inChild(t, nil) {
		return
	}
	require.True(t, memory.Load(), "the child runs on the in-memory keyring")
	roundTrip(t)
}

// TestOSKeyring runs against the real OS keyring: the Secret Service (gnome-keyring under
// .ci/with-keyring), or Windows Credential Manager (under Wine too: make test-windows).
func TestOSKeyring(t *testing.T) {
	require.False(t, memory.Load())
	if runtime.GOOS != "windows" && os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		testreal.Missing(t, "no session D-Bus (run under .ci/with-keyring)")
	}
	if _, err := Get("awcal-probe@invalid"); !errors.Is(err, ErrNotFound) {
		testreal.Missing(t, "the Secret Service does not answer: %v", err)
	}
	roundTrip(t)
}

// TestNoBus points godbus at a socket that is not there, as on a headless box whose session
// bus is gone.
func TestNoBus(t *testing.T) {
	secretServiceOnly(t)
	env := map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=" + filepath.Join(os.TempDir(), "awcal-no-such-bus")}
	if !inChild(t, env) {
		return
	}
	for name, call := range map[string]func() error{
		"set":    func() error { return Set("bob@example.org", "pw-not-shown") },
		"get":    func() error { _, err := Get("bob@example.org"); return err },
		"delete": func() error { return Delete("bob@example.org") },
	} {
		t.Run(name, func(t *testing.T) {
			err := call()
			require.ErrorIs(t, err, ErrNoService)
			assert.Contains(t, err.Error(), "gnome-keyring")
			assert.NotContains(t, err.Error(), "pw-not-shown")
		})
	}
}

// TestNoBusAddress: with no address at all the package refuses before godbus would run
// dbus-launch and leave a stray dbus-daemon behind.
func TestNoBusAddress(t *testing.T) {
	secretServiceOnly(t)
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skip("this user has a systemd user bus; the case cannot arise")
	}
	if !inChild(t, map[string]string{"DBUS_SESSION_BUS_ADDRESS": ""}) {
		return
	}
	_, err := Get("bob@example.org")
	require.ErrorIs(t, err, ErrNoService)
	assert.ErrorIs(t, err, errNoBusAddress)
}

// TestLocked starts a private session bus on which D-Bus activation starts gnome-keyring with
// no unlocked login keyring and no way to prompt: the keyring stays locked.
func TestLocked(t *testing.T) {
	secretServiceOnly(t)
	if os.Getenv(childEnv) != t.Name() {
		for _, bin := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
			if _, err := exec.LookPath(bin); err != nil {
				testreal.Missing(t, "%s is not installed", bin)
			}
		}
	}
	home := t.TempDir()
	env := map[string]string{"HOME": home, "XDG_DATA_HOME": filepath.Join(home, "data"),
		"XDG_RUNTIME_DIR": home, "DBUS_SESSION_BUS_ADDRESS": ""}
	if !inChild(t, env, "dbus-run-session", "--") {
		return
	}
	err := Set("bob@example.org", "pw-not-shown")
	require.ErrorIs(t, err, ErrLocked)
	assert.True(t, strings.HasPrefix(err.Error(), "storing the password for bob@example.org: "), err.Error())
	assert.NotContains(t, err.Error(), "pw-not-shown")
}
