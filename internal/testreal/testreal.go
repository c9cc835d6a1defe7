// Package testreal is the one rule for tests that need a real component (Radicale, a Secret
// Service, Xvfb and D-Bus, Debian's python3-icalendar, the go command): without it a test
// skips, saying what is missing, except under AWCAL_REQUIRE_REAL=1 (what `make test` and CI
// set), where it fails, so that nothing is silently left untested there.
package testreal

import (
	"fmt"
	"os"
	"testing"
)

// Env is the variable that makes missing components a failure.
const Env = "AWCAL_REQUIRE_REAL"

// Required reports whether real components are required (AWCAL_REQUIRE_REAL=1).
func Required() bool { return os.Getenv(Env) == "1" }

// Missing ends t because a real component is missing: a skip, or a failure when real
// components are required. format and args say what is missing and how to get it.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		t.Fatalf("%s=1 but %s", Env, msg)
		return
	}
	t.Skip(msg)
}
