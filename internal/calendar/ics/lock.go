package ics

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// ErrLocked means another process holds the calendar file's lock.
var ErrLocked = errors.New("locked by another process")

// errWouldBlock is what lockFile returns when another process holds the lock.
var errWouldBlock = errors.New("lock held")

// fileLock is the advisory lock on one calendar file (an flock on path + ".lock"), shared by
// every Store of that file in this process. It is held from a Store's first write until Close
// (or the process ends), so that a second awcal cannot write between this one's read and write
// and cannot plan duplicates of the events this one is about to create.
type fileLock struct {
	key  string
	file *os.File
	refs int
	// mu serializes read-check-write among this process's Stores of the file, which the
	// process-wide flock cannot do.
	mu sync.Mutex
}

var locks = struct {
	sync.Mutex
	held map[string]*fileLock
}{held: map[string]*fileLock{}}

// acquire takes the lock of the calendar file at path (absolute), creating its folder (0700)
// and the lock file (0600) when they are missing.
func acquire(path string) (*fileLock, error) {
	locks.Lock()
	defer locks.Unlock()
	if l := locks.held[path]; l != nil {
		l.refs++
		return l, nil
	}
	lockPath := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the folder of calendar file %s: %w", path, err)
	}
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking calendar file %s: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		holder := holderOf(f)
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("calendar file %s is in use by another awcal%s (lock file %s); quit that one first, or give this one another calendar file: %w",
				path, holder, lockPath, ErrLocked)
		}
		return nil, fmt.Errorf("locking calendar file %s: %w", path, err)
	}
	// Record who holds the lock, for the other process's error message.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	l := &fileLock{key: path, file: f, refs: 1}
	locks.held[path] = l
	return l, nil
}

// release drops one Store's hold; the last one unlocks.
func (l *fileLock) release() error {
	locks.Lock()
	defer locks.Unlock()
	l.refs--
	if l.refs > 0 {
		return nil
	}
	delete(locks.held, l.key)
	err := unlockFile(l.file)
	if cerr := l.file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("unlocking calendar file %s: %w", l.key, err)
	}
	return nil
}

// holderOf reads the process id the lock's holder wrote, as " (process N)", or "".
func holderOf(f *os.File) string {
	b, err := io.ReadAll(io.LimitReader(f, 32))
	if err != nil {
		return ""
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return ""
	}
	return fmt.Sprintf(" (process %d)", pid)
}
