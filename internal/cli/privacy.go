package cli

import (
	"context"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/awimport"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/privacy"
)

const privacyUsage = `import-aw [--config FILE] [--dry-run]

  import-aw  adds the privacy filters of ActivityWatch's web UI (aw-server's settings) to
             awcal's privacy rules, so that what ActivityWatch hides stays out of calendars too,
             including activity stored before the filter existed. A filter's bucket id prefix
             becomes the type of the buckets it selects (aw-watcher-window → window), so it
             applies to that watcher on every host; a case-sensitive pattern gets "(?-i)".
             Disabled filters, patterns Go's RE2 syntax rejects, nested fields and rules
             already present are skipped and reported. --dry-run prints the rules and saves
             nothing.`

// runPrivacy manages privacy rules; its one subcommand is import-aw.
func runPrivacy(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || args[0] != "import-aw" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintf(env.Stdout, "Usage: awcal privacy %s\n", privacyUsage)
			return ExitOK
		}
		fmt.Fprintf(env.Stderr, "Usage: awcal privacy %s\n", privacyUsage)
		return ExitUsage
	}
	fs := newFlagSet(env, "privacy import-aw", "[--config FILE] [--dry-run]")
	configFlag := fs.String("config", "", "config file (default $"+config.EnvConfig+" or the user config folder's awcal/config.json)")
	dryRun := fs.Bool("dry-run", false, "print the rules and save nothing")
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal privacy import-aw: "+format+"\n", a...)
		return code
	}
	path, cfg, err := loadSyncConfig(env, *configFlag, *dryRun)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	aw := env.pipeline().Source(cfg.ActivityWatch)
	settings, err := aw.Settings(ctx)
	if err != nil {
		return fail(ExitFailure, "%v", err)
	}
	if len(settings.PrivacyFilters) == 0 {
		fmt.Fprintln(env.Stdout, "aw-server stores no privacy filters: nothing to import.")
		return ExitOK
	}
	buckets, err := aw.Buckets(ctx)
	if err != nil {
		return fail(ExitFailure, "%v", err)
	}
	added, skipped := awimport.PrivacyRules(settings.PrivacyFilters, buckets, cfg.Privacy.Rules)
	for _, s := range skipped {
		fmt.Fprintf(env.Stderr, "Skipped %s\n", s)
	}
	if len(added) == 0 {
		fmt.Fprintln(env.Stdout, "No new privacy rules to import.")
		return ExitOK
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tBUCKET\tFIELD\tPATTERN")
	for _, r := range added {
		fmt.Fprintf(tw, "%s\t%s\t%s\t/%s/\n", r.Action, r.Bucket, r.Field, r.Pattern)
	}
	if err := tw.Flush(); err != nil {
		return fail(ExitFailure, "writing the rules: %v", err)
	}
	if slices.ContainsFunc(added, func(r privacy.Rule) bool { return r.Action == privacy.Redact }) {
		fmt.Fprintf(env.Stdout, "Redacted values show as %q in awcal, whatever replacement ActivityWatch uses.\n", activity.RedactedValue)
	}
	if *dryRun {
		fmt.Fprintf(env.Stdout, "Dry run: %d privacy rules would be added to %s.\n", len(added), path)
		return ExitOK
	}
	cfg.Privacy.Rules = append(cfg.Privacy.Rules, added...)
	if err := config.Save(path, cfg); err != nil {
		return fail(ExitFailure, "%v", err)
	}
	fmt.Fprintf(env.Stdout, "Added %d privacy rules to %s. Review them in Settings › Privacy.\n", len(added), path)
	return ExitOK
}
