package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/corrections"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// runProfilesPurge deletes the calendar events of one profile (SYNC.md §3: only when asked).
func runProfilesPurge(ctx context.Context, env Env, args []string) int {
	const usage = "--profile ID [--from T] [--to T] [--config FILE] [--dry-run] [--include-edited]"
	fs := newFlagSet(env, "profiles purge", usage)
	configFlag := fs.String("config", "", "config file (default $"+config.EnvConfig+" or the user config folder's awcal/config.json)")
	profileFlag := fs.String("profile", "", "id of the profile whose events to delete (required)")
	fromFlag := fs.String("from", "", "delete only events that end after T")
	toFlag := fs.String("to", "", "delete only events that start before T")
	dryRun := fs.Bool("dry-run", false, "list the events and delete nothing")
	includeEdited := fs.Bool("include-edited", false, "also delete the events you edited or approved (kept by default)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal profiles purge: "+format+"\n", a...)
		return code
	}
	if *profileFlag == "" {
		return fail(ExitUsage, "--profile is required: give the id of the profile whose events to delete (config.json's profiles[].id, or the X-AWCAL-PROFILE of its events)")
	}
	var from, to time.Time
	var err error
	if *fromFlag != "" {
		if from, err = parseTimeArg("--from", *fromFlag); err != nil {
			return fail(ExitUsage, "%v", err)
		}
	}
	if *toFlag != "" {
		if to, err = parseTimeArg("--to", *toFlag); err != nil {
			return fail(ExitUsage, "%v", err)
		}
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return fail(ExitUsage, "--from (%s) must be before --to (%s)", *fromFlag, *toFlag)
	}

	// Purging writes no config: a missing one means the default calendar.
	path, cfg, err := loadSyncConfig(env, *configFlag, true)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	if i := slices.IndexFunc(cfg.Profiles, func(p profile.Profile) bool { return p.ID == *profileFlag }); i >= 0 && cfg.Profiles[i].Enabled {
		fmt.Fprintf(env.Stderr, "Note: profile %s (%s) is still enabled in the config, so syncs will write its new blocks again; delete or disable it to stop that.\n",
			*profileFlag, cfg.Profiles[i].Name)
	}
	store, err := env.pipeline().OpenStore(ctx, cfg.Calendar, "")
	if err != nil {
		var ce *syncer.ConfigError
		if errors.As(err, &ce) {
			return fail(ExitUsage, "%v", err)
		}
		return fail(ExitFailure, "%v", err)
	}
	defer store.Close()
	events, kept, err := syncer.PurgeProfile(ctx, store, *profileFlag, from, to, syncer.PurgeOptions{
		DryRun: *dryRun, IncludeEdited: *includeEdited, CorrectionsPath: corrections.PathBeside(config.StatePath(path)),
	})
	if err != nil {
		return fail(ExitFailure, "%v", err)
	}
	where := calendarName(cfg.Calendar)
	ew := &stickyWriter{w: env.Stdout}
	if kept > 0 {
		fmt.Fprintf(ew, "Kept %d events of profile %s that you edited or approved (--include-edited deletes them too).\n", kept, *profileFlag)
	}
	if len(events) == 0 {
		if kept > 0 {
			fmt.Fprintf(ew, "No untouched events of profile %s in %s.\n", *profileFlag, where)
		} else {
			fmt.Fprintf(ew, "No events of profile %s in %s.\n", *profileFlag, where)
		}
		if ew.err != nil {
			return fail(ExitFailure, "writing the report: %v", ew.err)
		}
		return ExitOK
	}
	const layout = "2006-01-02 15:04"
	for _, e := range events {
		fmt.Fprintf(ew, "  %s – %s  %s\n", e.Start.Local().Format(layout), e.End.Local().Format(layout), e.Title)
	}
	if *dryRun {
		fmt.Fprintf(ew, "Dry run: %d events of profile %s would be deleted from %s.\n", len(events), *profileFlag, where)
	} else {
		fmt.Fprintf(ew, "Deleted %d events of profile %s from %s.\n", len(events), *profileFlag, where)
	}
	if ew.err != nil {
		return fail(ExitFailure, "writing the report: %v", ew.err)
	}
	return ExitOK
}

// calendarName names the configured calendar for messages: the file, or the CalDAV calendar.
func calendarName(cal config.Calendar) string {
	if cal.Kind == config.CalendarCalDAV {
		return "CalDAV calendar " + cal.CalendarPath + " on " + cal.URL
	}
	return cal.Path
}
