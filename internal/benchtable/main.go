//go:build unix

// Command benchtable is `make bench`: it measures awcal's performance targets (issue 18,
// docs/PERFORMANCE.md) and prints each figure beside its floor and the ratio between them,
// with FCR's published figures for the same workloads:
//
//   - `awcal preview --export` as a whole process on 28 and 90 generated heavy days, against
//     CPython's json.load of the same file (/usr/bin/python3), and its peak RSS against the
//     file's size + 40 MB;
//   - the privacy filter's share of a derivation (go test benchmarks);
//   - 1,000 profiles against 10 on the same week (go test benchmarks);
//   - `awcal preview` against the fake aw-server (aw-server-rust's and the Python flavour) on
//     14 heavy days, against the HTTP floor: the same requests fetched with curl (wall-clock
//     and CPU time; the server runs in this process, so neither side's CPU includes it); the
//     least time the whole process could take on this machine's cores (its start-up, then the
//     rest of its CPU time and the server's spread over every core); and the same derivation
//     inside this process, as the running app (tray, daemon) makes it, without a process's
//     start-up. Beside them, each process's start-up: `awcal version` and `curl --version`.
//
// Every figure is the best of three runs. Wall-clock times are printed with the CPU time
// (user + system) beside them: on a shared machine the first measures the load too.
//
// Run it from the repository root: go run ./internal/benchtable. With -only and a
// comma-separated list of export, server and gobench, it measures only those groups of rows
// (e.g. -only server for the server rows, a few seconds). With -aw-server URL the server rows
// also measure a running aw-server (a real one, say) that holds the same 14 days, imported
// with `curl -X POST -H 'Content-Type: application/json' --data-binary @FILE URL/api/0/import`
// from `awcal fakedata --days 14 --seed 1 --intensity heavy -o FILE`.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// groups are the names -only takes.
var groups = []string{"export", "server", "gobench"}

func main() {
	only := flag.String("only", "", "measure only these groups of rows, comma-separated: "+strings.Join(groups, ", "))
	awServer := flag.String("aw-server", "", "also measure the server rows against the aw-server at this URL (holding the 14 days of awcal fakedata --days 14 --seed 1 --intensity heavy)")
	flag.Parse()
	if err := run(*only, *awServer); err != nil {
		fmt.Fprintf(os.Stderr, "benchtable: %v\n", err)
		os.Exit(1)
	}
}

func run(only, awServer string) error {
	want := func(string) bool { return true }
	if only != "" {
		picked := strings.Split(only, ",")
		for _, g := range picked {
			if !slices.Contains(groups, g) {
				return fmt.Errorf("-only %s: %q is not a group of rows; pick among %s", only, g, strings.Join(groups, ", "))
			}
		}
		want = func(g string) bool { return slices.Contains(picked, g) }
	}
	dir, err := os.MkdirTemp("", "awcal-bench-")
	if err != nil {
		return fmt.Errorf("making a work folder: %w", err)
	}
	defer os.RemoveAll(dir)
	awcal := filepath.Join(dir, "awcal")
	fmt.Fprintln(os.Stderr, "building awcal…")
	if err := command("go", "build", "-o", awcal, "./app"); err != nil {
		return err
	}
	var rows []row
	for _, w := range exportWorkloads {
		if !want("export") {
			break
		}
		fmt.Fprintf(os.Stderr, "preview --export, %d heavy days…\n", w.days)
		r, err := measurePreview(awcal, dir, w)
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	if want("server") {
		fmt.Fprintf(os.Stderr, "preview from the fake aw-server (both flavours), %d heavy days…\n", serverDays)
		if awServer != "" {
			fmt.Fprintf(os.Stderr, "… and from the aw-server at %s\n", awServer)
		}
		srv, err := measureServer(awcal, dir, awServer)
		if err != nil {
			return err
		}
		rows = append(rows, srv...)
	}
	if want("gobench") {
		fmt.Fprintln(os.Stderr, "go test benchmarks (privacy, engine)…")
		r, err := measureBenchmarks()
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	printTable(os.Stdout, rows)
	return nil
}
