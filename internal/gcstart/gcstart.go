// Package gcstart spares a short-lived command the garbage collections of its start. Go's
// collector first runs when the heap reaches 4 MB and then each time it doubles, so a command
// that builds 20 MB of activity and exits collects four times on the way, for nothing: about
// 10 of the 60 ms of CPU a two-week server-mode preview took (docs/PERFORMANCE.md). Delay lets the heap reach a
// few tens of MB before the first collection, after which the collector works as always.
package gcstart

import (
	"runtime"
	"runtime/debug"
)

// goFirstHeap is the heap at which Go's collector first runs at GOGC=100 (the runtime's
// minimum heap goal, which scales with GOGC).
const goFirstHeap = 4 << 20

// Delay makes the first garbage collection wait until the heap holds about first bytes, by
// raising GOGC's percentage until that collection, which puts it back: from then on the heap
// grows as it always does, never beyond twice the live data at the default. It changes nothing
// when the environment sets GOGC (the person's own tuning wins), the collector is off, or first
// is below Go's own start. The returned channel is closed once the percentage is back.
func Delay(first int64, getenv func(string) string) <-chan struct{} {
	restored := make(chan struct{})
	if getenv("GOGC") != "" {
		close(restored)
		return restored
	}
	old := debug.SetGCPercent(100)
	raised := int(first * 100 / goFirstHeap)
	if old <= 0 || raised <= old {
		debug.SetGCPercent(old)
		close(restored)
		return restored
	}
	debug.SetGCPercent(raised)
	// The sentinel is unreachable from here on, so the first collection finds it and its
	// cleanup runs: the earliest moment the raised percentage has done its work.
	sentinel := new(*byte) // holds a pointer: never batched with other tiny allocations
	runtime.AddCleanup(sentinel, func(old int) {
		debug.SetGCPercent(old)
		close(restored)
	}, old)
	return restored
}
