package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/syncer"
)

const syncUsage = `[--config FILE] [--from T --to T [--forget-corrections]] [--now T] [--dry-run] [--json]

Runs one sync with the configured strategy: from the last sync time to now ("sync from last
checked"), or the configured custom range. --from and --to backfill a custom range instead,
which never moves the last sync time. T is RFC 3339 (2026-03-02T09:00:00+01:00), a local date
(2026-03-02, midnight) or a local time (2026-03-02T09:00).

Events you edited in your calendar app stay as you left them, and blocks you deleted are not
written again. --forget-corrections (with --from and --to) forgets those corrections in the
range: your edited events there are rewritten to the derived blocks, the deleted ones come back.

With sync.review "hold" the blocks are held for review instead of written: the counts are of
proposals (new, to update, to withdraw), the calendar is left as it is, and "awcal review"
lists them.

--json prints {"strategy", "mode", "from", "to", "created", "updated", "deleted", "unchanged",
"held", "deletedInCalendar", "correctionsForgotten", "lastSyncTime", "dryRun"}, times in RFC 3339
(UTC); "held" true means the counts are of proposals held for review; a dry run adds
"changes", each {"op", "uid", "profile", "title", "start", "end"}.`

// syncJSON is the stable --json output of "awcal sync".
type syncJSON struct {
	Strategy  string    `json:"strategy"`
	Mode      string    `json:"mode"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Created   int       `json:"created"`
	Updated   int       `json:"updated"`
	Deleted   int       `json:"deleted"`
	Unchanged int       `json:"unchanged"`
	// Held says the counts are of proposals held for review (sync.review "hold"): the
	// calendar's events were left as they are.
	Held bool `json:"held"`
	// DeletedInCalendar counts the events found deleted by the person (now tombstones);
	// CorrectionsForgotten the tombstones --forget-corrections removed.
	DeletedInCalendar    int              `json:"deletedInCalendar"`
	CorrectionsForgotten int              `json:"correctionsForgotten"`
	LastSyncTime         *time.Time       `json:"lastSyncTime"`
	DryRun               bool             `json:"dryRun"`
	Changes              []syncChangeJSON `json:"changes,omitempty"`
	Notices              []string         `json:"notices,omitempty"`
}

type syncChangeJSON struct {
	Op      string    `json:"op"`
	UID     string    `json:"uid"`
	Profile string    `json:"profile"`
	Title   string    `json:"title"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
}

// runSync runs one sync.
func runSync(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "sync", syncUsage)
	configFlag := fs.String("config", "", "config file (default $"+config.EnvConfig+" or the user config folder's awcal/config.json)")
	fromFlag := fs.String("from", "", "start of a custom range to backfill (needs --to)")
	toFlag := fs.String("to", "", "end of a custom range to backfill (needs --from)")
	nowFlag := fs.String("now", "", "run as if the clock said T (simulations, tests)")
	dryRun := fs.Bool("dry-run", false, "print the plan and write nothing")
	asJSON := fs.Bool("json", false, "print JSON")
	forget := fs.Bool("forget-corrections", false, "forget your corrections in --from … --to: rewrite edited events, bring back deleted blocks")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal sync: "+format+"\n", a...)
		return code
	}
	if *forget && *fromFlag == "" {
		return fail(ExitUsage, "--forget-corrections needs the range to forget them in: give --from and --to")
	}

	var req syncer.Request
	var err error
	req.Progress = progressLines(env.Stderr)
	if (*fromFlag == "") != (*toFlag == "") {
		return fail(ExitUsage, "--from and --to go together: give both to backfill a range")
	}
	if *fromFlag != "" {
		if req.From, err = parseTimeArg("--from", *fromFlag); err != nil {
			return fail(ExitUsage, "%v", err)
		}
		if req.To, err = parseTimeArg("--to", *toFlag); err != nil {
			return fail(ExitUsage, "%v", err)
		}
		if !req.From.Before(req.To) {
			return fail(ExitUsage, "--from (%s) must be before --to (%s)", *fromFlag, *toFlag)
		}
	}
	now := time.Now
	if *nowFlag != "" {
		fixed, err := parseTimeArg("--now", *nowFlag)
		if err != nil {
			return fail(ExitUsage, "%v", err)
		}
		now = func() time.Time { return fixed }
	}
	req.DryRun, req.ForgetCorrections = *dryRun, *forget

	path, cfg, err := loadSyncConfig(env, *configFlag, *dryRun)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	f := env.pipeline()
	store, err := f.OpenStore(ctx, cfg.Calendar, "")
	if err != nil {
		var ce *syncer.ConfigError
		if errors.As(err, &ce) {
			return fail(ExitUsage, "%v", err)
		}
		return fail(ExitFailure, "%v", err)
	}
	defer store.Close()
	s, err := syncer.New(syncer.Options{
		Config:    func() config.Config { return *cfg },
		Source:    f.Source(cfg.ActivityWatch),
		Store:     store,
		StatePath: config.StatePath(path),
		Now:       now,
		Logger:    slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return fail(ExitFailure, "%v", err)
	}
	rep, err := s.Run(ctx, req)
	if err != nil {
		var ce *syncer.ConfigError
		if errors.As(err, &ce) {
			return fail(ExitUsage, "%v", err)
		}
		return fail(ExitFailure, "%v", err)
	}
	if *asJSON {
		err = writeSyncJSON(env.Stdout, rep)
	} else {
		err = writeSyncText(env.Stdout, rep)
	}
	if err != nil {
		return fail(ExitFailure, "writing the report: %v", err)
	}
	return ExitOK
}

// loadSyncConfig finds and loads the config. A missing file is created with the defaults (a
// first run from the command line), except in a dry run, which writes nothing and uses them.
func loadSyncConfig(env Env, path string, dryRun bool) (string, *config.Config, error) {
	if path == "" {
		p, err := config.DefaultPath(env.Getenv)
		if err != nil {
			return "", nil, err
		}
		path = p
	}
	if dryRun {
		cfg, err := config.Load(path)
		if errors.Is(err, fs.ErrNotExist) {
			def := config.Default(env.Getenv)
			if def.Calendar.Path == "" {
				def.Calendar.Path = filepath.Join(filepath.Dir(path), "activity.ics")
			}
			return path, &def, nil
		}
		return path, cfg, err
	}
	cfg, created, err := config.LoadOrCreate(path, env.Getenv)
	if err != nil {
		return "", nil, err
	}
	if created {
		fmt.Fprintf(env.Stderr, "awcal: created a default config at %s\n", path)
	}
	return path, cfg, nil
}

// parseTimeArg reads a time flag: RFC 3339, or a local date or date and time.
func parseTimeArg(name, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q is not a time: use RFC 3339 (2026-03-02T09:00:00+01:00), a date (2026-03-02) or a local time (2026-03-02T09:00)", name, s)
}

// progressLines prints a line to w as a run that spans several days starts each day, so that a
// long catch-up or backfill is seen to advance.
func progressLines(w io.Writer) func(syncer.Progress) {
	var last time.Time
	return func(p syncer.Progress) {
		if p.Pieces < 2 || p.Phase != syncer.PhaseReading || p.Piece.Equal(last) {
			return
		}
		last = p.Piece
		fmt.Fprintf(w, "awcal sync: reading %s (%d%% done)\n", p.Piece.Local().Format("2006-01-02 15:04"), int(p.Fraction*100))
	}
}

func writeSyncJSON(w io.Writer, rep *syncer.Report) error {
	out := syncJSON{
		Strategy: rep.Strategy, Mode: string(rep.Mode), From: rep.From.UTC(), To: rep.To.UTC(),
		Created: rep.Created, Updated: rep.Updated, Deleted: rep.Deleted, Unchanged: rep.Unchanged, Held: rep.Held,
		DeletedInCalendar: rep.Buried, CorrectionsForgotten: rep.Forgotten, DryRun: rep.DryRun, Notices: rep.Notices,
	}
	if rep.LastSyncTime != nil {
		t := rep.LastSyncTime.UTC()
		out.LastSyncTime = &t
	}
	for _, c := range rep.Changes {
		out.Changes = append(out.Changes, syncChangeJSON{Op: c.Op.String(), UID: c.Event.UID,
			Profile: c.Event.ProfileID, Title: c.Event.Title, Start: c.Event.Start.UTC(), End: c.Event.End.UTC()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeSyncText(w io.Writer, rep *syncer.Report) error {
	ew := &stickyWriter{w: w}
	const layout = "2006-01-02 15:04:05"
	verb := "Synced"
	if rep.DryRun {
		verb = "Dry run, nothing written:"
	}
	if rep.Held {
		fmt.Fprintf(ew, "%s %s %s – %s for review: %d new proposals, %d to update, %d to withdraw, %d unchanged; the calendar is unchanged (awcal review lists them).\n",
			verb, rep.Strategy, rep.From.Local().Format(layout), rep.To.Local().Format(layout), rep.Created, rep.Updated, rep.Deleted, rep.Unchanged)
	} else {
		fmt.Fprintf(ew, "%s %s %s – %s: %d created, %d updated, %d deleted, %d unchanged.\n", verb, rep.Strategy,
			rep.From.Local().Format(layout), rep.To.Local().Format(layout), rep.Created, rep.Updated, rep.Deleted, rep.Unchanged)
	}
	for _, c := range rep.Changes {
		fmt.Fprintf(ew, "  %-6s %s – %s  %-12s %s\n", c.Op, c.Event.Start.Local().Format(layout),
			c.Event.End.Local().Format("15:04:05"), c.Event.ProfileID, c.Event.Title)
	}
	if rep.Buried > 0 {
		fmt.Fprintf(ew, "%d blocks you deleted in the calendar will not be written again (awcal sync --from T --to T --forget-corrections brings them back).\n", rep.Buried)
	}
	if rep.Forgotten > 0 {
		fmt.Fprintf(ew, "Forgot %d deleted blocks in the range.\n", rep.Forgotten)
	}
	for id, n := range rep.Malformed {
		fmt.Fprintf(ew, "Skipped %d malformed events in bucket %s.\n", n, id)
	}
	for _, n := range rep.Notices {
		fmt.Fprintf(ew, "Note: %s.\n", n)
	}
	if rep.LastSyncTime != nil && rep.Strategy == config.StrategyLastChecked && !rep.DryRun {
		fmt.Fprintf(ew, "The next run starts from %s.\n", rep.LastSyncTime.Local().Format(layout))
	}
	return ew.err
}
