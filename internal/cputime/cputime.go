// Package cputime reports the CPU time a benchmark's process spends per operation, next to the
// wall-clock ns/op: on a machine shared with other work, wall-clock time measures the load as
// much as the code, while CPU time (user and system, every thread, the garbage collector's
// included) does not.
package cputime

import (
	"testing"
	"time"
)

// Start begins measuring; call the returned function when the benchmark's loop is done. It
// reports "cpu-ns/op" where the platform can tell the process's CPU time.
func Start(b *testing.B) (stop func()) {
	start, ok := processCPU()
	return func() {
		end, ok2 := processCPU()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64((end-start)/time.Nanosecond)/float64(b.N), "cpu-ns/op")
		}
	}
}
