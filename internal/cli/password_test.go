package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/secret"
	"github.com/awcal/awcal/internal/testreal"
)

var (
	keyringOnce sync.Once
	keyringKind string
)

// useKeyring picks the real Secret Service when it answers (as under .ci/with-keyring), else
// the in-memory keyring for the whole test binary; under AWCAL_REQUIRE_REAL=1 a missing
// Secret Service fails the test.
func useKeyring(t *testing.T) {
	t.Helper()
	keyringOnce.Do(func() {
		_, err := secret.Get("awcal-cli-probe@invalid")
		switch {
		case errors.Is(err, secret.ErrNotFound):
			keyringKind = "the OS keyring"
		case testreal.Required():
			keyringKind = "missing: " + err.Error()
		default:
			secret.MockInit()
			keyringKind = "an in-memory keyring (no Secret Service: " + err.Error() + ")"
		}
	})
	if strings.HasPrefix(keyringKind, "missing") {
		testreal.Missing(t, "the Secret Service is %s", keyringKind)
	}
	t.Logf("using %s", keyringKind)
}

// runPasswordCLI runs "awcal password args..." with stdin and the environment.
func runPasswordCLI(t *testing.T, environ map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return environ[k] }}
	code = Main(context.Background(), env, append([]string{"password"}, args...))
	return code, out.String(), errOut.String()
}

// writeConfig saves a valid config whose calendar is cal and returns its path.
func writeConfig(t *testing.T, cal config.Calendar) string {
	t.Helper()
	dir := t.TempDir()
	c := config.Default(func(k string) string {
		if k == "XDG_DATA_HOME" {
			return dir
		}
		return ""
	})
	c.Calendar = cal
	path := filepath.Join(dir, "config.json")
	require.NoError(t, config.Save(path, &c))
	return path
}

func caldavConfig(srv *caldavtest.Server) config.Calendar {
	return config.Calendar{Kind: config.CalendarCalDAV, URL: srv.URL, Username: srv.Username, CalendarPath: srv.CalendarPath}
}

// forget removes the account's password when the test ends.
func forget(t *testing.T, srv *caldavtest.Server) string {
	account := secret.Account(srv.Username, srv.URL)
	t.Cleanup(func() { _ = secret.Delete(account) })
	return account
}

func TestPasswordSetThenTest(t *testing.T) {
	useKeyring(t)
	for name, start := range map[string]func(testing.TB) *caldavtest.Server{
		"memory":   func(t testing.TB) *caldavtest.Server { return caldavtest.StartMemory(t, caldavtest.MemoryOptions{}) },
		"radicale": caldavtest.StartRadicale,
	} {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			account := forget(t, srv)
			cfg := writeConfig(t, caldavConfig(srv))

			code, stdout, stderr := runPasswordCLI(t, nil, srv.Password+"\nsecond line is ignored\n", "set", "--config", cfg)
			require.Equal(t, ExitOK, code, stderr)
			assert.Contains(t, stdout, "Stored the CalDAV password for "+account)
			assert.NotContains(t, stdout+stderr, srv.Password)
			stored, err := secret.Get(account)
			require.NoError(t, err)
			assert.Equal(t, srv.Password, stored, "the first line, without its line ending")

			// AWCAL_CONFIG finds the same file.
			code, stdout, stderr = runPasswordCLI(t, map[string]string{config.EnvConfig: cfg}, "", "test")
			require.Equal(t, ExitOK, code, stderr)
			assert.Contains(t, stdout, "OK: logged in to "+srv.URL+" as "+srv.Username)
			assert.Contains(t, stdout, "awcal test")
			assert.Contains(t, stdout, srv.CalendarPath)
			assert.NotContains(t, stdout+stderr, srv.Password)
		})
	}
}

func TestPasswordTestFailures(t *testing.T) {
	useKeyring(t)
	srv := caldavtest.StartRadicale(t)
	cfg := writeConfig(t, caldavConfig(srv))
	account := forget(t, srv)

	t.Run("no password stored", func(t *testing.T) {
		code, stdout, stderr := runPasswordCLI(t, nil, "", "test", "--config", cfg)
		assert.Equal(t, ExitFailure, code)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "no password stored for "+account)
		assert.Contains(t, stderr, "'awcal password set'")
	})
	t.Run("wrong password", func(t *testing.T) {
		require.NoError(t, secret.Set(account, "wrong-pw-123"))
		code, stdout, stderr := runPasswordCLI(t, nil, "", "test", "--config", cfg)
		assert.Equal(t, ExitFailure, code)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "refused the username or password")
		assert.Contains(t, stderr, "'awcal password set'")
		assert.NotContains(t, stderr, "wrong-pw-123")
	})
	t.Run("calendar gone", func(t *testing.T) {
		require.NoError(t, secret.Set(account, srv.Password))
		code, _, stderr := runPasswordCLI(t, nil, "", "test", "--config", cfg, "--calendar", "/alice/gone/")
		assert.Equal(t, ExitFailure, code)
		assert.Contains(t, stderr, "choose it again in Settings")
	})
}

// TestPasswordFlagsOnly: no config file yet (a headless first setup); the flags name it all.
func TestPasswordFlagsOnly(t *testing.T) {
	useKeyring(t)
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{})
	forget(t, srv)
	environ := map[string]string{config.EnvConfig: filepath.Join(t.TempDir(), "missing.json")}
	flags := []string{"--url", srv.URL, "--username", srv.Username}

	code, _, stderr := runPasswordCLI(t, environ, srv.Password+"\r\n", append([]string{"set"}, flags...)...)
	require.Equal(t, ExitOK, code, stderr)

	code, stdout, stderr := runPasswordCLI(t, environ, "", append([]string{"test"}, flags...)...)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "No calendar is chosen yet")
	assert.Regexp(t, `Tasks\s+/alice/calendars/tasks/ \(no events: cannot be used\)`, stdout)
	assert.Regexp(t, `awcal test\s+/alice/calendars/awcal/\n`, stdout)

	code, stdout, stderr = runPasswordCLI(t, environ, "", append([]string{"test", "--calendar", srv.CalendarPath}, flags...)...)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "the calendar "+srv.URL+"alice/calendars/awcal/ can be read")
}

func TestPasswordTrustedCertificate(t *testing.T) {
	useKeyring(t)
	srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{TLS: true})
	account := forget(t, srv)
	require.NoError(t, secret.Set(account, srv.Password))

	cal := caldavConfig(srv)
	code, _, stderr := runPasswordCLI(t, nil, "", "test", "--config", writeConfig(t, cal))
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, stderr, "TLS certificate is not trusted")
	assert.Contains(t, stderr, "trusted certificate in Settings")

	cal.TrustedCertificate = filepath.Join(t.TempDir(), "server.pem")
	code, _, stderr = runPasswordCLI(t, nil, "", "test", "--config", writeConfig(t, cal))
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, stderr, "reading the trusted certificate (calendar.trustedCertificate")

	require.NoError(t, os.WriteFile(cal.TrustedCertificate, srv.CertPEM, 0o600))
	code, stdout, stderr := runPasswordCLI(t, nil, "", "test", "--config", writeConfig(t, cal))
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "OK: logged in")
}

func TestPasswordUsageErrors(t *testing.T) {
	useKeyring(t)
	ics := writeConfig(t, config.Calendar{Kind: config.CalendarICS, Path: filepath.Join(t.TempDir(), "a.ics")})
	noUser := writeConfig(t, config.Calendar{Kind: config.CalendarCalDAV, URL: "https://dav.example.org/"})
	missing := filepath.Join(t.TempDir(), "missing.json")
	broken := filepath.Join(t.TempDir(), "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte("{not json"), 0o600))
	flags := []string{"--url", "https://dav.example.org/", "--username", "alice"}

	tests := []struct {
		name  string
		stdin string
		args  []string
		says  string
	}{
		{"no subcommand", "", nil, "Usage: awcal password set|test"},
		{"unknown subcommand", "", []string{"show"}, "Usage: awcal password set|test"},
		{"extra argument", "", []string{"test", "--config", ics, "extra"}, "unexpected arguments: extra"},
		{"no config and no flags", "", []string{"test", "--config", missing}, "no config file at " + missing},
		{"a local calendar needs no password", "pw\n", []string{"set", "--config", ics}, "local .ics file"},
		{"no user name", "pw\n", []string{"set", "--config", noUser}, "no CalDAV user name"},
		{"config that does not parse", "pw\n", []string{"set", "--config", broken}, "broken.json"},
		{"empty standard input", "", append([]string{"set", "--config", missing}, flags...), "no password on standard input"},
		{"empty first line", "\nsecret\n", append([]string{"set", "--config", missing}, flags...), "no password on standard input"},
		{"too long", strings.Repeat("x", maxPasswordBytes+1), append([]string{"set", "--config", missing}, flags...), "longer than 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runPasswordCLI(t, nil, tt.stdin, tt.args...)
			assert.Equal(t, ExitUsage, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.says)
			_, err := secret.Get(secret.Account("alice", "https://dav.example.org/"))
			assert.ErrorIs(t, err, secret.ErrNotFound, "nothing stored")
		})
	}
}

func TestPasswordHelp(t *testing.T) {
	code, stdout, _ := runPasswordCLI(t, nil, "", "--help")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, stdout, "first line of standard input")
}
