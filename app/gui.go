package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/assets"
	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/cli"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/feed"
	"github.com/awcal/awcal/internal/instance"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
	"github.com/awcal/awcal/internal/trayhost"
	"github.com/awcal/awcal/internal/ui"
	"github.com/awcal/awcal/internal/ui/demo"
)

// appID identifies the app to Fyne (preferences, notifications, the tray item's title).
const appID = "io.github.awcal.awcal"

// runGUI starts the tray app: "awcal [--config F]", or "awcal demo" on generated activity.
func runGUI(ctx context.Context, env cli.Env, args []string) int {
	isDemo := len(args) > 0 && args[0] == "demo"
	if isDemo {
		args = args[1:]
	}
	fs := flag.NewFlagSet("awcal", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfgFlag := fs.String("config", "", "config file (default $AWCAL_CONFIG, else the user config folder)")
	verbose := fs.Bool("verbose", false, "log at Debug level (the log is awcal.log in the user state folder, e.g. ~/.local/state/awcal)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cli.ExitOK
		}
		return cli.ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "awcal: unknown command %q; try 'awcal help'\n", fs.Arg(0))
		return cli.ExitUsage
	}

	if msg := displayProblem(runtime.GOOS, env.Getenv); msg != "" {
		fmt.Fprintln(env.Stderr, "awcal:", msg)
		return cli.ExitFailure
	}
	logPath, closeLog := setupLog(env, *verbose)
	defer closeLog()
	cfgPath := *cfgFlag
	if isDemo {
		d, err := demo.Start(time.Now)
		if err != nil {
			fmt.Fprintln(env.Stderr, "awcal demo:", err)
			return cli.ExitFailure
		}
		defer d.Close()
		cfgPath = d.ConfigPath
		slog.Info("demo running", "aw-server", d.URL, "calendar", d.CalendarPath)
	}
	if cfgPath == "" {
		cfgPath = env.Getenv("AWCAL_CONFIG")
	}
	if cfgPath == "" {
		p, err := config.DefaultPath(env.Getenv)
		if err != nil {
			fmt.Fprintln(env.Stderr, "awcal:", err)
			return cli.ExitUsage
		}
		cfgPath = p
	}

	g := &gui{env: env, cfgPath: cfgPath, demo: isDemo, logPath: logPath}
	show := make(chan struct{}, 1)
	release, err := instance.Acquire(instance.SocketPath(cfgPath, env.Getenv), instance.App, func() {
		select {
		case show <- struct{}{}:
		default:
		}
	})
	switch {
	case errors.Is(err, instance.ErrRunning):
		fmt.Fprintln(env.Stderr, "awcal:", err)
		return cli.ExitOK
	case errors.Is(err, instance.ErrNoGuard):
		slog.Warn("running without the single-instance guard", "error", err)
	case err != nil: // the daemon syncs this config
		fmt.Fprintln(env.Stderr, "awcal:", err)
		return cli.ExitFailure
	default:
		defer release()
	}
	return g.run(ctx, show)
}

// gui holds the running app's parts. Its fields are set on the Fyne goroutine, except cfg,
// which the scheduler and the syncer read from theirs.
type gui struct {
	env     cli.Env
	cfgPath string
	demo    bool
	logPath string // "" without a log file

	cfg      atomic.Pointer[config.Config]
	app      fyne.App
	settings *ui.Settings
	tray     *ui.Tray
	syncer   *syncer.Syncer
	sched    *syncer.Scheduler
	rt       *ui.SchedulerRuntime
	pipe     *pipeline.Factory
	cals     *pipeline.LiveStore
	runCtx   context.Context // ends when the app quits
	started  atomic.Bool     // the scheduler runs (not before the first Save)
	startRT  sync.Once
	feeds    *feed.Server
	feedMu   sync.Mutex // one feed reconfiguration at a time, each with the latest config
}

func (g *gui) run(ctx context.Context, show <-chan struct{}) int {
	first := false
	cfg, err := config.Load(g.cfgPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		first = true
		def := config.Default(g.env.Getenv)
		if def.Calendar.Path == "" {
			def.Calendar.Path = filepath.Join(filepath.Dir(g.cfgPath), "activity.ics")
		}
		cfg = &def
	case err != nil:
		return g.showBrokenConfig(err)
	}
	g.cfg.Store(cfg)

	g.app = fyneapp.NewWithID(appID)
	g.app.SetIcon(assets.AppIcon)
	sy, err := g.newSyncer()
	if err != nil {
		fmt.Fprintln(g.env.Stderr, "awcal:", err)
		return cli.ExitFailure
	}
	var last *config.RunSummary
	if st, err := config.LoadState(config.StatePath(g.cfgPath)); err == nil {
		last = st.LastRun
	}
	g.syncer = sy
	g.sched = syncer.NewScheduler(sy, syncer.SchedulerOptions{Config: g.config, LastRun: last})
	g.rt = ui.NewSchedulerRuntime(g.sched, ui.RuntimeOptions{DryRun: sy, Owned: g.cals.Owned, Held: ui.HeldProposals(sy.Pending),
		Profiles: func() []profile.Profile { return g.config().Profiles }})

	deps := g.deps()
	g.settings = ui.NewSettings(g.app, deps, cfg, first)
	g.settings.OnSaved = g.saved
	g.settings.OnBackfill = g.showBackfill
	if first && !g.demo {
		g.settings.OnTryDemo = g.tryDemo
	}
	if g.demo {
		g.settings.MarkDemo(g.leaveDemo)
	}
	g.tray = ui.NewTray(g.app, g.rt, ui.TrayActions{
		ShowSettings: g.settings.Show,
		ShowBackfill: g.showBackfill,
		OpenCalendar: g.openCalendar,
		OpenLog:      g.openLog,
		Quit:         func() { g.settings.ConfirmQuit(g.app.Quit) },
		CopyFeedURL: func() {
			g.app.SendNotification(fyne.NewNotification("awcal", ui.CopyFeedURL(g.app, g.config())))
		},
		Today:        ui.TodayLine(g.pipe, g.config, time.Now),
		ShowReview:   g.showReview,
		PendingCount: g.pendingCount,
		ShowWeek:     func() { g.settings.ShowTab("Week") },
	}, time.Now)
	g.feeds = feed.NewServer(nil)
	defer g.feeds.Close()

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	g.runCtx = runCtx
	appDone := make(chan struct{})
	// The tray must exist before Run: the driver starts the tray's D-Bus side as its loop starts.
	stop := g.tray.Install(g.rt)
	defer stop()
	defer g.settings.Follow(g.rt)() // sync errors show in the window, not only as notifications
	g.app.Lifecycle().SetOnStarted(func() {
		if first || g.demo {
			g.settings.Show()
		}
		if g.demo {
			g.settings.ShowDay(demo.PreviewDay(time.Now()))
		}
		if !first {
			g.start()
		}
		if !first && !g.demo {
			go g.checkTrayHost()
		}
		go func() {
			for {
				select {
				case <-appDone: // quit from the tray: the driver has stopped, nothing to do
					return
				case <-ctx.Done(): // SIGINT or SIGTERM
					fyne.Do(g.app.Quit)
					return
				case <-show:
					fyne.Do(g.settings.Show)
				}
			}
		}()
	})
	g.app.Run()
	close(appDone)
	cancel()
	g.cals.Close()
	return cli.ExitOK
}

func (g *gui) config() config.Config { return *g.cfg.Load() }

// newSyncer builds the pipeline factory and the syncer of the tray's syncs: the aw-server and
// the calendar of the current config, followed as the settings change them.
func (g *gui) newSyncer() (*syncer.Syncer, error) {
	g.pipe = pipeline.New(pipeline.Env{Getenv: g.env.Getenv, Password: g.env.Password})
	g.cals = g.pipe.LiveStore(g.config)
	return syncer.New(syncer.Options{Config: g.config, Source: g.pipe.LiveSource(g.config), Store: g.cals,
		StatePath: config.StatePath(g.cfgPath)})
}

// start runs the scheduler (once) until the app quits. With auto sync on, its first run
// starts at once; the demo asks for one in any case, so that blocks appear within seconds.
func (g *gui) start() {
	g.startRT.Do(func() {
		go func() {
			if err := g.sched.Run(g.runCtx); err != nil {
				slog.Error("sync scheduler stopped", "error", err)
			}
		}()
		g.started.Store(true)
		go g.applyFeed()
		if g.demo && !g.config().AutoSyncEnabled() {
			g.sched.SyncNow()
		}
	})
}

// saved applies a saved config: the syncer reads it from the next run on, and the scheduler
// reschedules for the new interval, strategy and auto sync setting.
func (g *gui) saved(c *config.Config) {
	g.cfg.Store(c)
	g.sched.Reconfigure()
	g.start()
	go g.applyFeed()
}

// checkTrayHost opens the window, and says how to get a tray icon, when the desktop shows no
// tray icons (stock GNOME without the AppIndicator extension): the app would run invisibly.
func (g *gui) checkTrayHost() {
	ok, err := trayhost.Present(g.env.Getenv)
	slog.Info("system tray", "host", ok, "error", err)
	if ok {
		return
	}
	fyne.Do(func() {
		g.settings.Show()
		dialog.ShowInformation("No system tray", trayhost.Advice, g.settings.Window())
	})
}

// applyFeed starts, moves or stops the subscription feed for the current config; it may wait
// for a download to finish, so it runs off the Fyne goroutine, and notifies when it cannot serve.
func (g *gui) applyFeed() {
	g.feedMu.Lock()
	defer g.feedMu.Unlock()
	if err := g.feeds.Apply(g.config()); err != nil {
		slog.Error("not serving the subscription feed", "error", err)
		fyne.Do(func() { g.app.SendNotification(fyne.NewNotification("awcal: subscription feed", err.Error())) })
	}
}

// showBackfill opens the backfill dialog; before the first Save there is no configuration to
// backfill with, so it shows the settings instead.
func (g *gui) showBackfill() {
	if !g.started.Load() {
		g.settings.Show()
		g.app.SendNotification(fyne.NewNotification("awcal", "Save the settings first: backfills and syncs start once they are saved."))
		return
	}
	ui.ShowBackfill(g.app, g.rt, time.Now())
}

// showReview opens the Review window on the day of the latest pending proposal (today when
// none is pending).
func (g *gui) showReview() {
	go func() {
		day := time.Now()
		if pending, err := g.syncer.Pending(g.runCtx, time.Time{}, time.Time{}); err == nil && len(pending) > 0 {
			day = pending[len(pending)-1].Start
		}
		fyne.Do(func() {
			ui.ShowReview(g.app, g.syncer, ui.ReviewOptions{
				Profiles: func() []profile.Profile { return g.config().Profiles },
				Activity: func(ctx context.Context, from, to time.Time) ([]activity.BucketEvents, error) {
					act, err := syncer.ReadActivity(ctx, g.pipe.Source(g.config().ActivityWatch), g.config(), from, to)
					return act.Buckets, err
				},
				OnChange: g.tray.RefreshReview,
			}, day)
		})
	}()
}

// pendingCount counts the proposals waiting for review, for the tray.
func (g *gui) pendingCount() (int, error) {
	ctx, cancel := context.WithTimeout(g.runCtx, time.Minute)
	defer cancel()
	return g.syncer.PendingCount(ctx)
}

// tryDemo replaces this first-start app with "awcal demo": a separate process with its own
// throw-away config and state, so nothing of the demo lands beside the real config.
func (g *gui) tryDemo() {
	if err := g.replaceWith("demo"); err != nil {
		g.app.SendNotification(fyne.NewNotification("awcal demo", "Cannot start the demo: "+err.Error()))
	}
}

// leaveDemo replaces the demo with awcal on the real config (its first start when there is
// none yet), which asks for a real setup.
func (g *gui) leaveDemo() {
	if err := g.replaceWith(); err != nil {
		g.app.SendNotification(fyne.NewNotification("awcal demo", "Cannot start awcal: "+err.Error()+"; quit the demo and start awcal."))
	}
}

// replaceWith starts this program with args and quits this one.
func (g *gui) replaceWith(args ...string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	g.app.Quit()
	return nil
}

// openCalendar opens the .ics file, or the CalDAV calendar's web page when awcal knows it
// (else the server's URL). Finding the page may open the calendar (network), so it runs off
// the Fyne goroutine.
func (g *gui) openCalendar() {
	c := g.config().Calendar
	if c.Kind != config.CalendarCalDAV {
		g.openURL(&url.URL{Scheme: "file", Path: c.Path}, nil)
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(g.runCtx, 20*time.Second)
		defer cancel()
		var st any
		if s, done, err := g.cals.Use(ctx); err == nil {
			st = s
			done()
		} else {
			slog.Info("opening the calendar's server instead of its web page", "calendar", c.URL, "error", err)
		}
		u, err := url.Parse(calendarPage(st, c.URL))
		fyne.Do(func() { g.openURL(u, err) })
	}()
}

// openLog opens the log file in the desktop's viewer for it.
func (g *gui) openLog() {
	if g.logPath == "" {
		g.app.SendNotification(fyne.NewNotification("awcal", "There is no log file: awcal could not create one (see its standard error)."))
		return
	}
	if err := g.app.OpenURL(&url.URL{Scheme: "file", Path: g.logPath}); err != nil {
		g.app.SendNotification(fyne.NewNotification("awcal", "Cannot open the log "+g.logPath+": "+err.Error()))
	}
}

// calendarPage is the page "Open calendar" shows for a CalDAV calendar: the store's web page
// when it knows one (Nextcloud, ownCloud), else the server's URL.
func calendarPage(st any, serverURL string) string {
	if w, ok := st.(interface{ WebURL() string }); ok && w.WebURL() != "" {
		return w.WebURL()
	}
	return serverURL
}

// openURL opens u (unless err is set) and notifies when that fails. It runs on the Fyne goroutine.
func (g *gui) openURL(u *url.URL, err error) {
	if err == nil {
		err = g.app.OpenURL(u)
	}
	if err != nil {
		g.app.SendNotification(fyne.NewNotification("awcal", "Cannot open the calendar: "+err.Error()))
	}
}

// showBrokenConfig shows why the config cannot be read and keeps the file as it is.
func (g *gui) showBrokenConfig(err error) int {
	fmt.Fprintln(g.env.Stderr, "awcal:", err)
	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.AppIcon)
	w := a.NewWindow("awcal: the config needs fixing")
	msg := widget.NewLabel(err.Error() + "\n\nawcal has not changed the file. Fix it in a text editor, or move it away to start afresh, then start awcal again.")
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil, container.NewHBox(widget.NewButton("Quit", a.Quit)), nil, nil,
		container.NewVScroll(msg)))
	w.Resize(fyne.NewSize(640, 360))
	w.ShowAndRun()
	return cli.ExitUsage
}

// deps are the settings window's dependencies, built from the same pipeline factory as the
// syncer's source and store.
func (g *gui) deps() ui.Deps {
	exe, _ := os.Executable()
	var auto *ui.Autostart
	if p, err := ui.AutostartPath(); err == nil && !g.demo {
		auto = &ui.Autostart{Path: p, Exec: exe}
	}
	return ui.NewDeps(ui.CoreOptions{
		Pipeline:   g.pipe,
		ConfigPath: g.cfgPath,
		PurgeProfile: func(ctx context.Context, id string, dryRun bool) (int, error) {
			if !g.started.Load() {
				return 0, nil // no saved config yet, so no calendar awcal has written to
			}
			evs, err := g.syncer.PurgeProfile(ctx, id, time.Time{}, time.Time{}, dryRun)
			return len(evs), err
		},
		Autostart: auto,
	})
}
