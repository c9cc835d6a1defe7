//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package ics

import "os"

// lockFile does nothing where there is no advisory file lock to use: only this process's own
// Stores are kept apart (fileLock.mu), not a second awcal process.
func lockFile(*os.File) error { return nil }

func lockFileWait(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
