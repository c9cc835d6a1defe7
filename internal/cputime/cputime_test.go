package cputime

import (
	"runtime"
	"testing"
)

func TestProcessCPUAdvancesWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" {
		t.Skip("CPU time is not measured on " + runtime.GOOS)
	}
	before, ok := processCPU()
	if !ok {
		t.Fatal("no CPU time on a unix system")
	}
	x := 0
	for {
		for i := range 1_000_000 {
			x ^= i * i
		}
		after, _ := processCPU()
		if after > before {
			break
		}
	}
	_ = x
}
