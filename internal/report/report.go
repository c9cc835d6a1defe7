// Package report turns derived blocks into a timesheet: the time in blocks per profile or per
// category for each day or week of a range, with each day's first and last activity and its
// active (non-AFK) time. It reads the blocks a sync derives (engine.Block) and the activity they
// came from; it does no I/O and builds with CGO_ENABLED=0. The formats (table, RFC 4180 CSV,
// JSON) and the tray's one-line summary live beside it.
package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// Period is the length of a report row.
type Period string

// Periods.
const (
	ByDay  Period = "day"
	ByWeek Period = "week" // Monday to Sunday
)

// Group is what a row's totals are per.
type Group string

// Groups.
const (
	ByProfile  Group = "profile"
	ByCategory Group = "category"
)

// Uncategorized names the category of a profile that has none.
const Uncategorized = "Uncategorized"

// ParsePeriod reads a --by value.
func ParsePeriod(s string) (Period, error) {
	switch p := Period(s); p {
	case ByDay, ByWeek:
		return p, nil
	}
	return "", fmt.Errorf("unknown period %q: use day or week", s)
}

// ParseGroup reads a --group value.
func ParseGroup(s string) (Group, error) {
	switch g := Group(s); g {
	case ByProfile, ByCategory:
		return g, nil
	}
	return "", fmt.Errorf("unknown grouping %q: use profile or category", s)
}

// Options say what to report.
type Options struct {
	// From and To bound the report [From, To); only the parts of blocks and activity inside
	// count.
	From, To time.Time
	// Location draws the day and week lines (time.Local when nil).
	Location *time.Location
	Period   Period
	Group    Group
	// Profiles name the profile ids of the blocks and give their categories. A block of a
	// profile missing here counts under its id.
	Profiles []profile.Profile
}

// Total is the time of one profile or category.
type Total struct {
	Name     string
	Duration time.Duration
}

// Row is one day or week.
type Row struct {
	// Start and End bound the row: the day or week, cut to the report's range.
	Start, End time.Time
	// Totals holds the time in blocks per profile or category, longest first, without zeros.
	Totals []Total
	// Total is the time in blocks.
	Total time.Duration
	// Active is the active (non-AFK) time; First and Last are the first and last moments of
	// activity of a day's row, zero when there was none and in week rows.
	Active      time.Duration
	First, Last time.Time
}

// Report is a timesheet.
type Report struct {
	From, To time.Time
	Period   Period
	Group    Group
	// Names lists every profile or category that has time in the range, longest first: the
	// columns of the CSV.
	Names []string
	Rows  []Row
	// Totals and Total sum the rows; Active sums the active time.
	Totals []Total
	Total  time.Duration
	Active time.Duration
}

// Span is an interval of activity.
type Span struct{ Start, End time.Time }

// Build makes the report of blocks over opts' range. active is the active time (ActiveSpans);
// spans may overlap. A block or span crossing a row's edge counts in each row for its part.
func Build(blocks []engine.Block, active []Span, opts Options) Report {
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	names := map[string]string{}
	for _, p := range opts.Profiles {
		names[p.ID] = p.Name
		if opts.Group == ByCategory {
			names[p.ID] = cmp.Or(p.Category, Uncategorized)
		}
	}
	key := func(id string) string { return cmp.Or(names[id], id) }
	active = union(active)

	r := Report{From: opts.From, To: opts.To, Period: opts.Period, Group: opts.Group}
	all := map[string]time.Duration{}
	for start := periodStart(opts.From.In(loc), opts.Period); start.Before(opts.To); {
		end := nextPeriod(start, opts.Period)
		row := Row{Start: maxTime(start, opts.From), End: minTime(end, opts.To)}
		sums := map[string]time.Duration{}
		for _, b := range blocks {
			if d := overlap(b.Start, b.End, row.Start, row.End); d > 0 {
				sums[key(b.ProfileID)] += d
			}
		}
		row.Totals = totals(sums)
		for _, t := range row.Totals {
			row.Total += t.Duration
			all[t.Name] += t.Duration
		}
		for _, s := range active {
			if d := overlap(s.Start, s.End, row.Start, row.End); d > 0 {
				row.Active += d
				if opts.Period != ByDay {
					continue // first and last activity are a day's
				}
				if row.First.IsZero() {
					row.First = maxTime(s.Start, row.Start)
				}
				row.Last = minTime(s.End, row.End)
			}
		}
		r.Rows = append(r.Rows, row)
		r.Total += row.Total
		r.Active += row.Active
		start = end
	}
	r.Totals = totals(all)
	for _, t := range r.Totals {
		r.Names = append(r.Names, t.Name)
	}
	return r
}

// Of returns the time of the named profile or category in the row.
func (r Row) Of(name string) time.Duration {
	for _, t := range r.Totals {
		if t.Name == name {
			return t.Duration
		}
	}
	return 0
}

// totals sorts sums longest first, then by name.
func totals(sums map[string]time.Duration) []Total {
	out := make([]Total, 0, len(sums))
	for n, d := range sums {
		out = append(out, Total{Name: n, Duration: d})
	}
	slices.SortFunc(out, func(a, b Total) int {
		return cmp.Or(cmp.Compare(b.Duration, a.Duration), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// periodStart is local midnight of t's day, or of the Monday of its week.
func periodStart(t time.Time, p Period) time.Time {
	y, m, d := t.Date()
	if p == ByWeek {
		d -= (int(t.Weekday()) + 6) % 7
	}
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// nextPeriod is the start of the next day or week (23 or 25 hours later across a clock change).
func nextPeriod(start time.Time, p Period) time.Time {
	days := 1
	if p == ByWeek {
		days = 7
	}
	y, m, d := start.Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, start.Location())
}

// union merges overlapping and touching spans, in order.
func union(spans []Span) []Span {
	s := slices.Clone(spans)
	slices.SortFunc(s, func(a, b Span) int { return a.Start.Compare(b.Start) })
	var out []Span
	for _, x := range s {
		if !x.End.After(x.Start) {
			continue
		}
		if n := len(out); n > 0 && !x.Start.After(out[n-1].End) {
			out[n-1].End = maxTime(out[n-1].End, x.End)
			continue
		}
		out = append(out, x)
	}
	return out
}

func overlap(s1, e1, s2, e2 time.Time) time.Duration {
	return max(minTime(e1, e2).Sub(maxTime(s1, s2)), 0)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
