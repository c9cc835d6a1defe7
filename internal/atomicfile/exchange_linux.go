package atomicfile

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchange atomically swaps the files at a and b (renameat2 RENAME_EXCHANGE). swapped is false,
// with no error, when the filesystem cannot do it.
func exchange(a, b string) (swapped bool, err error) {
	err = unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return false, nil
	}
	return false, err
}
