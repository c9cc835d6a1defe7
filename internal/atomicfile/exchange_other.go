//go:build !linux

package atomicfile

// exchange cannot swap two files atomically here: replaceIf falls back to a plain rename.
func exchange(a, b string) (swapped bool, err error) { return false, nil }
