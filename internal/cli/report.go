package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/report"
	"github.com/awcal/awcal/internal/syncer"
)

const reportUsage = `[--config FILE | --export FILE [--config FILE]] [--from T] [--to T] [--by day|week] [--group profile|category] [--format table|csv|json]

Prints a timesheet: the time in blocks per profile (or per category) for each day (or week,
Monday to Sunday), with each day's first and last activity and its active (non-AFK) time. The
blocks are the ones a sync derives from aw-server with the configured profiles, buckets,
privacy rules and AFK masking; a block crossing midnight counts in each day for its part. The
range defaults to the last 7 days up to now. T is RFC 3339 (2026-03-02T09:00:00+01:00), a local
date (2026-03-02, midnight) or a local time (2026-03-02T09:00). Days are local days.

--format csv writes RFC 4180 CSV in UTF-8 (CRLF line ends; hours as decimals with a point), one
row per period and a column per profile or category, then a Total row; LibreOffice and
spreadsheets open it as it is. --format json writes {"from", "to", "by", "group", "periods":
[{"label", "start", "end", "firstActivity", "lastActivity", "activeSeconds", "seconds",
"totals": [{"name", "seconds"}]}], "totals", "seconds", "activeSeconds"}.`

// runReport prints the report of a range.
func runReport(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "report", reportUsage)
	configFlag := fs.String("config", "", "config file (default $"+config.EnvConfig+" or the user config folder's awcal/config.json; with --export only when given)")
	exportFlag := fs.String("export", "", "ActivityWatch export file to read instead of aw-server")
	fromFlag := fs.String("from", "", "start of the range (default: midnight 6 days ago)")
	toFlag := fs.String("to", "", "end of the range (default: now)")
	byFlag := fs.String("by", "day", "one row per day or week")
	groupFlag := fs.String("group", "profile", "time per profile or category")
	formatFlag := fs.String("format", "table", "table, csv or json")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal report: "+format+"\n", a...)
		return code
	}
	period, err := report.ParsePeriod(*byFlag)
	if err != nil {
		return fail(ExitUsage, "--by: %v", err)
	}
	group, err := report.ParseGroup(*groupFlag)
	if err != nil {
		return fail(ExitUsage, "--group: %v", err)
	}
	format, err := report.ParseFormat(*formatFlag)
	if err != nil {
		return fail(ExitUsage, "--format: %v", err)
	}
	to := time.Now()
	if *toFlag != "" {
		if to, err = parseTimeArg("--to", *toFlag); err != nil {
			return fail(ExitUsage, "%v", err)
		}
	}
	y, m, d := to.Local().Date()
	from := time.Date(y, m, d-6, 0, 0, 0, 0, time.Local)
	if *fromFlag != "" {
		if from, err = parseTimeArg("--from", *fromFlag); err != nil {
			return fail(ExitUsage, "%v", err)
		}
	}
	if !to.After(from) {
		return fail(ExitUsage, "the range %s – %s is empty: --to must be after --from",
			from.Format(time.RFC3339), to.Format(time.RFC3339))
	}

	cfg, src, code, msg := previewSource(env, *configFlag, *exportFlag)
	if msg != "" {
		return fail(code, "%s", msg)
	}
	eng, err := pipeline.Engine(cfg)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	act, err := syncer.ReadActivity(ctx, src, cfg, from.Add(-report.Lead), to)
	if err != nil {
		var ce *syncer.ConfigError
		if errors.As(err, &ce) {
			return fail(ExitUsage, "%v", err)
		}
		return fail(ExitFailure, "%v", err)
	}
	r := report.Derive(eng, act.Buckets, report.Options{From: from, To: to, Location: time.Local,
		Period: period, Group: group, Profiles: cfg.Profiles})
	if err := report.Write(env.Stdout, r, format, time.Local); err != nil {
		return fail(ExitFailure, "%v", err)
	}
	return ExitOK
}
