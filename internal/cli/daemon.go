package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/feed"
	"github.com/awcal/awcal/internal/instance"
	"github.com/awcal/awcal/internal/logfile"
	"github.com/awcal/awcal/internal/syncer"
)

const daemonUsage = `[--config FILE] [--verbose]

Runs awcal without a window or tray icon, for servers and desktops without a tray: automatic
syncs every sync.intervalMinutes with the last-checked strategy, backing off after failures,
with the same state.json as the tray app. It logs to stderr (the journal under systemd).
With feed.enabled in the config it serves the calendar to calendar apps on this computer.
SIGTERM or Ctrl-C lets a sync that is writing finish (up to 30 s), then exits.
The tray app and the daemon never run on the same config at once: the second one says which
process holds it. 'awcal service install' runs the daemon as a systemd user service.`

// stopGrace is how long a stop request waits for a running sync to finish its writes before
// cancelling it (the systemd unit's TimeoutStopSec is longer).
const stopGrace = 30 * time.Second

// daemonHooks let tests reach into a running daemon; production passes none.
type daemonHooks struct {
	// store wraps the calendar store; stop is the daemon's stop signal (its outer context).
	store func(stop context.Context, st syncer.Store) syncer.Store
	// config adjusts the loaded config (tests shorten the interval below its 1-minute minimum).
	config func(config.Config) config.Config
	// started is called with the scheduler before it runs.
	started func(*syncer.Scheduler)
}

func runDaemon(ctx context.Context, env Env, args []string) int {
	return daemonMain(ctx, env, args, daemonHooks{})
}

// daemonMain runs the scheduler until ctx ends (SIGTERM or SIGINT, wired in main).
func daemonMain(ctx context.Context, env Env, args []string, hooks daemonHooks) int {
	fs := newFlagSet(env, "daemon", daemonUsage)
	configFlag := fs.String("config", "", "config file (default $"+config.EnvConfig+" or the user config folder's awcal/config.json)")
	verbose := fs.Bool("verbose", false, "log at debug level")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "awcal daemon: "+format+"\n", a...)
		return code
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	// The tray app's log format, credentials scrubbed from URLs; under systemd it goes to the journal.
	log := slog.New(logfile.NewHandler(env.Stderr, level))

	path, loaded, err := loadSyncConfig(env, *configFlag, false)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	cfg := *loaded
	if hooks.config != nil {
		cfg = hooks.config(cfg)
	}
	if !cfg.AutoSyncEnabled() {
		return fail(ExitUsage, "automatic sync is off in %s: the daemon only runs automatic syncs; set sync.strategy to %q and sync.autoSync to true (Settings → Sync), or use 'awcal sync' for one run",
			path, config.StrategyLastChecked)
	}

	release, err := instance.Acquire(instance.SocketPath(path, env.Getenv), instance.Daemon, nil)
	switch {
	case errors.Is(err, instance.ErrNoGuard):
		log.Warn("running without the single-instance guard", "error", err)
	case err != nil:
		return fail(ExitFailure, "%v", err)
	default:
		defer release()
	}

	f := env.pipeline()
	opened, err := f.OpenStore(ctx, cfg.Calendar, "")
	if err != nil {
		var ce *syncer.ConfigError
		if errors.As(err, &ce) {
			return fail(ExitUsage, "%v", err)
		}
		return fail(ExitFailure, "%v", err)
	}
	defer opened.Close()
	var store syncer.Store = opened
	if hooks.store != nil {
		store = hooks.store(ctx, store)
	}
	statePath := config.StatePath(path)
	s, err := syncer.New(syncer.Options{
		Config:    func() config.Config { return cfg },
		Source:    f.Source(cfg.ActivityWatch),
		Store:     store,
		StatePath: statePath,
		Logger:    log,
	})
	if err != nil {
		return fail(ExitFailure, "%v", err)
	}
	var last *config.RunSummary
	if st, err := config.LoadState(statePath); err == nil {
		last = st.LastRun
	}
	sched := syncer.NewScheduler(s, syncer.SchedulerOptions{Config: func() config.Config { return cfg }, LastRun: last, Logger: log})
	feeds := feed.NewServer(log)
	defer feeds.Close()
	if err := feeds.Apply(cfg); err != nil {
		log.Error("not serving the subscription feed", "error", err)
	}
	if hooks.started != nil {
		hooks.started(sched)
	}
	log.Info("daemon started", "config", path, "interval", cfg.Interval().String())
	runSchedulerUntil(ctx, sched, log)
	log.Info("daemon stopped")
	return ExitOK
}

// runSchedulerUntil runs sched until ctx ends, then lets a running sync finish (at most
// stopGrace) before stopping the scheduler, so that a stop never cuts a write short.
func runSchedulerUntil(ctx context.Context, sched *syncer.Scheduler, log *slog.Logger) {
	schedCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- sched.Run(schedCtx) }()
	select {
	case err := <-done:
		if err != nil {
			log.Error("sync scheduler stopped", "error", err)
		}
		return
	case <-ctx.Done():
	}
	statuses, unsubscribe := sched.Subscribe()
	defer unsubscribe()
	if sched.Status().State == syncer.StateSyncing {
		log.Info("stopping after the running sync")
	}
	grace := time.NewTimer(stopGrace)
	defer grace.Stop()
wait:
	for {
		select {
		case st := <-statuses:
			if st.State != syncer.StateSyncing {
				break wait
			}
		case <-grace.C:
			log.Warn("stopping: the running sync did not finish in time and is cancelled", "waited", stopGrace.String())
			break wait
		}
	}
	cancel()
	<-done
}
