//go:build windows

package ics

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockOffset is the byte that is locked: far past the holder's pid at the start of the file
// (Windows locks may lie beyond the end), so that the next process can still read the pid for
// its error message.
const lockOffset = 1 << 30

func lockFile(f *os.File) error {
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0,
		&windows.Overlapped{Offset: lockOffset})
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errWouldBlock
	}
	return err
}

// lockFileWait takes f's lock, waiting while another process holds it.
func lockFileWait(f *os.File) error {
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0,
		&windows.Overlapped{Offset: lockOffset})
}

func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &windows.Overlapped{Offset: lockOffset})
}
