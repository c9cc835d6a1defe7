//go:build !windows

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
)

// readHeld returns what path holds, and whether it exists; release does nothing: on Unix an
// open file does not keep other programs from replacing it, and on Linux the exchange catches
// what lands between the check and the replace.
func readHeld(path string) (data []byte, exists bool, release func(), err error) {
	none := func() {}
	data, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, none, nil
	}
	return data, err == nil, none, err
}

// renameHeld is os.Rename.
func renameHeld(tmp, path string, release func()) error {
	release()
	return os.Rename(tmp, path)
}
