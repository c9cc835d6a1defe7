// Package pipeline is the one place that builds awcal's pipeline from a config:
//
//	config → source → privacy filter → engine → calendar store
//
// Every entry point builds its parts here and nowhere else: the tray's sync, the settings
// window's Preview, Test and Discover, `awcal sync` (dry runs too), `awcal preview` (with
// --export as well) and any command added later. A setting read in one place only cannot
// drift between them:
//
//   - Source: the aw-server client of config.ActivityWatch, with the API key from
//     $AWCAL_AW_API_KEY (EnvAWAPIKey) when set; or OpenExport for an ActivityWatch export
//     file, which serves the same calls so that bucket selection and privacy apply to it too.
//   - Privacy: the filter of privacy.Settings.
//   - EngineOptions and Engine: the profiles with alwaysActivePattern, AFK masking and the
//     browser table.
//   - OpenStore, Connection and Discover: the .ics file, or the CalDAV calendar with the
//     password from the keyring (unless one is given) and calendar.trustedCertificate.
//
// Live follows a config that changes while the app runs (the tray, a daemon): it hands the
// syncer a source and a store that reopen when the settings change them.
//
// A Factory holds what the pipeline reads outside the config (environment, keyring, files);
// New(Env{}) reads the real ones, tests pass their own.
package pipeline

import (
	"os"

	"github.com/awcal/awcal/internal/secret"
)

// EnvAWAPIKey names the environment variable holding aw-server's API key (aw-server-rust
// with authentication); unset or empty sends none.
const EnvAWAPIKey = "AWCAL_AW_API_KEY"

// Env is what the pipeline reads besides the config. A nil field reads the real thing.
type Env struct {
	// Getenv reads an environment variable (os.Getenv): EnvAWAPIKey.
	Getenv func(string) string
	// Password reads a CalDAV password from the OS keyring by account (secret.Get; the
	// account is secret.Account(username, url)).
	Password func(account string) (string, error)
	// ReadFile reads calendar.trustedCertificate (os.ReadFile).
	ReadFile func(name string) ([]byte, error)
}

// Factory builds the parts of the pipeline. It is safe for concurrent use.
type Factory struct{ env Env }

// New returns a factory reading env, the real environment, keyring and files where env
// leaves a field nil.
func New(env Env) *Factory {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Password == nil {
		env.Password = secret.Get
	}
	if env.ReadFile == nil {
		env.ReadFile = os.ReadFile
	}
	return &Factory{env: env}
}

// ConfigError is a problem with the configuration or the state file, as opposed to a failure
// of aw-server or the calendar: retrying will not help until the user fixes it. The command
// line exits with the usage code on it.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }
