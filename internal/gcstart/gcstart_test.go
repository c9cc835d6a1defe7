package gcstart

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gcCycles is the number of garbage collections so far.
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

var sink [][]byte

// allocate makes n bytes of garbage in 64 KB pieces.
func allocate(n int) {
	for i := 0; i < n; i += 64 << 10 {
		sink = append(sink[:0], make([]byte, 64<<10))
	}
	sink = nil
}

func noEnv(string) string { return "" }

func TestDelayHoldsTheFirstCollectionThenPutsTheCollectorBack(t *testing.T) {
	old := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(old) })

	// As Go starts: 16 MB of garbage collect at least once.
	runtime.GC()
	before := gcCycles()
	allocate(16 << 20)
	require.Greater(t, gcCycles(), before, "the default collector should have run")

	runtime.GC()
	restored := Delay(32<<20, noEnv)
	assert.Equal(t, 800, debug.SetGCPercent(800), "the percentage that lets the heap reach 32 MB")
	before = gcCycles()
	allocate(16 << 20)
	assert.Equal(t, before, gcCycles(), "no collection before the heap reaches 32 MB")

	runtime.GC()
	select {
	case <-restored:
	case <-time.After(time.Minute):
		t.Fatal("the first collection did not put the percentage back")
	}
	assert.Equal(t, 100, debug.SetGCPercent(100), "after the first collection the collector works as before")
}

func TestDelayLeavesThePersonsTuningAlone(t *testing.T) {
	old := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(old) })

	<-Delay(32<<20, func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	assert.Equal(t, 100, debug.SetGCPercent(100), "GOGC in the environment: nothing changes")

	debug.SetGCPercent(-1)
	<-Delay(32<<20, noEnv)
	assert.Equal(t, -1, debug.SetGCPercent(100), "a collector turned off stays off")

	<-Delay(2<<20, noEnv)
	assert.Equal(t, 100, debug.SetGCPercent(100), "a first heap below Go's own changes nothing")
}
