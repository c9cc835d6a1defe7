//go:build unix

package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseBenchKeepsTheBestOfEachUnit(t *testing.T) {
	out := []byte(`goos: linux
BenchmarkManyProfiles/profiles=10         	       5	  84072707 ns/op	  20263800 cpu-ns/op	 3031193 B/op	    9736 allocs/op
BenchmarkManyProfiles/profiles=10         	       5	  74072707 ns/op	  22263800 cpu-ns/op	 3031193 B/op	    9736 allocs/op
BenchmarkDerive/days=30         	       5	 221786609 ns/op	  48717000 cpu-ns/op	     55101 events
PASS
`)
	res := parseBench(out)
	assert.Equal(t, 74072707.0, res["BenchmarkManyProfiles/profiles=10"]["ns/op"])
	assert.Equal(t, 20263800.0, res["BenchmarkManyProfiles/profiles=10"]["cpu-ns/op"])
	assert.Equal(t, 55101.0, res["BenchmarkDerive/days=30"]["events"])
	_, err := need(res, "BenchmarkDerive/days=7", "ns/op")
	assert.Error(t, err)
}

func TestLeastWallIsTheStartUpThenTheRestOnEveryCore(t *testing.T) {
	start := usage{wall: 10 * time.Millisecond, cpu: 9 * time.Millisecond}
	run := usage{wall: 50 * time.Millisecond, cpu: 45 * time.Millisecond, hostCPU: 8 * time.Millisecond}
	// 36 ms of the process's own CPU after start-up and 8 of the server's, over two cores.
	assert.Equal(t, 32*time.Millisecond, leastWall(start, run, 2))
	assert.Equal(t, 54*time.Millisecond, leastWall(start, run, 1))
	// A start-up that took more CPU than the run (noise between the best-of runs) adds nothing.
	assert.Equal(t, 14*time.Millisecond, leastWall(usage{wall: 10 * time.Millisecond, cpu: 50 * time.Millisecond}, run, 2))
	assert.Equal(t, 54*time.Millisecond, leastWall(start, run, 0))
}

func TestPrintTableAlignsTheColumns(t *testing.T) {
	var buf bytes.Buffer
	printTable(&buf, []row{{what: "a", value: "1 ms", floor: "2 ms", floorName: "json.load", ratio: "0.50×", target: "≤ 2×", fcr: "7.5 s"}})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	assert.Len(t, lines, 2)
	assert.Equal(t, strings.Index(lines[0], "AWCAL"), strings.Index(lines[1], "1 ms"))
	assert.Contains(t, lines[1], "2 ms (json.load)")
}
