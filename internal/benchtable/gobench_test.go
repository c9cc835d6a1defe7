//go:build unix

package main

import (
	"bytes"
	"strings"
	"testing"

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

func TestPrintTableAlignsTheColumns(t *testing.T) {
	var buf bytes.Buffer
	printTable(&buf, []row{{what: "a", value: "1 ms", floor: "2 ms", floorName: "json.load", ratio: "0.50×", target: "≤ 2×", fcr: "7.5 s"}})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	assert.Len(t, lines, 2)
	assert.Equal(t, strings.Index(lines[0], "AWCAL"), strings.Index(lines[1], "1 ms"))
	assert.Contains(t, lines[1], "2 ms (json.load)")
}
