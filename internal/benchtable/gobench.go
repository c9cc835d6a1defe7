//go:build unix

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// result is the best (lowest) of a benchmark's runs, per unit ("ns/op", "cpu-ns/op", …).
type result map[string]float64

// parseBench reads `go test -bench` output and keeps, per benchmark name, the lowest value of
// each unit over its runs.
func parseBench(out []byte) map[string]result {
	res := map[string]result{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		r := res[f[0]]
		if r == nil {
			r = result{}
			res[f[0]] = r
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			if old, ok := r[f[i+1]]; !ok || v < old {
				r[f[i+1]] = v
			}
		}
	}
	return res
}

// goBench runs benchmarks of one package three times, one P (GC included in the CPU time).
func goBench(pkg, pattern, benchtime string) (map[string]result, error) {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", pattern, "-benchtime", benchtime, "-count", fmt.Sprint(runs), "-cpu", "1", pkg)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go test -bench %s %s: %w\n%s", pattern, pkg, err, out)
	}
	return parseBench(out), nil
}

func need(res map[string]result, name, unit string) (time.Duration, error) {
	v, ok := res[name][unit]
	if !ok {
		return 0, fmt.Errorf("benchmark %s reported no %s", name, unit)
	}
	return time.Duration(v), nil
}

func measureBenchmarks() ([]row, error) {
	priv, err := goBench("./internal/privacy/", "^Benchmark(ApplyOwned|Check)HeavyMonth$", "10x")
	if err != nil {
		return nil, err
	}
	eng, err := goBench("./internal/engine/", "^Benchmark(DeriveRead|ReadExport|ManyProfiles)$/^(days=30|profiles=.*)$", "5x")
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, unit := range []string{"cpu-ns/op", "ns/op"} {
		// The filter as syncs and previews run it, in the arrays the source handed over.
		p, err := need(priv, "BenchmarkApplyOwnedHeavyMonth", unit)
		if err != nil {
			return nil, err
		}
		c, err := need(priv, "BenchmarkCheckHeavyMonth", unit)
		if err != nil {
			return nil, err
		}
		// The engine on the events the filter reads: the export read back (BenchmarkDeriveRead).
		d, err := need(eng, "BenchmarkDeriveRead/days=30", unit)
		if err != nil {
			return nil, err
		}
		r, err := need(eng, "BenchmarkReadExport/days=30", unit)
		if err != nil {
			return nil, err
		}
		kind := map[string]string{"cpu-ns/op": "CPU", "ns/op": "wall"}[unit]
		rows = append(rows,
			row{what: "privacy checks, 30 heavy days, " + kind, value: dur(c), floor: dur(d), floorName: "engine.Derive, same events",
				ratio: pct(c, d), target: "≤ 5%"},
			row{what: "privacy filter, in the arrays handed over, " + kind, value: dur(p), floor: dur(r + p + d), floorName: "derivation (read + filter + engine)",
				ratio: pct(p, r+p+d), target: "≤ 5%"},
			row{what: "privacy filter, in the arrays handed over, " + kind, value: dur(p), floor: dur(d), floorName: "engine.Derive, same events",
				ratio: pct(p, d), target: "(≤ 5%)"})
	}
	for _, unit := range []string{"cpu-ns/op", "ns/op"} {
		many, err := need(eng, "BenchmarkManyProfiles/profiles=1000", unit)
		if err != nil {
			return nil, err
		}
		ten, err := need(eng, "BenchmarkManyProfiles/profiles=10", unit)
		if err != nil {
			return nil, err
		}
		kind := map[string]string{"cpu-ns/op": "CPU", "ns/op": "wall"}[unit]
		rows = append(rows, row{what: "1,000 profiles, a heavy week, " + kind, value: dur(many), floor: dur(ten), floorName: "10 profiles",
			ratio: ratio(many, ten), target: "≤ 1.5×"})
	}
	return rows, nil
}

func pct(a, b time.Duration) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}
