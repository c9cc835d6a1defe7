//go:build !windows

package atomicfile

import (
	"fmt"
	"os"
)

// syncDir makes a rename in dir durable: on Unix a rename is an entry in the folder, which
// needs its own fsync.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing folder %s: %w", dir, err)
	}
	return nil
}
