// Package cli implements awcal's headless subcommands (sync, review, preview, report, buckets,
// fakedata, profiles, privacy, password, daemon, service, version). Each subcommand lives in
// its own file; Main dispatches.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/awcal/awcal/internal/pipeline"
)

// Exit codes shared by every subcommand.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Env is what a subcommand may touch of the outside world: its standard streams and
// environment lookups. Tests give it buffers.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable (os.Getenv in production).
	Getenv func(string) string
	// Password reads a CalDAV password from the OS keyring by account; nil reads the real
	// keyring (secret.Get). Tests give their own.
	Password func(account string) (string, error)
}

// pipeline is the factory every subcommand builds its source, filter, engine and store with.
func (env Env) pipeline() *pipeline.Factory {
	return pipeline.New(pipeline.Env{Getenv: env.Getenv, Password: env.Password})
}

type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) int
}

// commands is the table of subcommands. The GUI ("awcal" alone, and "awcal demo") is wired in
// package main, which is the only place allowed to start Fyne.
var commands = map[string]command{
	"version":  {"print the version", runVersion},
	"buckets":  {"test the connection to aw-server and list its buckets", runBuckets},
	"fakedata": {"write generated activity as an ActivityWatch export file", runFakedata},
	"preview":  {"print the blocks awcal would write, writing nothing", runPreview},
	"sync":     {"run one sync with the configured strategy", runSync},
	"review":   {"list, approve, reject or edit the blocks waiting for review (sync.review)", runReview},
	"report":   {"print a timesheet: hours per profile or category for each day or week", runReport},
	"profiles": {"manage profiles (import-aw: turn aw-server's categories into profiles; purge: delete a profile's events)", runProfiles},
	"password": {"store (set) or check (test) the CalDAV password in the OS keyring", runPassword},
	"privacy":  {"manage privacy rules (import-aw: add aw-server's privacy filters)", runPrivacy},
	"daemon":   {"run automatic syncs without a window or tray (SIGTERM stops it after the current write)", runDaemon},
	"service":  {"install, uninstall or check the systemd user service that runs the daemon", runService},
}

// Has reports whether name is a headless subcommand.
func Has(name string) bool {
	_, ok := commands[name]
	return ok
}

// Main runs the subcommand named by args[0] and returns the process exit code.
func Main(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		Usage(env.Stdout)
		return ExitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "awcal: unknown command %q\n\n", args[0])
		Usage(env.Stderr)
		return ExitUsage
	}
	return cmd.run(ctx, env, args[1:])
}

// Usage prints the list of commands.
func Usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: awcal [command] [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Without a command awcal starts the tray app. Commands:")
	fmt.Fprintf(w, "  %-9s %s\n", "demo", "start the tray app on generated activity and a throw-away calendar")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'awcal COMMAND -h' for a command's flags. Exit codes: 0 ok, 1 run failed, 2 usage or config error.")
}

// newFlagSet returns a flag set that reports errors to env.Stderr instead of exiting.
func newFlagSet(env Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("awcal "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: awcal %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns (exit code, false) when the caller should stop.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return ExitUsage, false
	}
	return 0, true
}
