package ics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrLocked means another process held the calendar file's lock for longer than a write waits.
var ErrLocked = errors.New("locked by another process")

// errWouldBlock is what lockFile returns when another process holds the lock.
var errWouldBlock = errors.New("lock held")

// lockPoll is how often a write waiting for another process's lock tries again.
const lockPoll = 50 * time.Millisecond

// Test hooks: afterLock runs between taking the lock and recording the holder's pid, openFile
// opens the lock files.
var (
	afterLock = func() {}
	openFile  = os.OpenFile
)

// fileLock is the advisory lock on one calendar file (an flock on path + ".lock"), shared by
// every Store of that file in this process. A Store holds it for one Apply — its read, plan and
// write — so that two awcal processes (a tray sync and a cron `awcal sync`) take turns on the
// file instead of one planning against what the other is about to replace.
type fileLock struct {
	key  string
	refs int // Applies holding or waiting for it; guarded by locks
	// mu serializes Applies among this process's Stores of the file, which the process-wide
	// flock cannot do. Its holder owns file.
	mu   sync.Mutex
	file *os.File // the flocked lock file, nil while no Apply of this process holds it
}

var locks = struct {
	sync.Mutex
	held map[string]*fileLock
}{held: map[string]*fileLock{}}

// acquire takes the lock of the calendar file at path (absolute, symlinks resolved), creating
// its folder (0700) and the lock file (0600) when they are missing. While another process holds
// it, acquire waits up to wait (or until ctx ends) and then fails with ErrLocked, naming the
// holder. The caller must release it.
func acquire(ctx context.Context, path string, wait time.Duration) (*fileLock, error) {
	locks.Lock()
	l := locks.held[path]
	if l == nil {
		l = &fileLock{key: path}
		locks.held[path] = l
	}
	l.refs++
	locks.Unlock()

	l.mu.Lock()
	if l.file == nil {
		f, err := lockPath(ctx, path, wait)
		if err != nil {
			l.drop()
			l.mu.Unlock()
			return nil, err
		}
		l.file = f
	}
	return l, nil
}

// release ends one Apply's hold; the last Store of the process to let go unlocks the file.
func (l *fileLock) release() error {
	var err error
	if l.drop() {
		err = unlockFile(l.file)
		if cerr := l.file.Close(); err == nil {
			err = cerr
		}
		l.file = nil
	}
	l.mu.Unlock()
	if err != nil {
		return fmt.Errorf("unlocking calendar file %s: %w", l.key, err)
	}
	return nil
}

// drop removes one reference and reports whether it was the last.
func (l *fileLock) drop() bool {
	locks.Lock()
	defer locks.Unlock()
	l.refs--
	if l.refs > 0 {
		return false
	}
	delete(locks.held, l.key)
	return true
}

// lockPath flocks path + ".lock" for this process, waiting up to wait for another holder.
func lockPath(ctx context.Context, path string, wait time.Duration) (*os.File, error) {
	name := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, pathError("creating the folder of calendar file "+path, err, filepath.Dir(path))
	}
	f, err := openFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, pathError("locking calendar file "+path, err, name)
	}
	deadline := time.Now().Add(wait)
	for {
		holder, err := tryLock(f, name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, errWouldBlock) {
			f.Close()
			return nil, pathError("locking calendar file "+path, err, name)
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, fmt.Errorf("calendar file %s is in use by another awcal%s (lock file %s), which did not finish its write within %s; wait for it or quit it, or give this one another calendar file: %w",
				path, holder, name, wait, ErrLocked)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for the lock of calendar file %s, held by another awcal%s: %w", path, holder, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}

// tryLock takes f's lock without waiting, and records this process as its holder; when another
// process holds it, it returns errWouldBlock and that holder as " (process N)". Both happen
// under a second lock (name + "-guard", held for microseconds), so the holder's pid is always
// written before anyone can read it: a failed attempt never reads an empty or stale pid.
func tryLock(f *os.File, name string) (holder string, err error) {
	g, err := openFile(name+"-guard", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", err
	}
	defer g.Close()
	if err := lockFileWait(g); err != nil {
		return "", err
	}
	defer unlockFile(g) //nolint:errcheck // closing g releases it too
	if err := lockFile(f); err != nil {
		if errors.Is(err, errWouldBlock) {
			return holderOf(f), err
		}
		return "", err
	}
	afterLock()
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return "", nil
}

// holderOf reads the process id the lock's holder wrote, as " (process N)", or "".
func holderOf(f *os.File) string {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 32))
	if err != nil {
		return ""
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return ""
	}
	return fmt.Sprintf(" (process %d)", pid)
}

// pathError wraps err from doing something to path; a permission error says what to do.
func pathError(doing string, err error, path string) error {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%s: no permission to use %s; check the permissions of %s and its folder, or choose another calendar file: %w",
			doing, path, path, err)
	}
	return fmt.Errorf("%s: %w", doing, err)
}
