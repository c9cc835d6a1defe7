package report

import "strings"

// TodayLine is the tray's summary of a day's row: "Today: 5h 40m — Coding 3h 10m · Meetings
// 1h 05m", the top three profiles or categories. A day without blocks reads "Today: nothing
// in blocks yet".
func TodayLine(row Row) string {
	if row.Total <= 0 {
		return "Today: nothing in blocks yet"
	}
	parts := make([]string, 0, 3)
	for i, t := range row.Totals {
		if i == 3 {
			break
		}
		parts = append(parts, t.Name+" "+Duration(t.Duration))
	}
	return "Today: " + Duration(row.Total) + " — " + strings.Join(parts, " · ")
}
