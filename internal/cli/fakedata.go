package cli

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/atomicfile"
	"github.com/awcal/awcal/internal/fakedata"
)

// maxFakeDays bounds --days: a year of heavy days is about 670,000 events (some 100 MB of JSON).
const maxFakeDays = 366

// runFakedata writes generated activity (package fakedata) as an aw-server-rust export file.
// The defaults (start 2026-01-05, UTC, seed 1) make the output reproducible byte for byte.
func runFakedata(_ context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "fakedata",
		"--days N --seed S [--intensity heavy|normal] [--start YYYY-MM-DD] [--host NAME] [--tz ZONE] -o FILE")
	days := fs.Int("days", 7, fmt.Sprintf("number of days to generate (1–%d)", maxFakeDays))
	seed := fs.Int64("seed", 1, "random seed: the same flags always give the same file")
	intensity := fs.String("intensity", string(fakedata.Normal),
		"heavy (about 2,000 window events per workday) or normal (about 700)")
	start := fs.String("start", fakedata.DefaultStartDate,
		"first day, YYYY-MM-DD (the default, a Monday, is fixed so that output is reproducible)")
	host := fs.String("host", fakedata.DefaultHostname, "host name in the bucket ids (aw-watcher-window_NAME)")
	tz := fs.String("tz", "UTC", `time zone the generated person works in: an IANA name such as Europe/Paris, or "Local"`)
	out := fs.String("o", "", `output file ("-" for standard output); an existing file is replaced atomically`)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}

	usage := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal fakedata: "+format+"\n", a...)
		fs.Usage()
		return ExitUsage
	}
	if *out == "" {
		return usage("-o FILE is required")
	}
	if *days < 1 || *days > maxFakeDays {
		return usage("--days %d is out of range: use 1 to %d", *days, maxFakeDays)
	}
	in, err := fakedata.ParseIntensity(*intensity)
	if err != nil {
		return usage("--intensity: %v", err)
	}
	if *host == "" {
		return usage("--host must not be empty")
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return usage("--tz %q is not a known time zone: use an IANA name such as Europe/Paris, UTC or Local", *tz)
	}
	first, err := time.ParseInLocation(time.DateOnly, *start, loc)
	if err != nil {
		return usage("--start %q is not a date: use YYYY-MM-DD, e.g. %s", *start, fakedata.DefaultStartDate)
	}

	opts := fakedata.Options{Start: first, Days: *days, Seed: *seed, Intensity: in, Hostname: *host, Location: loc}
	buckets := fakedata.Generate(opts)
	var buf bytes.Buffer
	if err := fakedata.WriteExport(&buf, buckets); err != nil {
		fmt.Fprintf(env.Stderr, "awcal fakedata: %v\n", err)
		return ExitFailure
	}
	if *out == "-" {
		if _, err := env.Stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintf(env.Stderr, "awcal fakedata: writing to standard output: %v\n", err)
			return ExitFailure
		}
		return ExitOK
	}
	// 0600: the file looks like a real person's activity, and real exports are private.
	if err := atomicfile.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
		fmt.Fprintf(env.Stderr, "awcal fakedata: %v (check that the folder exists and is writable)\n", err)
		return ExitFailure
	}
	events := 0
	for _, b := range buckets {
		events += len(b.Events)
	}
	_, last := fakedata.Day(opts, *days-1)
	fmt.Fprintf(env.Stdout, "wrote %d events in %d buckets (%s to %s, %s, seed %d) to %s\n",
		events, len(buckets), first.Format(time.DateOnly), last.AddDate(0, 0, -1).Format(time.DateOnly),
		in, *seed, *out)
	return ExitOK
}
