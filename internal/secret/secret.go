// Package secret keeps awcal's CalDAV password in the OS keyring (the freedesktop Secret
// Service on Linux, the Keychain on macOS, the Credential Manager on Windows) through
// go-keyring, and turns the keyring's raw failures into messages that say what to do next.
// The password never reaches a file, a log or an error message.
//
// On a desktop a locked keyring shows a prompt and blocks until it is answered: never call
// this package on the UI goroutine.
package secret

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/zalando/go-keyring"
)

// Service is the keyring service name every awcal secret is stored under.
const Service = "awcal"

// Errors returned by Set, Get and Delete, to be tested with errors.Is. The returned errors
// carry a longer message naming the account and the next step.
var (
	// ErrNotFound: the keyring holds no password for the account.
	ErrNotFound = errors.New("no password stored")
	// ErrNoService: there is no session D-Bus, or nothing on it provides
	// org.freedesktop.secrets.
	ErrNoService = errors.New("no Secret Service (OS keyring) is available")
	// ErrLocked: the keyring is locked and could not be unlocked (no prompt could be shown,
	// or it was dismissed).
	ErrLocked = errors.New("the OS keyring is locked")
)

// memory is set by MockInit: the OS keyring is replaced and the D-Bus check is moot.
var memory atomic.Bool

// MockInit replaces the OS keyring with an empty in-memory one for the rest of the process
// (go-keyring's MockInit), for tests and for the throw-away demo.
func MockInit() {
	keyring.MockInit()
	memory.Store(true)
}

// errNoBusAddress: no session bus address is known (see checkBus).
var errNoBusAddress = errors.New("no session D-Bus (DBUS_SESSION_BUS_ADDRESS is not set and there is no user bus)")

// Account names the keyring entry of a CalDAV login: "user@host", where host is the host
// (and port, when the URL names one) of serverURL, in lower case. Two accounts on different
// servers, or on two ports of one host, stay apart.
func Account(username, serverURL string) string {
	host := serverURL
	if u, err := url.Parse(serverURL); err == nil && u.Host != "" {
		host = u.Host
	} else {
		// Not an absolute URL ("example.org/dav"): keep what names the host.
		host = strings.TrimPrefix(host, "//")
		if i := strings.IndexByte(host, '/'); i >= 0 {
			host = host[:i]
		}
	}
	return username + "@" + strings.ToLower(host)
}

// Set stores password for account, replacing any earlier one.
func Set(account, password string) error {
	if err := checkBus(); err != nil {
		return classify("storing the password for "+account, account, err)
	}
	if err := keyring.Set(Service, account, password); err != nil {
		return classify("storing the password for "+account, account, err)
	}
	return nil
}

// Get returns the password stored for account.
func Get(account string) (string, error) {
	if err := checkBus(); err != nil {
		return "", classify("reading the password for "+account, account, err)
	}
	pw, err := keyring.Get(Service, account)
	if err != nil {
		return "", classify("reading the password for "+account, account, err)
	}
	return pw, nil
}

// Delete removes the password stored for account. Deleting one that is not there returns
// an error matching ErrNotFound.
func Delete(account string) error {
	if err := checkBus(); err != nil {
		return classify("deleting the password for "+account, account, err)
	}
	if err := keyring.Delete(Service, account); err != nil {
		return classify("deleting the password for "+account, account, err)
	}
	return nil
}

// classify turns a keyring failure into an error that names the account and the next step.
// go-keyring's errors never contain the password (they come from D-Bus, the OS or
// go-keyring's own sentinels), so the cause is kept for diagnosis.
func classify(action, account string, err error) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("%w for %s — set it in Settings or with 'awcal password set'", ErrNotFound, account)
	case errors.Is(err, errNoBusAddress) || noBus(err) || noSecretService(err):
		return fmt.Errorf("%s: %w — install and start gnome-keyring or KeePassXC's Secret Service integration (or another org.freedesktop.secrets provider) in your desktop session, then try again: %w",
			action, ErrNoService, err)
	case locked(err):
		return fmt.Errorf("%s: %w — unlock it (log in to the desktop session, or unlock the 'login' keyring in Seahorse or KeePassXC) and try again: %w",
			action, ErrLocked, err)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("%s: the password is too long for the OS keyring: %w", action, err)
	}
	return fmt.Errorf("%s in the OS keyring: %w", action, err)
}

// noBus reports a failure to reach the session D-Bus at all. The texts are go-keyring's
// (through godbus) as observed on Debian: no address and no dbus-launch, or an address whose
// socket is gone.
func noBus(err error) bool {
	s := err.Error()
	for _, sub := range []string{
		`"dbus-launch": executable file not found`,
		"couldn't determine address of session bus",
		"dial unix",
		"connection refused",
	} {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// noSecretService reports a session bus on which no program provides the Secret Service.
func noSecretService(err error) bool {
	s := err.Error()
	return strings.Contains(s, "org.freedesktop.secrets was not provided") ||
		strings.Contains(s, "org.freedesktop.DBus.Error.ServiceUnknown") ||
		strings.Contains(s, "The name org.freedesktop.secrets")
}

// locked reports a keyring that stayed locked: go-keyring says so when the unlock prompt
// could not be shown or was dismissed.
func locked(err error) bool {
	s := err.Error()
	return strings.Contains(s, "failed to unlock correct collection") ||
		strings.Contains(s, "prompt dismissed") ||
		strings.Contains(s, "org.freedesktop.Secret.Error.IsLocked")
}
