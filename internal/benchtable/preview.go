//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// exportWorkload is a generated export and FCR's published time for the same activity
// (issue 18: measured side by side with the same six profiles).
type exportWorkload struct {
	days int
	fcr  string
}

var exportWorkloads = []exportWorkload{{28, "7.5 s"}, {90, "100 s"}}

// runs is how many times each process runs; the best is kept.
const runs = 3

// runsOverride, when positive, replaces runs for the next measure.
var runsOverride int

// usage is one process's cost.
type usage struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes
	// hostCPU is this program's own CPU time while the command ran, the least of the runs:
	// the share of a server that runs in this program.
	hostCPU time.Duration
}

// measure runs a command runs times and returns the best wall time, the best CPU time and
// the largest peak RSS.
func measure(name string, args ...string) (usage, error) {
	var best usage
	n := runs
	if runsOverride > 0 {
		n = runsOverride
	}
	for i := range n {
		cmd := exec.Command(name, args...)
		cmd.Stderr = os.Stderr
		cmd.Env = append(os.Environ(), "HOME="+os.TempDir()) // no real config or state is touched
		hostBefore, err := selfCPU()
		if err != nil {
			return usage{}, err
		}
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return usage{}, fmt.Errorf("running %s: %w", name, err)
		}
		wall := time.Since(start)
		hostAfter, err := selfCPU()
		if err != nil {
			return usage{}, err
		}
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			return usage{}, fmt.Errorf("%s: no resource usage on this system", name)
		}
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		rss := ru.Maxrss * 1024 // kilobytes on Linux
		if i == 0 || wall < best.wall {
			best.wall = wall
		}
		if i == 0 || cpu < best.cpu {
			best.cpu = cpu
		}
		if host := hostAfter - hostBefore; i == 0 || host < best.hostCPU {
			best.hostCPU = host
		}
		best.maxRSS = max(best.maxRSS, rss)
	}
	return best, nil
}

// selfCPU is this program's CPU time (user + system) so far.
func selfCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("reading this program's CPU time: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

func measurePreview(awcal, dir string, w exportWorkload) ([]row, error) {
	file := filepath.Join(dir, fmt.Sprintf("heavy%d.json", w.days))
	if err := command(awcal, "fakedata", "--days", fmt.Sprint(w.days), "--seed", "1", "--intensity", "heavy", "-o", file); err != nil {
		return nil, err
	}
	fi, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	py, err := measure("/usr/bin/python3", "-c", "import json, sys; json.load(open(sys.argv[1]))", file)
	if err != nil {
		return nil, fmt.Errorf("%w (the floor is CPython's json.load: install python3)", err)
	}
	aw, err := measure(awcal, "preview", "--export", file, "--json")
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("preview --export, %d heavy days (%s)", w.days, mb(fi.Size()))
	const margin = 40 << 20
	return []row{
		{what: what + ", wall", value: dur(aw.wall), floor: dur(py.wall), floorName: "json.load", ratio: ratio(aw.wall, py.wall), target: "≤ 2×", fcr: w.fcr},
		{what: what + ", CPU", value: dur(aw.cpu), floor: dur(py.cpu), floorName: "json.load", ratio: ratio(aw.cpu, py.cpu), target: "(≤ 2×)"},
		{what: what + ", peak RSS", value: mb(aw.maxRSS), floor: mb(fi.Size() + margin), floorName: "file + 40 MiB",
			ratio: fmt.Sprintf("%.2f", float64(aw.maxRSS)/float64(fi.Size()+margin)), target: "≤ 1"},
	}, nil
}

func command(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %v: %w", name, args, err)
	}
	return nil
}

func dur(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func mb(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}
