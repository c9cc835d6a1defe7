package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/syncer"
)

const reviewUsage = `[--config FILE] [--from T] [--to T] [--json]
       awcal review approve [--config FILE] ID… | --all [--until T]
       awcal review reject [--config FILE] ID…
       awcal review edit [--config FILE] ID [--title T] [--profile P] [--start T] [--end T]

Lists the blocks waiting for your review (sync.review "tentative" or "hold"): id, profile,
title, start, end and the top evidence. approve books them (confirmed, and never changed by
awcal again); reject drops them, and their span is not proposed again; edit changes one and
approves it. An id is the one the list shows (or any longer prefix of the UID).

--json prints {"proposals": [{"id", "uid", "profile", "title", "start", "end", "evidence",
"held"}]}: times in RFC 3339 (UTC), evidence a list of lines, held true when the proposal is
kept back from the calendar (mode "hold") and false when it is in it as tentative.`

// reviewJSON is the stable --json output of "awcal review".
type reviewJSON struct {
	Proposals []proposalJSON `json:"proposals"`
}

type proposalJSON struct {
	ID       string    `json:"id"`
	UID      string    `json:"uid"`
	Profile  string    `json:"profile"`
	Title    string    `json:"title"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Evidence []string  `json:"evidence"`
	Held     bool      `json:"held"`
}

// runReview lists, approves, rejects or edits pending proposals.
func runReview(ctx context.Context, env Env, args []string) int {
	action := "list"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	name := "review"
	if action != "list" {
		name += " " + action
	}
	fs := newFlagSet(env, "review", reviewUsage)
	configFlag := fs.String("config", "", "config file (default $"+config.EnvConfig+" or the user config folder's awcal/config.json)")
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal "+name+": "+format+"\n", a...)
		return code
	}
	var (
		fromFlag, toFlag, untilFlag, titleFlag, profileFlag, startFlag, endFlag *string
		asJSON, all                                                             *bool
	)
	switch action {
	case "list":
		fromFlag = fs.String("from", "", "list only proposals that end after T")
		toFlag = fs.String("to", "", "list only proposals that start before T")
		asJSON = fs.Bool("json", false, "print JSON")
	case "approve":
		all = fs.Bool("all", false, "approve every pending proposal")
		untilFlag = fs.String("until", "", "with --all: only the proposals that end by T")
	case "reject":
	case "edit":
		titleFlag = fs.String("title", "", "the new title")
		profileFlag = fs.String("profile", "", "the id of the profile it belongs to")
		startFlag = fs.String("start", "", "the new start")
		endFlag = fs.String("end", "", "the new end")
	default:
		return fail(ExitUsage, "unknown action %q: use approve, reject or edit, or nothing to list the proposals", action)
	}
	ids, code, ok := parseWithArgs(fs, args)
	if !ok {
		return code
	}
	times := map[string]time.Time{}
	for flagName, v := range map[string]*string{"--from": fromFlag, "--to": toFlag, "--until": untilFlag, "--start": startFlag, "--end": endFlag} {
		if v == nil || *v == "" {
			continue
		}
		t, err := parseTimeArg(flagName, *v)
		if err != nil {
			return fail(ExitUsage, "%v", err)
		}
		times[flagName] = t
	}
	const listHint = "run 'awcal review' to list the pending proposals and their ids"
	switch {
	case action == "list" && len(ids) > 0, action == "approve" && *all && len(ids) > 0:
		return fail(ExitUsage, "unexpected ids %s", strings.Join(ids, " "))
	case action == "approve" && !*all && len(ids) == 0, action == "reject" && len(ids) == 0:
		return fail(ExitUsage, "give the ids of the proposals (or --all to approve every one); %s", listHint)
	case action == "approve" && !*all && *untilFlag != "":
		return fail(ExitUsage, "--until goes with --all")
	case action == "edit" && len(ids) != 1:
		return fail(ExitUsage, "give exactly one id to edit; %s", listHint)
	}

	s, closeStore, err := openReviewSyncer(ctx, env, *configFlag)
	if err != nil {
		var ce *syncer.ConfigError
		if errors.As(err, &ce) {
			return fail(ExitUsage, "%v", err)
		}
		return fail(ExitFailure, "%v", err)
	}
	defer closeStore()

	var res syncer.ReviewResult
	verb := ""
	switch action {
	case "list":
		pending, err := s.Pending(ctx, times["--from"], times["--to"])
		if err == nil {
			if *asJSON {
				err = writeReviewJSON(env.Stdout, pending)
			} else {
				err = writeReviewText(env.Stdout, pending)
			}
		}
		if err != nil {
			return reviewFailure(fail, err, listHint)
		}
		return ExitOK
	case "approve":
		verb = "Approved"
		if *all {
			res, err = s.ApproveAll(ctx, times["--until"])
		} else {
			res, err = s.Approve(ctx, ids)
		}
	case "reject":
		verb = "Rejected"
		res, err = s.Reject(ctx, ids)
	case "edit":
		verb = "Edited and approved"
		res, err = s.Edit(ctx, ids[0], syncer.ProposalEdit{Title: *titleFlag, ProfileID: *profileFlag,
			Start: times["--start"], End: times["--end"]})
	}
	ew := &stickyWriter{w: env.Stdout}
	for _, p := range res.Done {
		fmt.Fprintf(ew, "%s %s\n", verb, describeProposal(p))
	}
	if err != nil {
		return reviewFailure(fail, err, listHint)
	}
	if len(res.Done) == 0 {
		fmt.Fprintln(ew, "No pending proposals.")
	}
	if ew.err != nil {
		return fail(ExitFailure, "writing the report: %v", ew.err)
	}
	return ExitOK
}

// reviewFailure maps an error to its exit code: an unknown id or a config problem is the
// person's to fix (2), anything else a failed run (1).
func reviewFailure(fail func(int, string, ...any) int, err error, listHint string) int {
	var ce *syncer.ConfigError
	switch {
	case errors.Is(err, syncer.ErrUnknownProposal):
		return fail(ExitUsage, "%v; %s", err, listHint)
	case errors.As(err, &ce):
		return fail(ExitUsage, "%v", err)
	}
	return fail(ExitFailure, "%v", err)
}

// parseWithArgs parses flags that may come before, between or after the positional
// arguments, and returns those.
func parseWithArgs(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, ExitOK, false
			}
			return nil, ExitUsage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, 0, true
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// openReviewSyncer opens the configured calendar and a syncer over it. Reviewing writes no
// config: a missing one means the defaults.
func openReviewSyncer(ctx context.Context, env Env, configFlag string) (*syncer.Syncer, func(), error) {
	path, cfg, err := loadSyncConfig(env, configFlag, true)
	if err != nil {
		return nil, nil, &syncer.ConfigError{Err: err}
	}
	f := env.pipeline()
	store, err := f.OpenStore(ctx, cfg.Calendar, "")
	if err != nil {
		return nil, nil, err
	}
	s, err := syncer.New(syncer.Options{
		Config:    func() config.Config { return *cfg },
		Source:    f.Source(cfg.ActivityWatch),
		Store:     store,
		StatePath: config.StatePath(path),
		Logger:    slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return s, func() { store.Close() }, nil
}

func evidenceLines(desc string) []string {
	if desc == "" {
		return []string{}
	}
	return strings.Split(desc, "\n")
}

func describeProposal(p syncer.Proposal) string {
	const layout = "2006-01-02 15:04"
	return fmt.Sprintf("%s  %s – %s  %-10s %s", syncer.ShortID(p.UID), p.Start.Local().Format(layout),
		p.End.Local().Format("15:04"), p.ProfileID, p.Title)
}

func writeReviewText(w io.Writer, pending []syncer.Proposal) error {
	ew := &stickyWriter{w: w}
	if len(pending) == 0 {
		fmt.Fprintln(ew, "No pending proposals.")
		return ew.err
	}
	for _, p := range pending {
		fmt.Fprintln(ew, describeProposal(p))
		for i, line := range evidenceLines(p.Description) {
			if i == 3 {
				break
			}
			fmt.Fprintf(ew, "          %s\n", line)
		}
	}
	fmt.Fprintf(ew, "%d pending. Approve with 'awcal review approve ID…' or '--all', reject with 'awcal review reject ID…'.\n", len(pending))
	return ew.err
}

func writeReviewJSON(w io.Writer, pending []syncer.Proposal) error {
	out := reviewJSON{Proposals: []proposalJSON{}}
	for _, p := range pending {
		out.Proposals = append(out.Proposals, proposalJSON{ID: syncer.ShortID(p.UID), UID: p.UID, Profile: p.ProfileID,
			Title: p.Title, Start: p.Start.UTC(), End: p.End.UTC(), Evidence: evidenceLines(p.Description), Held: p.Held})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
