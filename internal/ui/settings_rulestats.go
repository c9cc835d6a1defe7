package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/report"
)

// dayStats is the rule testing text of a profile on the previewed day: its minutes in blocks,
// then each rule with the events it matched and their minutes.
func (s *Settings) dayStats(p profile.Profile) string {
	bs, totals := s.preview.shownBuckets, s.preview.shownTotals
	if bs == nil {
		return ""
	}
	var in time.Duration
	for _, t := range totals.Profiles {
		if t.Name == p.Name {
			in = t.Duration
		}
	}
	day := s.preview.Day()
	lines := []string{fmt.Sprintf("%s: %s in blocks.", day.Format("Mon 2 Jan"), report.Duration(in))}
	stats := ruleStats(p, bs, day, day.AddDate(0, 0, 1))
	if len(stats) == 0 {
		lines = append(lines, "No rule matches any event that day.")
	}
	for _, st := range stats {
		lines = append(lines, fmt.Sprintf("%s: %s, %s", st.Name, count(st.Events, "event", ""), minutes(st.Time)))
	}
	return strings.Join(lines, "\n")
}
