// Package instance keeps awcal to one running process per config: the tray app or the daemon,
// never both, never two of either. The first listens on a unix socket in XDG_RUNTIME_DIR; a
// later launch asks it who it is there. A second tray app brings the first one's settings
// window forward and exits; any other pair is refused with the holder's role and process id.
package instance

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Role is what kind of awcal process holds a config.
type Role string

// Roles.
const (
	App    Role = "app"    // the tray app (awcal, awcal demo)
	Daemon Role = "daemon" // awcal daemon
)

func (r Role) describe() string {
	if r == Daemon {
		return "the awcal daemon"
	}
	return "the awcal tray app"
}

// ErrRunning means another tray app runs on the config and was asked to come forward.
var ErrRunning = errors.New("awcal is already running; its settings window was brought forward")

// ErrNoGuard wraps the failures to set up the guard itself (no socket folder, no listener):
// the caller may run unguarded, after saying so.
var ErrNoGuard = errors.New("cannot keep awcal to one process per config")

// HeldError means another process holds the config in a way this one cannot join: a daemon
// when the tray app starts, or anything when a daemon starts.
type HeldError struct {
	Role Role
	PID  int
}

func (e *HeldError) Error() string {
	stop := "quit it from its tray menu"
	if e.Role == Daemon {
		stop = "stop it (systemctl --user stop awcal, or kill " + strconv.Itoa(e.PID) + ")"
	}
	return fmt.Sprintf("%s (process %d) already syncs this config; %s, or give this one another config with --config", e.Role.describe(), e.PID, stop)
}

// Requests an instance understands, one line each; the answer is "ROLE PID".
const (
	showRequest = "show" // from a second tray app: come forward (the tray app only)
	whoRequest  = "who"  // from anything else: say who you are
)

// SocketPath returns the socket for a config file: one instance per config, so "awcal demo"
// (with its own throw-away config) can run beside the real app. getenv reads XDG_RUNTIME_DIR.
func SocketPath(configPath string, getenv func(string) string) string {
	abs, err := filepath.Abs(configPath)
	if err != nil {
		abs = configPath
	}
	sum := sha256.Sum256([]byte(abs))
	name := "awcal-" + hex.EncodeToString(sum[:6]) + ".sock"
	dir := getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "awcal-"+strconv.Itoa(os.Getuid()))
	}
	return filepath.Join(dir, name)
}

// Acquire makes this process, in role, the instance for path. When another process answers
// there, Acquire returns ErrRunning (a tray app meeting a tray app, which was asked to show its
// window), a *HeldError, or an error wrapping ErrNoGuard when it cannot listen. Otherwise onShow (may be nil) is called from the listener's
// goroutine whenever a later tray app knocks, until release is called.
func Acquire(path string, role Role, onShow func()) (release func(), err error) {
	if err := ask(path, role); err == nil || !isUnreachable(err) {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%w: creating the folder of the instance socket: %w", ErrNoGuard, err)
	}
	// Nobody answered: a socket file left there is stale (a crashed instance).
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: removing the stale instance socket %s: %w", ErrNoGuard, path, err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		// Another instance started at the same moment and won.
		if err := ask(path, role); !isUnreachable(err) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: listening on the instance socket %s: %w", ErrNoGuard, path, err)
	}
	go serve(ln, role, onShow)
	return func() { ln.Close() }, nil
}

// unreachable wraps the failure to talk to an instance: nobody holds the config.
type unreachable struct{ err error }

func (u unreachable) Error() string { return u.err.Error() }

func isUnreachable(err error) bool {
	var u unreachable
	return errors.As(err, &u)
}

// ask talks to the instance at path as a process of role wanting the config. It returns
// ErrRunning or a *HeldError when one answers, an unreachable error when none does.
func ask(path string, role Role) error {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return unreachable{err}
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	req := whoRequest
	if role == App {
		req = showRequest
	}
	if _, err := fmt.Fprintln(c, req); err != nil {
		return unreachable{err}
	}
	// Wait for the answer, so ErrRunning means the request was received.
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return unreachable{err}
	}
	held, err := parseAnswer(line)
	if err != nil {
		return fmt.Errorf("another awcal answers on %s, but not as this version expects (%w); quit it first", path, err)
	}
	if role == App && held.Role == App {
		return ErrRunning
	}
	return held
}

func parseAnswer(line string) (*HeldError, error) {
	f := strings.Fields(line)
	if len(f) != 2 || (f[0] != string(App) && f[0] != string(Daemon)) {
		return nil, fmt.Errorf("answer %q", strings.TrimSpace(line))
	}
	pid, err := strconv.Atoi(f[1])
	if err != nil {
		return nil, fmt.Errorf("answer %q", strings.TrimSpace(line))
	}
	return &HeldError{Role: Role(f[0]), PID: pid}, nil
}

func serve(ln net.Listener, role Role, onShow func()) {
	for {
		c, err := ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				slog.Warn("instance socket stopped", "error", err)
			}
			return
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(2 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil {
				return
			}
			switch strings.TrimSpace(line) {
			case showRequest:
				if role == App && onShow != nil {
					onShow()
				}
			case whoRequest:
			default:
				return
			}
			fmt.Fprintf(c, "%s %d\n", role, os.Getpid())
		}()
	}
}
