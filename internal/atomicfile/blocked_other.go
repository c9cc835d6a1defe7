//go:build !windows

package atomicfile

// retryBlocked runs op once: on Unix another program holding a file never blocks opening it
// or renaming over it.
func retryBlocked(op func() error) error { return op() }

// blocked is false: nothing is retried here.
func blocked(error) bool { return false }
