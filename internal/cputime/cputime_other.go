//go:build !unix

package cputime

import "time"

// processCPU is not measured on this platform: only ns/op is reported.
func processCPU() (time.Duration, bool) { return 0, false }
