package cli

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
)

type reportOut struct {
	Periods []struct {
		Label   string  `json:"label"`
		Active  float64 `json:"activeSeconds"`
		Seconds float64 `json:"seconds"`
		Totals  []struct {
			Name    string  `json:"name"`
			Seconds float64 `json:"seconds"`
		} `json:"totals"`
	} `json:"periods"`
	Seconds float64 `json:"seconds"`
}

func TestReportCommand(t *testing.T) {
	aw, cfgPath, cfg := syncSetup(t)
	aw.AddEvents("aw-watcher-afk_laptop",
		activity.Event{Timestamp: at(8, 55), Duration: at(10, 35).Sub(at(8, 55)).Seconds(), Data: map[string]any{"status": "not-afk"}},
		activity.Event{Timestamp: at(13, 0), Duration: at(14, 5).Sub(at(13, 0)).Seconds(), Data: map[string]any{"status": "not-afk"}})
	args := []string{"report", "--config", cfgPath, "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-03T00:00:00Z"}

	code, stdout, stderr := runCmd(t, nil, append(args, "--format", "json")...)
	require.Equal(t, ExitOK, code, stderr)
	var out reportOut
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	var blocks, active float64
	named := map[string]float64{}
	for _, p := range out.Periods {
		blocks += p.Seconds
		active += p.Active
		for _, tot := range p.Totals {
			named[tot.Name] += tot.Seconds
		}
	}
	assert.Equal(t, 3*3600.0-1800, blocks, "the blocks a preview derives: 9–10 and 13–14 coding, 10–10:30 the standup")
	assert.Equal(t, blocks, out.Seconds)
	assert.Equal(t, map[string]float64{"Coding": 2 * 3600, "Meetings": 1800}, named)
	assert.Equal(t, (100+65)*60.0, active, "active time is the not-afk time")

	code, stdout, stderr = runCmd(t, nil, append(args, "--format", "csv", "--group", "category")...)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "\r\n", "RFC 4180 line ends")
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"Date", "First activity", "Last activity", "Active hours", "Work", "Meetings", "Total hours"}, recs[0])
	assert.Equal(t, []string{"Total", "", "", "2.75", "2.00", "0.50", "2.50"}, recs[len(recs)-1])

	code, stdout, stderr = runCmd(t, nil, append(args, "--by", "week")...)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "2026-W10")
	assert.Contains(t, stdout, "2h 30m")

	_, err = config.Load(cfgPath)
	require.NoError(t, err)
	assert.NoFileExists(t, cfg.Calendar.Path, "a report writes no calendar")
}

func TestReportCommandBadInput(t *testing.T) {
	_, cfgPath, _ := syncSetup(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--by", "month"}, `awcal report: --by: unknown period "month": use day or week`},
		{[]string{"--group", "app"}, `awcal report: --group: unknown grouping "app": use profile or category`},
		{[]string{"--format", "xlsx"}, `awcal report: --format: unknown format "xlsx": use table, csv or json`},
		{[]string{"--from", "2026-03-03", "--to", "2026-03-02"}, "--to must be after --from"},
		{[]string{"--from", "yesterday"}, `--from "yesterday" is not a time`},
	} {
		code, _, stderr := runCmd(t, nil, append([]string{"report", "--config", cfgPath}, tc.args...)...)
		assert.Equal(t, ExitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.want)
	}
}

func TestReportFromExport(t *testing.T) {
	opts := fakedata.Options{Days: 2, Seed: 3, Location: time.Local}
	path := writeExport(t, fakedata.Generate(opts))
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, 1)
	code, stdout, stderr := runCmd(t, nil, "report", "--export", path, "--format", "json",
		"--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339))
	require.Equal(t, ExitOK, code, stderr)
	var out reportOut
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	require.Len(t, out.Periods, 2)
	for _, p := range out.Periods {
		assert.Positive(t, p.Seconds, p.Label)
		assert.Positive(t, p.Active, p.Label)
	}
	assert.Equal(t, from.Format(time.DateOnly), out.Periods[0].Label)
}
