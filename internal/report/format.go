package report

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Format is an output format of the report.
type Format string

// Formats.
const (
	Table Format = "table"
	CSV   Format = "csv"
	JSON  Format = "json"
)

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Table, CSV, JSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use table, csv or json", s)
}

// Write writes the report in format f, with times of day in loc (time.Local when nil).
func Write(w io.Writer, r Report, f Format, loc *time.Location) error {
	if loc == nil {
		loc = time.Local
	}
	switch f {
	case CSV:
		return writeCSV(w, r, loc)
	case JSON:
		return writeJSON(w, r, loc)
	default:
		return writeTable(w, r, loc)
	}
}

// Duration writes d as people read it: "5h 40m", "1h 05m", "45m", "0m".
func Duration(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh %02dm", m/60, m%60)
}

// Hours writes d in hours with two decimals, as a timesheet sums them ("3.17").
func Hours(d time.Duration) string {
	return strconv.FormatFloat(d.Hours(), 'f', 2, 64)
}

// label names a row: its date, or "week of" its Monday.
func label(r Report, row Row, loc *time.Location) string {
	d := row.Start.In(loc).Format(time.DateOnly)
	if r.Period == ByWeek {
		y, w := row.Start.In(loc).ISOWeek()
		return fmt.Sprintf("%d-W%02d (%s)", y, w, d)
	}
	return d
}

func clock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("15:04")
}

// lastClock is clock for the end of activity: activity running into the next day ends the
// row at "24:00", not "00:00".
func lastClock(row Row, loc *time.Location) string {
	if !row.Last.IsZero() && row.Last.Equal(row.End) && row.End.In(loc).Format("15:04") == "00:00" {
		return "24:00"
	}
	return clock(row.Last, loc)
}

// firstColumn names the period column.
func firstColumn(r Report) string {
	if r.Period == ByWeek {
		return "Week"
	}
	return "Date"
}

// writeCSV writes RFC 4180 CSV in UTF-8 (CRLF line ends, fields quoted where needed): one row
// per day or week, a column of hours per profile or category, then a total row. Hours are
// decimal with a point, which LibreOffice reads as numbers in every locale's import dialog.
func writeCSV(w io.Writer, r Report, loc *time.Location) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := []string{firstColumn(r), "First activity", "Last activity", "Active hours"}
	head = append(head, r.Names...)
	head = append(head, "Total hours")
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	for _, row := range r.Rows {
		rec := []string{label(r, row, loc), clock(row.First, loc), lastClock(row, loc), Hours(row.Active)}
		for _, n := range r.Names {
			rec = append(rec, Hours(row.Of(n)))
		}
		rec = append(rec, Hours(row.Total))
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	rec := []string{"Total", "", "", Hours(r.Active)}
	for _, t := range r.Totals {
		rec = append(rec, Hours(t.Duration))
	}
	rec = append(rec, Hours(r.Total))
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

func writeTable(w io.Writer, r Report, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{firstColumn(r), "First", "Last", "Active"}
	head = append(head, r.Names...)
	head = append(head, "Total")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, row := range r.Rows {
		rec := []string{label(r, row, loc), cmp.Or(clock(row.First, loc), "–"), cmp.Or(lastClock(row, loc), "–"), Duration(row.Active)}
		for _, n := range r.Names {
			rec = append(rec, Duration(row.Of(n)))
		}
		rec = append(rec, Duration(row.Total))
		fmt.Fprintln(tw, strings.Join(rec, "\t"))
	}
	rec := []string{"Total", "", "", Duration(r.Active)}
	for _, t := range r.Totals {
		rec = append(rec, Duration(t.Duration))
	}
	rec = append(rec, Duration(r.Total))
	fmt.Fprintln(tw, strings.Join(rec, "\t"))
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// reportJSON is the stable --format json output.
type reportJSON struct {
	From    time.Time   `json:"from"`
	To      time.Time   `json:"to"`
	By      Period      `json:"by"`
	Group   Group       `json:"group"`
	Periods []rowJSON   `json:"periods"`
	Totals  []totalJSON `json:"totals"`
	Seconds float64     `json:"seconds"`
	Active  float64     `json:"activeSeconds"`
}

type rowJSON struct {
	Label   string      `json:"label"`
	Start   time.Time   `json:"start"`
	End     time.Time   `json:"end"`
	First   *time.Time  `json:"firstActivity"`
	Last    *time.Time  `json:"lastActivity"`
	Active  float64     `json:"activeSeconds"`
	Seconds float64     `json:"seconds"`
	Totals  []totalJSON `json:"totals"`
}

type totalJSON struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

func writeJSON(w io.Writer, r Report, loc *time.Location) error {
	out := reportJSON{From: r.From.In(loc), To: r.To.In(loc), By: r.Period, Group: r.Group,
		Periods: []rowJSON{}, Totals: totalsJSON(r.Totals), Seconds: r.Total.Seconds(), Active: r.Active.Seconds()}
	for _, row := range r.Rows {
		jr := rowJSON{Label: label(r, row, loc), Start: row.Start.In(loc), End: row.End.In(loc),
			Active: row.Active.Seconds(), Seconds: row.Total.Seconds(), Totals: totalsJSON(row.Totals)}
		if !row.First.IsZero() {
			first, last := row.First.In(loc), row.Last.In(loc)
			jr.First, jr.Last = &first, &last
		}
		out.Periods = append(out.Periods, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

func totalsJSON(ts []Total) []totalJSON {
	out := make([]totalJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, totalJSON{Name: t.Name, Seconds: t.Duration.Seconds()})
	}
	return out
}
