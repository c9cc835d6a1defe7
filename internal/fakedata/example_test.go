package fakedata_test

import (
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/fakedata"
)

// ExampleGenerate measures one generated week per intensity (seed 1, from 2026-01-05, UTC): the
// events that start on a heavy workday, a normal workday and a normal Saturday, per bucket, with
// how many have zero duration and the hours they cover within the day, and the hours at the
// computer (not-afk). docs/FAKEDATA.md shows this table.
func ExampleGenerate() {
	type column struct {
		in   fakedata.Intensity
		day  int
		name string
	}
	cols := []column{{fakedata.Heavy, 0, "heavy Mon"}, {fakedata.Normal, 0, "normal Mon"}, {fakedata.Normal, 5, "normal Sat"}}
	rows := map[string][]string{}
	var order []string
	for _, c := range cols {
		opts := fakedata.Options{Start: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Days: 7, Seed: 1, Intensity: c.in}
		from, to := fakedata.Day(opts, c.day)
		for _, b := range fakedata.Generate(opts) {
			n, zero := 0, 0
			var covered, active time.Duration
			for _, e := range b.Events {
				start, end := e.Timestamp, e.End()
				if !start.Before(from) && start.Before(to) {
					n++
					if e.Duration == 0 {
						zero++
					}
				}
				if start.Before(from) {
					start = from
				}
				if end.After(to) {
					end = to
				}
				if end.After(start) {
					covered += end.Sub(start)
					if e.Data["status"] == "not-afk" {
						active += end.Sub(start)
					}
				}
			}
			if _, ok := rows[b.Bucket.ID]; !ok {
				order = append(order, b.Bucket.ID)
			}
			rows[b.Bucket.ID] = append(rows[b.Bucket.ID], fmt.Sprintf("%d (%d zero, %.1f h)", n, zero, covered.Hours()))
			if b.Bucket.Type == "afkstatus" {
				const key = "at the computer (not-afk)"
				if _, ok := rows[key]; !ok {
					order = append(order, key)
				}
				rows[key] = append(rows[key], fmt.Sprintf("%.1f h", active.Hours()))
			}
		}
	}
	fmt.Printf("| bucket | %s | %s | %s |\n", cols[0].name, cols[1].name, cols[2].name)
	fmt.Println("|---|---|---|---|")
	for _, id := range order {
		r := rows[id]
		fmt.Printf("| %s | %s | %s | %s |\n", id, r[0], r[1], r[2])
	}
	// Output:
	// | bucket | heavy Mon | normal Mon | normal Sat |
	// |---|---|---|---|
	// | aw-watcher-window_workstation | 2182 (773 zero, 9.4 h) | 696 (236 zero, 7.5 h) | 105 (30 zero, 1.1 h) |
	// | aw-watcher-afk_workstation | 15 (0 zero, 24.0 h) | 19 (0 zero, 24.0 h) | 2 (0 zero, 24.0 h) |
	// | at the computer (not-afk) | 9.3 h | 6.9 h | 1.0 h |
	// | aw-watcher-web-firefox_workstation | 356 (0 zero, 9.5 h) | 73 (0 zero, 7.1 h) | 50 (0 zero, 1.0 h) |
	// | aw-watcher-web-chrome_workstation | 17 (0 zero, 8.8 h) | 9 (0 zero, 6.8 h) | 0 (0 zero, 0.0 h) |
	// | aw-watcher-vscode_workstation | 174 (0 zero, 2.6 h) | 55 (0 zero, 1.9 h) | 0 (0 zero, 0.0 h) |
}
