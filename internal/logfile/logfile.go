// Package logfile is the tray app's log: a file that rotates by size (awcal.log, then
// awcal.log.1 … awcal.log.N, the oldest dropped), readable by its owner only, and a slog
// handler that scrubs credentials out of URLs in every line before it is written.
package logfile

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// Defaults of the tray app's log: about 4 MiB on disk at most.
const (
	DefaultMaxBytes = 1 << 20
	DefaultKeep     = 3
)

// File is a log file that rotates once a write would take it past its size limit. It is
// safe for concurrent use.
type File struct {
	path     string
	maxBytes int64
	keep     int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// Open opens (creating it and its folder) the log file at path, to be rotated past maxBytes,
// keeping keep older files.
func Open(path string, maxBytes int64, keep int) (*File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the log folder: %w", err)
	}
	l := &File{path: path, maxBytes: maxBytes, keep: keep}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *File) open() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening the log file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("opening the log file: %w", err)
	}
	l.f, l.size = f, st.Size()
	return nil
}

// Write appends p, rotating first when p would take the file past its limit.
func (l *File) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, os.ErrClosed
	}
	if l.size > 0 && l.size+int64(len(p)) > l.maxBytes {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

// rotate shifts awcal.log.i to .i+1 (dropping the oldest), the file to .1, and starts afresh.
// The caller holds l.mu.
func (l *File) rotate() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("rotating the log file: %w", err)
	}
	l.f = nil
	for i := l.keep - 1; i >= 1; i-- {
		_ = os.Rename(fmt.Sprintf("%s.%d", l.path, i), fmt.Sprintf("%s.%d", l.path, i+1)) // a gap is fine
	}
	if l.keep > 0 {
		if err := os.Rename(l.path, l.path+".1"); err != nil {
			return fmt.Errorf("rotating the log file: %w", err)
		}
	} else if err := os.Remove(l.path); err != nil {
		return fmt.Errorf("rotating the log file: %w", err)
	}
	return l.open()
}

// Close closes the file; later writes fail.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// credentials matches the user information of a URL ("https://ann:pw@host" → "ann:pw@").
var credentials = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]+@`)

// Scrub removes the credentials of every URL in s.
func Scrub(s string) string { return credentials.ReplaceAllString(s, "${1}REDACTED@") }

// NewHandler is a text handler writing to w at level and above, with the credentials of URLs
// scrubbed from the message and from every string and error value. (Passwords are
// caldav.Secret values, which log as REDACTED by themselves.)
func NewHandler(w io.Writer, level slog.Leveler) slog.Handler {
	return slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: scrubAttr})
}

func scrubAttr(_ []string, a slog.Attr) slog.Attr {
	switch v := a.Value; v.Kind() {
	case slog.KindString:
		if s := v.String(); credentials.MatchString(s) {
			return slog.String(a.Key, Scrub(s))
		}
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, Scrub(err.Error()))
		}
	}
	return a
}
