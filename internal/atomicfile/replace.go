package atomicfile

import (
	"errors"
	"io/fs"
	"os"
)

// afterCheck runs between replaceIf's check of path and its replace; tests use it to write to
// path at the worst moment.
var afterCheck = func(path string) {}

// replaceIf moves tmp over path when unchanged accepts what path holds, as WriteFileIf
// describes. On success tmp is gone; on failure it may still exist (the caller removes it).
// On Windows, where another program holding path blocks reading it or renaming over it, the
// whole check and replace is done again once it lets go, never the rename alone: a program
// that blocked the rename may well have written the file before letting go.
func replaceIf(tmp, path string, unchanged func([]byte, bool) error) error {
	err := RetryBlocked(func() error { return replaceIfOnce(tmp, path, unchanged) })
	if err != nil && blocked(err) {
		return errors.Join(err, errBlocked)
	}
	return err
}

// replaceIfOnce is one check and replace of replaceIf. On Windows the file is held from the
// read that is checked to just before the rename (readHeld), so that no other program writes
// it or replaces it in between.
func replaceIfOnce(tmp, path string, unchanged func([]byte, bool) error) error {
	cur, exists, release, err := readHeld(path)
	if err != nil {
		return err
	}
	defer func() { release() }()
	if err := unchanged(cur, exists); err != nil {
		return err
	}
	afterCheck(path)
	if !exists {
		err := os.Link(tmp, path)
		switch {
		case errors.Is(err, fs.ErrExist):
			// Another program created it meanwhile: the caller reads that file.
			if cur, exists, release, err = readHeld(path); err != nil {
				return err
			}
			if err := unchanged(cur, exists); err != nil {
				return err
			}
			return renameHeld(tmp, path, release) // unchanged accepted it after all
		case err != nil:
			return os.Rename(tmp, path) // no hard links on this filesystem
		}
		return os.Remove(tmp)
	}
	swapped, err := exchange(tmp, path)
	if err != nil {
		return err
	}
	if !swapped {
		return renameHeld(tmp, path, release)
	}
	old, err := os.ReadFile(tmp)
	if err == nil {
		err = unchanged(old, true)
	}
	if err != nil {
		// Another program replaced the file between the check and the exchange: give its
		// version back, and let the caller read it.
		if _, xerr := exchange(tmp, path); xerr != nil {
			return errors.Join(err, xerr)
		}
		return err
	}
	return os.Remove(tmp)
}
