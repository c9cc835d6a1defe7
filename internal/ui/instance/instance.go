// Package instance keeps awcal to one running app per config: the first instance listens on a
// unix socket in XDG_RUNTIME_DIR; a later launch finds it there, asks it to show its settings
// window, and exits.
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
	"time"
)

// ErrRunning means another instance is running and was asked to come forward.
var ErrRunning = errors.New("awcal is already running; its settings window was brought forward")

// showCommand is the one message an instance understands.
const showCommand = "show"

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

// Acquire makes this process the instance for path. When another instance answers there, it
// is sent "show" and Acquire returns ErrRunning. Otherwise onShow is called (from the
// listener's goroutine) whenever a later launch knocks, until release is called.
func Acquire(path string, onShow func()) (release func(), err error) {
	if knock(path) == nil {
		return nil, ErrRunning
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the folder of the instance socket: %w", err)
	}
	// Nobody answered: a socket file left there is stale (a crashed instance).
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("removing the stale instance socket %s: %w", path, err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		// Another instance started at the same moment and won.
		if knock(path) == nil {
			return nil, ErrRunning
		}
		return nil, fmt.Errorf("listening on the instance socket %s: %w", path, err)
	}
	go serve(ln, onShow)
	return func() { ln.Close() }, nil
}

// knock asks the instance at path to show itself.
func knock(path string) error {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintln(c, showCommand); err != nil {
		return err
	}
	// Wait for the answer, so ErrRunning means the request was received.
	_, err = bufio.NewReader(c).ReadString('\n')
	return err
}

func serve(ln net.Listener, onShow func()) {
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
			if err != nil || line != showCommand+"\n" {
				return
			}
			onShow()
			fmt.Fprintln(c, "ok")
		}()
	}
}
