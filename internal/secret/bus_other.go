//go:build !(linux || freebsd || netbsd || openbsd || dragonfly)

package secret

// checkBus has nothing to check where the keyring is not reached over D-Bus (macOS
// Keychain, Windows Credential Manager).
func checkBus() error { return nil }
