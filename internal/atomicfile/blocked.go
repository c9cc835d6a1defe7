package atomicfile

import (
	"errors"
	"os"
)

// RetryBlocked runs op, which opens, reads, writes or renames a file. On Windows, while op fails
// because another program holds the file (a sharing violation, or access denied), it runs op
// again every 20 ms, 50 times at most (about a second), and returns its last error. There,
// unlike on Unix, a reader that opened a file without FILE_SHARE_DELETE (as os.Open does)
// blocks a rename over it, and a program renaming over a file blocks opening it for that
// moment; both last milliseconds. Elsewhere it runs op once.
func RetryBlocked(op func() error) error { return retryBlocked(op) }

// ReadFile is os.ReadFile, waiting on Windows while another program holds the file
// (RetryBlocked).
func ReadFile(path string) ([]byte, error) {
	var data []byte
	err := RetryBlocked(func() error {
		var err error
		data, err = os.ReadFile(path)
		return err
	})
	return data, err
}

// errBlocked is added to the error of a replace that another program kept blocking.
var errBlocked = errors.New("another program keeps the file open; close it (or stop it from locking the file) and sync again")

// replace renames tmp over path, waiting on Windows while another program has path open, and
// then saying so.
func replace(tmp, path string) error {
	err := RetryBlocked(func() error { return os.Rename(tmp, path) })
	if err != nil && blocked(err) {
		return errors.Join(err, errBlocked)
	}
	return err
}
