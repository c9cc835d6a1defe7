//go:build unix

package main

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// row is one line of the table: awcal's figure, its floor, their ratio and the target.
type row struct {
	what             string
	value            string
	floor, floorName string
	ratio, target    string
	fcr              string // FCR's published figure for the same workload, if any
}

func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHAT\tAWCAL\tFLOOR\tRATIO\tTARGET\tFCR")
	for _, r := range rows {
		fcr := r.fcr
		if fcr == "" {
			fcr = "–"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s (%s)\t%s\t%s\t%s\n", r.what, r.value, r.floor, r.floorName, r.ratio, r.target, fcr)
	}
	tw.Flush()
}
