package cli

import (
	"context"
	"fmt"

	"github.com/awcal/awcal/internal/awimport"
	"github.com/awcal/awcal/internal/config"
)

const profilesUsage = `import-aw [--config FILE] [--dry-run]
       awcal profiles purge --profile ID [--from T] [--to T] [--config FILE] [--dry-run] [--include-edited]

  import-aw  turns the categories of ActivityWatch's web UI (aw-server's settings) into
             profiles: each category with a regex becomes a profile whose primary rules match
             the regex on the window's app and title, and whose supporting rule matches it on
             the browser tab's title. Profile ids come from the category names ("aw-work-
             programming"), so importing again adds only new categories and never changes a
             profile that exists. aw-webui's always-active pattern (windows that count as
             active while you are away, such as calls) becomes alwaysActivePattern.
             --dry-run prints the profiles and saves nothing.
  purge      deletes the calendar events awcal wrote for the profile with this id (its
             X-AWCAL-PROFILE marker), for instance after deleting the profile: syncs never do.
             Events of other profiles and events awcal did not write are never touched. --from
             and --to limit it to the events overlapping that range (default: all of them); T
             is RFC 3339, a local date or a local time. Events you edited or approved are kept
             unless --include-edited is given. --dry-run lists the events and deletes nothing.`

// runProfiles manages profiles: import-aw and purge.
func runProfiles(ctx context.Context, env Env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "import-aw":
			return runProfilesImportAW(ctx, env, args[1:])
		case "purge":
			return runProfilesPurge(ctx, env, args[1:])
		case "-h", "--help", "help":
			fmt.Fprintf(env.Stdout, "Usage: awcal profiles %s\n", profilesUsage)
			return ExitOK
		}
	}
	fmt.Fprintf(env.Stderr, "Usage: awcal profiles %s\n", profilesUsage)
	return ExitUsage
}

// runProfilesImportAW turns aw-server's categories into profiles.
func runProfilesImportAW(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "profiles import-aw", "[--config FILE] [--dry-run]")
	configFlag := fs.String("config", "", "config file (default $"+config.EnvConfig+" or the user config folder's awcal/config.json)")
	dryRun := fs.Bool("dry-run", false, "print the profiles and save nothing")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal profiles import-aw: "+format+"\n", a...)
		return code
	}
	path, cfg, err := loadSyncConfig(env, *configFlag, true)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	settings, err := env.pipeline().Source(cfg.ActivityWatch).Settings(ctx)
	if err != nil {
		return fail(ExitFailure, "%v", err)
	}
	added, skipped := awimport.Profiles(settings.Categories, cfg.Profiles)
	for _, s := range skipped {
		fmt.Fprintf(env.Stderr, "Skipped %s\n", s)
	}
	always, note, alwaysChanged := awimport.AlwaysActive(settings.AlwaysActivePattern, cfg.AlwaysActivePattern)
	switch {
	case note != "" && !alwaysChanged:
		fmt.Fprintln(env.Stderr, "Skipped "+note)
	case alwaysChanged && *dryRun:
		fmt.Fprintf(env.Stdout, "Dry run: the always-active pattern would be set to /%s/.\n", always)
	}
	if len(added) == 0 && !alwaysChanged {
		fmt.Fprintln(env.Stdout, "No new categories to import.")
		return ExitOK
	}
	for _, p := range added {
		fmt.Fprintf(env.Stdout, "%-32s %-30s category %-14s %s  /%s/\n", p.ID, p.Name, p.Category, p.Color, p.Primary[0].Pattern)
	}
	if *dryRun {
		fmt.Fprintf(env.Stdout, "Dry run: %d profiles would be added to %s.\n", len(added), path)
		return ExitOK
	}
	cfg.Profiles = append(cfg.Profiles, added...)
	cfg.AlwaysActivePattern = always
	if err := config.Save(path, cfg); err != nil {
		return fail(ExitFailure, "%v", err)
	}
	if alwaysChanged {
		fmt.Fprintln(env.Stdout, note)
	}
	if len(added) == 0 {
		fmt.Fprintln(env.Stdout, "No new categories to import.")
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "Added %d profiles to %s. Review them in Settings › Profiles: imported profiles run after the ones you had.\n", len(added), path)
	return ExitOK
}
