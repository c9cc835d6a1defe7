package ics

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/awcal/awcal/internal/atomicfile"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockHelperEnv makes the test binary a second awcal process that takes the lock of the file
// it names and holds it until its stdin closes.
const lockHelperEnv = "AWCAL_ICS_LOCK_HELPER"

func TestMain(m *testing.M) {
	if path := os.Getenv(lockHelperEnv); path != "" {
		os.Exit(holdLock(path))
	}
	os.Exit(m.Run())
}

func holdLock(path string) int {
	s, err := Open(path)
	if err == nil {
		err = s.Apply(context.Background(), creates(newEvent("written by the other process", 8)))
	}
	var l *fileLock
	if err == nil {
		l, err = acquire(context.Background(), path, 0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return exitCode(l.release())
}

func exitCode(err error) int {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startHolder starts a second awcal process that writes one event to path and then holds its
// lock until the returned function is called.
func startHolder(t *testing.T, path string) (pid int, quit func()) {
	t.Helper()
	other := exec.Command(os.Args[0], "-test.run=^$")
	other.Env = append(os.Environ(), lockHelperEnv+"="+path)
	other.Stderr = os.Stderr
	stdin, err := other.StdinPipe()
	require.NoError(t, err)
	stdout, err := other.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, other.Start())
	quit = func() {
		stdin.Close()
		_ = other.Wait()
	}
	t.Cleanup(quit)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "the other process did not take the lock")
	require.Equal(t, "locked\n", line)
	return other.Process.Pid, quit
}

func TestSecondProcessWaitsThenGivesUp(t *testing.T) {
	if !lockEnforced() {
		t.Skipf("awcal has no advisory lock on %s", runtime.GOOS)
	}
	path := filepath.Join(t.TempDir(), "cal.ics")
	pid, quit := startHolder(t, path)

	s := openStore(t, path)
	s.lockWait = 3 * lockPoll
	err := s.Apply(context.Background(), creates(newEvent("second writer", 9)))
	require.ErrorIs(t, err, ErrLocked)
	assert.Contains(t, err.Error(), "calendar file "+path+" is in use by another awcal")
	assert.Contains(t, err.Error(), fmt.Sprintf("(process %d)", pid), "the error names the holder")
	assert.Contains(t, err.Error(), "wait for it or quit it")
	evs := readAll(t, s)
	require.Len(t, evs, 1, "reading is not locked, and the refused write wrote nothing")
	assert.Equal(t, "written by the other process", evs[0].Title)

	quit()
	require.NoError(t, s.Apply(context.Background(), creates(newEvent("second writer", 9))),
		"once the other process is gone the lock is free")
	assert.Len(t, readAll(t, s), 2)
}

// TestLockNamesHolderAlways is defect 11 of issue 13: a process that found the lock taken read
// the holder's pid before the holder had written it, and its message named nobody (or a
// previous holder). The holder here pauses between taking the lock and writing its pid.
func TestLockNamesHolderAlways(t *testing.T) {
	if !lockEnforced() {
		t.Skipf("awcal has no advisory lock on %s", runtime.GOOS)
	}
	path := filepath.Join(t.TempDir(), "cal.ics")
	require.NoError(t, os.WriteFile(path+".lock", []byte("999999\n"), 0o600), "a previous holder's pid")
	paused, resume := make(chan struct{}), make(chan struct{})
	afterLock = func() {
		close(paused)
		<-resume
	}
	t.Cleanup(func() { afterLock = func() {} })
	held := make(chan *os.File)
	go func() {
		f, err := lockPath(context.Background(), path, 0)
		assert.NoError(t, err)
		held <- f
	}()
	<-paused
	afterLock = func() {}
	refused := make(chan error)
	go func() {
		// A separate open file description conflicts with the held flock, as another process
		// would; it reads the holder's pid once it is written.
		_, err := lockPath(context.Background(), path, 0)
		refused <- err
	}()
	close(resume)
	f := <-held
	err := <-refused
	require.ErrorIs(t, err, ErrLocked)
	assert.Contains(t, err.Error(), fmt.Sprintf("(process %d)", os.Getpid()))
	require.NoError(t, unlockFile(f))
	require.NoError(t, f.Close())
}

func TestLockHeldOnlyDuringApply(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	s, err := Open(path)
	require.NoError(t, err)

	// A separate open file description conflicts with the held flock, as another process would.
	probe := func() error {
		f, err := os.OpenFile(path+".lock", os.O_RDWR, 0)
		require.NoError(t, err)
		defer f.Close()
		err = lockFile(f)
		if err == nil {
			require.NoError(t, unlockFile(f))
		}
		return err
	}
	s.writeFile = func(p string, data []byte, perm fs.FileMode, unchanged func([]byte, bool) error) error {
		if lockEnforced() {
			assert.ErrorIs(t, probe(), errWouldBlock, "the lock is held while the file is written")
		}
		return atomicfile.WriteFileIf(p, data, perm, unchanged)
	}
	require.NoError(t, s.Apply(context.Background(), creates(newEvent("x", 9))))
	assert.NoError(t, probe(), "the lock is free between writes")
	require.NoError(t, s.Close())
	require.NoError(t, s.Apply(context.Background(), creates(newEvent("y", 10))), "a closed store still writes")
	assert.NoError(t, probe())
}

// lockEnforced reports whether lockFile really locks on this system (see lock_other.go).
func lockEnforced() bool {
	switch runtime.GOOS {
	case "darwin", "dragonfly", "freebsd", "linux", "netbsd", "openbsd", "windows":
		return true
	}
	return false
}
