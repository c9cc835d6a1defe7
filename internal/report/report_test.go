package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func at(day, hh, mm int) time.Time { return time.Date(2026, 3, day, hh, mm, 0, 0, berlin) }

var testProfiles = []profile.Profile{
	{ID: "p-code", Name: "Coding", Category: "Work"},
	{ID: "p-meet", Name: "Meetings, \"sync\"", Category: "Work"},
	{ID: "p-read", Name: "Lesen · Recherche", Category: ""},
}

// sampleBlocks spans Monday 2 March to Wednesday 4 March 2026, one block across midnight.
func sampleBlocks() []engine.Block {
	return []engine.Block{
		{ProfileID: "p-code", Start: at(2, 9, 0), End: at(2, 12, 10)},
		{ProfileID: "p-meet", Start: at(2, 13, 0), End: at(2, 14, 5)},
		{ProfileID: "p-read", Start: at(2, 23, 30), End: at(3, 0, 45)}, // crosses midnight
		{ProfileID: "p-code", Start: at(3, 10, 0), End: at(3, 11, 0)},
		{ProfileID: "p-gone", Start: at(4, 8, 0), End: at(4, 8, 30)}, // a deleted profile
	}
}

func sampleActive() []Span {
	return []Span{
		{at(2, 8, 55), at(2, 12, 15)},
		{at(2, 12, 0), at(2, 12, 30)}, // overlaps the first
		{at(2, 13, 0), at(2, 14, 10)},
		{at(2, 23, 20), at(3, 0, 50)},
		{at(3, 9, 58), at(3, 11, 2)},
	}
}

func sampleReport(p Period, g Group) Report {
	return Build(sampleBlocks(), sampleActive(), Options{
		From: at(2, 0, 0), To: at(5, 0, 0), Location: berlin, Period: p, Group: g, Profiles: testProfiles,
	})
}

func TestBuildByDay(t *testing.T) {
	r := sampleReport(ByDay, ByProfile)
	require.Len(t, r.Rows, 3)
	mon, tue, wed := r.Rows[0], r.Rows[1], r.Rows[2]
	assert.Equal(t, []Total{{"Coding", 190 * time.Minute}, {"Meetings, \"sync\"", 65 * time.Minute}, {"Lesen · Recherche", 30 * time.Minute}}, mon.Totals)
	assert.Equal(t, 285*time.Minute, mon.Total)
	assert.Equal(t, []Total{{"Coding", time.Hour}, {"Lesen · Recherche", 45 * time.Minute}}, tue.Totals,
		"the block across midnight counts in each day for its part")
	assert.Equal(t, []Total{{"p-gone", 30 * time.Minute}}, wed.Totals, "a profile no longer configured counts under its id")

	assert.Equal(t, at(2, 8, 55), mon.First)
	assert.Equal(t, at(3, 0, 0), mon.Last, "activity running past midnight ends the day at midnight")
	assert.Equal(t, 215*time.Minute+70*time.Minute+40*time.Minute, mon.Active, "overlapping spans count once")
	assert.Equal(t, at(3, 0, 0), tue.First)
	assert.Equal(t, at(3, 11, 2), tue.Last)
	assert.True(t, wed.First.IsZero(), "no activity: no first activity")

	assert.Equal(t, []string{"Coding", "Lesen · Recherche", "Meetings, \"sync\"", "p-gone"}, r.Names)
	assert.Equal(t, 250*time.Minute+65*time.Minute+75*time.Minute+30*time.Minute, r.Total)
}

func TestBuildByWeekAndCategory(t *testing.T) {
	r := Build(sampleBlocks(), sampleActive(), Options{
		From: at(1, 12, 0), To: at(9, 0, 0), Location: berlin, Period: ByWeek, Group: ByCategory, Profiles: testProfiles,
	})
	require.Len(t, r.Rows, 2, "Sunday 1 March is in the week of 23 February, 2–8 March is the next")
	assert.Equal(t, at(1, 12, 0), r.Rows[0].Start, "a row is cut to the range")
	assert.Zero(t, r.Rows[0].Total)
	assert.Equal(t, at(2, 0, 0), r.Rows[1].Start)
	assert.Equal(t, at(9, 0, 0), r.Rows[1].End)
	assert.Equal(t, []Total{{"Work", 315 * time.Minute}, {Uncategorized, 75 * time.Minute}, {"p-gone", 30 * time.Minute}}, r.Rows[1].Totals)
	assert.True(t, r.Rows[1].First.IsZero() && r.Rows[1].Last.IsZero(), "first and last activity are a day's, not a week's")
	assert.Positive(t, r.Rows[1].Active)
}

func TestBuildAcrossClockChange(t *testing.T) {
	// Sunday 29 March 2026 has 23 hours in Berlin.
	blocks := []engine.Block{{ProfileID: "p-code", Start: at(28, 22, 0), End: at(29, 4, 0)}}
	r := Build(blocks, nil, Options{From: at(28, 0, 0), To: at(30, 0, 0), Location: berlin, Period: ByDay, Group: ByProfile, Profiles: testProfiles})
	require.Len(t, r.Rows, 2)
	assert.Equal(t, 23*time.Hour, r.Rows[1].End.Sub(r.Rows[1].Start))
	assert.Equal(t, 2*time.Hour, r.Rows[0].Total)
	assert.Equal(t, 3*time.Hour, r.Rows[1].Total, "00:00–04:00 on the day the clocks go forward is 3 hours")
}

func TestCSVGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		p    Period
		g    Group
	}{
		{"day-profile.csv", ByDay, ByProfile},
		{"week-category.csv", ByWeek, ByCategory},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, sampleReport(tc.p, tc.g), CSV, berlin))
			golden := filepath.Join("testdata", tc.file)
			if *update {
				require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), buf.String())
		})
	}
}

func TestFormats(t *testing.T) {
	r := sampleReport(ByDay, ByProfile)
	var table, js bytes.Buffer
	require.NoError(t, Write(&table, r, Table, berlin))
	assert.Contains(t, table.String(), "2026-03-02  08:55  24:00  5h 25m")
	assert.Contains(t, table.String(), "2026-03-04  –      –      0m")
	require.NoError(t, Write(&js, r, JSON, berlin))
	assert.Contains(t, js.String(), `"firstActivity": "2026-03-02T08:55:00+01:00"`)
	assert.Contains(t, js.String(), `"firstActivity": null`)
	assert.Contains(t, js.String(), `"name": "Coding",`+"\n"+`          "seconds": 11400`)
}

func TestParse(t *testing.T) {
	_, err := ParsePeriod("month")
	assert.EqualError(t, err, `unknown period "month": use day or week`)
	_, err = ParseGroup("app")
	assert.EqualError(t, err, `unknown grouping "app": use profile or category`)
	_, err = ParseFormat("xlsx")
	assert.EqualError(t, err, `unknown format "xlsx": use table, csv or json`)
	f, err := ParseFormat("csv")
	assert.NoError(t, err)
	assert.Equal(t, CSV, f)
}

func TestDurationAndTodayLine(t *testing.T) {
	assert.Equal(t, "0m", Duration(20*time.Second))
	assert.Equal(t, "45m", Duration(45*time.Minute))
	assert.Equal(t, "1h 05m", Duration(65*time.Minute))
	assert.Equal(t, "5h 40m", Duration(340*time.Minute))
	assert.Equal(t, "Today: nothing in blocks yet", TodayLine(Row{}))
	row := Row{Total: 340 * time.Minute, Totals: []Total{{"Coding", 190 * time.Minute}, {"Meetings", 65 * time.Minute},
		{"Research", 60 * time.Minute}, {"Email", 25 * time.Minute}}}
	assert.Equal(t, "Today: 5h 40m — Coding 3h 10m · Meetings 1h 05m · Research 1h 00m", TodayLine(row), "the top three")
}
