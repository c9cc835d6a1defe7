package atomicfile

import (
	"errors"
	"time"

	"golang.org/x/sys/windows"
)

// How RetryBlocked waits: such holds take milliseconds (a calendar app or the feed reading the
// file, another program replacing it).
const (
	blockedAttempts = 50
	blockedPause    = 20 * time.Millisecond
)

// retried is called before each retry of a blocked operation (tests release the holder there).
var retried = func(attempt int) {}

func retryBlocked(op func() error) error {
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || !blocked(err) || attempt == blockedAttempts {
			return err
		}
		retried(attempt)
		time.Sleep(blockedPause)
	}
}

// blocked reports whether err is Windows refusing access because another program holds the
// file.
func blocked(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}
