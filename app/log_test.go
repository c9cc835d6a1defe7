package main

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/cli"
)

// A failed automatic sync leaves a trace in the log file (the scheduler logs through the
// default logger), at Info by default and Debug with --verbose, and no credentials.
func TestTrayAppLogsToARotatedFile(t *testing.T) {
	defer slog.SetDefault(slog.Default())
	state := t.TempDir()
	var stderr bytes.Buffer
	env := cli.Env{Stderr: &stderr, Getenv: func(k string) string {
		return map[string]string{"XDG_STATE_HOME": state, "HOME": t.TempDir(), "LocalAppData": state}[k]
	}}

	path, closeLog := setupLog(env, false)
	require.NotEmpty(t, path)
	assert.Equal(t, state, filepath.Dir(filepath.Dir(path)))
	slog.Warn("sync failed", "trigger", "automatic", "error", errors.New(`Get "https://ann:hunter2@dav.example.org/": connection refused`))
	slog.Debug("piece fetched")
	closeLog()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	log := string(b)
	assert.Contains(t, log, "sync failed")
	assert.Contains(t, log, "trigger=automatic")
	assert.NotContains(t, log, "hunter2")
	assert.NotContains(t, log, "piece fetched", "Debug only with --verbose")
	assert.Contains(t, stderr.String(), "sync failed", "standard error still gets the lines")

	path, closeLog = setupLog(env, true)
	slog.Debug("piece fetched")
	closeLog()
	b, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(b), "piece fetched"), "--verbose logs Debug")

	// Without a state folder the app logs to standard error only and says so.
	stderr.Reset()
	path, closeLog = setupLog(cli.Env{Stderr: &stderr, Getenv: func(string) string { return "" }}, false)
	closeLog()
	assert.Empty(t, path)
	assert.Contains(t, stderr.String(), "logging to standard error only")
}
