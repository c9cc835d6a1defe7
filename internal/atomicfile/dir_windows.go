package atomicfile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// syncDir does nothing on Windows: a folder cannot be opened for flushing there (Access
// denied), and NTFS journals the rename itself; the data was flushed before it.
func syncDir(string) error { return nil }

// Retrying a replace that another process blocks: a reader (a calendar app, the feed) holds
// the file open without FILE_SHARE_DELETE, and Windows refuses to rename over it until it
// closes; such reads take milliseconds.
const (
	replaceAttempts = 50
	replacePause    = 20 * time.Millisecond
)

// replaceRetried is called before each retry of a blocked replace (tests release the reader).
var replaceRetried = func(attempt int) {}

// replace renames tmp over path, retrying for about a second while another process has path
// open; then it gives up with an error that says so.
func replace(tmp, path string) error {
	var err error
	for attempt := 1; attempt <= replaceAttempts; attempt++ {
		if err = os.Rename(tmp, path); err == nil || !blockedByReader(err) {
			return err
		}
		replaceRetried(attempt)
		time.Sleep(replacePause)
	}
	return errors.Join(err, errors.New("another program keeps the file open; close it (or stop it from locking the file) and sync again"))
}

func blockedByReader(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}
