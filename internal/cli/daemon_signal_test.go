//go:build unix

package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/syncer"
)

// tempFiles lists what atomic writes leave beside the calendar when they are cut short.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	require.NoError(t, err)
	return m
}

// daemonHelperEnv makes the test binary run "awcal daemon --config F" as main does (SIGTERM
// ends its context), with a store that, on its first write, says "writing" on stdout and waits
// for SIGTERM before writing.
const daemonHelperEnv = "AWCAL_DAEMON_HELPER"

// stallingStore holds the first Apply until the daemon is told to stop.
type stallingStore struct {
	syncer.Store
	stop    context.Context
	stalled bool
}

func (s *stallingStore) Apply(ctx context.Context, changes []calendar.Change) error {
	if !s.stalled {
		s.stalled = true
		fmt.Println("writing")
		<-s.stop.Done()
	}
	return s.Store.Apply(ctx, changes)
}

// TestMain lets the test binary stand in for awcal in subprocess tests (daemonHelperEnv).
func TestMain(m *testing.M) {
	if os.Getenv(daemonHelperEnv) != "" {
		os.Exit(daemonHelper(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func daemonHelper(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	return daemonMain(ctx, env, append([]string{}, args...), daemonHooks{
		store: func(stop context.Context, st syncer.Store) syncer.Store {
			return &stallingStore{Store: st, stop: stop}
		},
	})
}

func TestDaemonFinishesTheWriteOnSIGTERM(t *testing.T) {
	cfgPath, cfg, environ := daemonSetup(t)
	cmd := exec.Command(os.Args[0], "--config", cfgPath)
	cmd.Env = append(os.Environ(), daemonHelperEnv+"=1", "XDG_RUNTIME_DIR="+environ["XDG_RUNTIME_DIR"])
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err, stderr.String())
	require.Equal(t, "writing\n", line)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "the daemon exits 0 after SIGTERM: %s", stderr.String())

	assert.Contains(t, stderr.String(), "stopping after the running sync")
	evs := ownedEvents(t, cfg.Calendar.Path)
	require.Len(t, evs, 1, "the write that SIGTERM interrupted was finished")
	assert.Equal(t, "Coding · awcal", evs[0].Title)
	assert.Empty(t, tempFiles(t, filepath.Dir(cfg.Calendar.Path)), "no temp file left")
	st, err := config.LoadState(config.StatePath(cfgPath))
	require.NoError(t, err)
	require.NotNil(t, st.LastRun)
	assert.Empty(t, st.LastRun.Error)
	assert.Equal(t, 1, st.LastRun.Created)
	require.NotNil(t, st.LastSyncTime, "the run's end was recorded")
}
