package main

import (
	"fmt"
	"log/slog"

	"github.com/awcal/awcal/internal/cli"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/logfile"
)

// setupLog makes the tray app's default logger: the rotated log file under the user state
// folder and standard error, at Info, or Debug when verbose. Without a log file (no state
// folder, no permission) it logs to standard error only and says so. It returns the file's
// path ("" without one) and the func that closes it.
func setupLog(env cli.Env, verbose bool) (path string, closeLog func()) {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	stderr := logfile.NewHandler(env.Stderr, level)
	p, err := config.LogPath(env.Getenv)
	var f *logfile.File
	if err == nil {
		f, err = logfile.Open(p, logfile.DefaultMaxBytes, logfile.DefaultKeep)
	}
	if err != nil {
		slog.SetDefault(slog.New(stderr))
		slog.Warn("logging to standard error only", "error", err)
		return "", func() {}
	}
	slog.SetDefault(slog.New(slog.NewMultiHandler(logfile.NewHandler(f, level), stderr)))
	return p, func() {
		if err := f.Close(); err != nil {
			fmt.Fprintln(env.Stderr, "awcal: closing the log:", err)
		}
	}
}
