package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

const previewUsage = `[--config FILE] [--export FILE] [--profiles FILE] [--from T --to T] [--json] [--no-afk-masking]

Prints the blocks awcal would write, writing nothing, built exactly as a sync builds them:
the config's profiles, hosts or buckets, privacy rules, always-active pattern, AFK masking
and browsers. Without --export it reads aw-server (the range defaults to today until now).
With --export it reads an ActivityWatch export file instead (the range defaults to the whole
export); with --config that file's settings apply to it, else the defaults do, for every
host in the export. --profiles replaces the profiles; FILE is a JSON array of profiles, or an
object with a "profiles" key (config.json works). --no-afk-masking turns AFK masking off.
T is RFC 3339 (2026-03-02T09:00:00+01:00), a local date (2026-03-02, midnight) or a local
time (2026-03-02T09:00).

--json prints {"from", "to", "blocks": [{"profile", "title", "start", "end", "category",
"evidence": [{"kind", "label", "seconds"}]}], "diagnostics": {"malformed", "events", "slices",
"candidates"}}: times in RFC 3339 (UTC, to the microsecond), profile is the profile id,
malformed counts skipped events per bucket id.`

// runPreview derives and prints blocks from aw-server or an export file, with the pipeline a
// sync builds from the same config.
func runPreview(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "preview", previewUsage)
	configFlag := fs.String("config", "", "config file (default $"+config.EnvConfig+" or the user config folder's awcal/config.json; with --export only when given)")
	exportFlag := fs.String("export", "", "ActivityWatch export file to read instead of aw-server (aw-server's /api/0/export or the web UI's export)")
	profilesFlag := fs.String("profiles", "", "JSON file with the profiles to use instead of the config's")
	fromFlag := fs.String("from", "", "start of the range (default: today's midnight, or the first event of the export)")
	toFlag := fs.String("to", "", "end of the range (default: now, or the end of the export's last event)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	noMasking := fs.Bool("no-afk-masking", false, "keep windows that stay focused while the person is away (FCR's behaviour)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal preview: "+format+"\n", a...)
		return code
	}
	req := previewRequest{JSON: *asJSON}
	var err error
	if *fromFlag != "" {
		if req.From, err = parseTimeArg("--from", *fromFlag); err != nil {
			return fail(ExitUsage, "%v", err)
		}
	}
	if *toFlag != "" {
		if req.To, err = parseTimeArg("--to", *toFlag); err != nil {
			return fail(ExitUsage, "%v", err)
		}
	}

	if fi, err := os.Stat(*exportFlag); *exportFlag != "" && err == nil && fi.Mode().IsRegular() {
		// The decoded activity of an export takes about as much memory as its text: ask the
		// garbage collector to keep the heap near that (a soft limit, exceeded rather than
		// failing) instead of letting it double before collecting.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(fi.Size() + previewHeapMargin))
	}
	cfg, src, code, msg := previewSource(env, *configFlag, *exportFlag)
	if msg != "" {
		return fail(code, "%s", msg)
	}
	if *profilesFlag != "" {
		if cfg.Profiles, err = readProfiles(*profilesFlag); err != nil {
			return fail(ExitUsage, "%v", err)
		}
	}
	if *noMasking {
		cfg.AFKMasking = false
	}
	// The profiles are compiled while the activity is read: a broken one stops the reading at
	// once, and its error is the one reported, whatever else failed meanwhile.
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	compiled := make(chan error, 1)
	go func() {
		var err error
		if req.Engine, err = pipeline.Engine(cfg); err != nil {
			stopReading()
		}
		compiled <- err
	}()
	compileErr := sync.OnceValue(func() error { return <-compiled })
	fail = func(code int, format string, a ...any) int {
		if err := compileErr(); err != nil {
			code, format, a = ExitUsage, "%v", []any{err}
		}
		fmt.Fprintf(env.Stderr, "awcal preview: "+format+"\n", a...)
		return code
	}

	if x, ok := src.(*pipeline.Export); ok && (req.From.IsZero() || req.To.IsZero()) {
		from, to, ok := x.Range()
		if !ok {
			return fail(ExitFailure, "%s holds no events: nothing to preview", *exportFlag)
		}
		if req.From.IsZero() {
			req.From = from
		}
		if req.To.IsZero() {
			req.To = to
		}
	}
	if req.To.IsZero() {
		req.To = time.Now()
	}
	if req.From.IsZero() {
		y, m, d := req.To.Local().Date()
		req.From = time.Date(y, m, d, 0, 0, 0, 0, time.Local)
	}
	if !req.To.After(req.From) {
		return fail(ExitUsage, "the range %s – %s is empty: --to must be after --from",
			req.From.Format(time.RFC3339), req.To.Format(time.RFC3339))
	}
	if x, ok := src.(*pipeline.Export); ok {
		x.HandOver() // read once: its events are filtered where they are, not copied
	}
	act, err := syncer.ReadActivity(readCtx, src, cfg, req.From, req.To)
	if err != nil {
		var ce *syncer.ConfigError
		if errors.As(err, &ce) {
			return fail(ExitUsage, "%v", err)
		}
		return fail(ExitFailure, "%v", err)
	}
	if err := compileErr(); err != nil {
		return fail(ExitUsage, "%v", err)
	}
	req.Buckets, req.Malformed = act.Buckets, act.Malformed
	if err := writePreview(env.Stdout, env.Stderr, req); err != nil {
		return fail(ExitFailure, "%v", err)
	}
	return ExitOK
}

// previewSource is the config and the activity source of a preview. Without an export file
// it is the config a sync uses (the defaults when there is none; it is never created) and its
// aw-server. With one, the export is the source; --config, when given, brings its profiles,
// hosts, buckets, privacy and engine settings, else the defaults apply to every host of the
// export. A problem comes back as an exit code and a message.
func previewSource(env Env, configPath, exportPath string) (config.Config, syncer.Source, int, string) {
	if exportPath == "" {
		_, cfg, err := loadSyncConfig(env, configPath, true)
		if err != nil {
			return config.Config{}, nil, ExitUsage, fmt.Sprintf("%v; or preview an export file with --export FILE", err)
		}
		return *cfg, env.pipeline().Source(cfg.ActivityWatch), 0, ""
	}
	x, err := pipeline.OpenExport(exportPath)
	if err != nil {
		return config.Config{}, nil, ExitFailure, err.Error()
	}
	if configPath == "" {
		cfg := config.Default(env.Getenv)
		cfg.ActivityWatch.Hostnames = x.Hosts()
		return cfg, x, 0, ""
	}
	cfg, err := config.Load(configPath)
	if err != nil {
		return config.Config{}, nil, ExitUsage, err.Error()
	}
	return *cfg, x, 0, ""
}

// previewHeapMargin is the memory an export preview may use beyond the export's size before
// the garbage collector works harder (docs/PERFORMANCE.md: peak RSS within the file size + 40
// MB, of which the program itself takes about 27, and the decoded activity about 1.2 times the
// file).
const previewHeapMargin = 8 << 20

// previewRequest is one preview: the engine compiled from the config's profiles and engine
// settings, the activity read with the config, the range and the output format.
type previewRequest struct {
	Engine   *engine.Engine
	Buckets  []activity.BucketEvents
	From, To time.Time
	JSON     bool
	// Malformed counts events the reader already skipped, per bucket id; they are reported with
	// the engine's own.
	Malformed map[string]int
}

// writePreview derives the blocks of req and writes them to w as a table or JSON; warnings
// (skipped events) go to warn.
func writePreview(w, warn io.Writer, req previewRequest) error {
	e := req.Engine
	res := e.Derive(engine.Input{From: req.From, To: req.To, Buckets: req.Buckets})
	diag := res.Diagnostics
	for id, n := range req.Malformed {
		if diag.Malformed == nil {
			diag.Malformed = map[string]int{}
		}
		diag.Malformed[id] += n
	}
	byID := map[string]profile.Profile{}
	for _, p := range e.Profiles() {
		byID[p.ID] = p
	}

	if req.JSON {
		out := previewJSON{From: req.From.UTC(), To: req.To.UTC(), Blocks: []previewBlockJSON{}, Diagnostics: diag}
		for _, b := range res.Blocks {
			jb := previewBlockJSON{Profile: b.ProfileID, Title: b.Title, Start: b.Start, End: b.End,
				Category: byID[b.ProfileID].Category, Evidence: []previewEvidenceJSON{}}
			for _, ev := range b.Evidence {
				jb.Evidence = append(jb.Evidence, previewEvidenceJSON{Kind: ev.Kind.String(), Label: ev.Label, Seconds: ev.Duration.Seconds()})
			}
			out.Blocks = append(out.Blocks, jb)
		}
		b, err := appendPreviewJSON(make([]byte, 0, 1024*(len(out.Blocks)+1)), out) // a block takes under 1 KB
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}

	const layout = "2006-01-02 15:04:05"
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tTITLE\tSTART\tEND\tDURATION")
	for _, b := range res.Blocks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", byID[b.ProfileID].Name, b.Title, b.Start.Local().Format(layout),
			b.End.Local().Format(layout), b.End.Sub(b.Start).Round(time.Second))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "%d blocks from %d events, %s – %s.\n", len(res.Blocks), diag.Events,
		req.From.Local().Format(layout), req.To.Local().Format(layout)); err != nil {
		return err
	}
	ids := make([]string, 0, len(diag.Malformed))
	for id := range diag.Malformed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(warn, "awcal preview: skipped %d malformed events in bucket %s\n", diag.Malformed[id], id)
	}
	return nil
}

// readProfiles reads a JSON array of profiles, or an object with a "profiles" key. A profile
// gets the defaults of a new one for the keys it leaves out (so it is enabled unless it says
// otherwise); unknown keys are errors, so a typo is not silently ignored.
func readProfiles(path string) ([]profile.Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading profiles: %w", err)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(data, &list); err != nil {
		var obj struct {
			Profiles []json.RawMessage `json:"profiles"`
		}
		if err2 := json.Unmarshal(data, &obj); err2 != nil || obj.Profiles == nil {
			return nil, fmt.Errorf("%s: want a JSON array of profiles or an object with a \"profiles\" key: %w", path, err)
		}
		list = obj.Profiles
	}
	ps := make([]profile.Profile, len(list))
	for i, raw := range list {
		ps[i] = profile.Profile{
			Name: profile.DefaultName, Category: profile.DefaultCategory, Threshold: profile.DefaultThreshold,
			SoftBreak: profile.DefaultSoftBreak, TitleTemplate: profile.DefaultTitleTemplate, Enabled: true,
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ps[i]); err != nil {
			return nil, fmt.Errorf("%s: profile %d: %w", path, i+1, err)
		}
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("%s holds no profiles", path)
	}
	return ps, nil
}
