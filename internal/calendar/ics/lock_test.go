package ics

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

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
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

func TestSecondProcessCannotWrite(t *testing.T) {
	if !lockEnforced() {
		t.Skipf("awcal has no advisory lock on %s", runtime.GOOS)
	}
	path := filepath.Join(t.TempDir(), "cal.ics")
	other := exec.Command(os.Args[0], "-test.run=^$")
	other.Env = append(os.Environ(), lockHelperEnv+"="+path)
	other.Stderr = os.Stderr
	stdin, err := other.StdinPipe()
	require.NoError(t, err)
	stdout, err := other.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, other.Start())
	t.Cleanup(func() {
		stdin.Close()
		_ = other.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "the other process did not take the lock")
	require.Equal(t, "locked\n", line)

	s := openStore(t, path)
	err = s.Apply(context.Background(), creates(newEvent("second writer", 9)))
	require.ErrorIs(t, err, ErrLocked)
	assert.Contains(t, err.Error(), "calendar file "+path+" is in use by another awcal")
	assert.Contains(t, err.Error(), fmt.Sprintf("(process %d", other.Process.Pid), "the error names the holder")
	assert.Contains(t, err.Error(), "quit that one first")
	evs := readAll(t, s)
	require.Len(t, evs, 1, "reading is not locked, and the refused write wrote nothing")
	assert.Equal(t, "written by the other process", evs[0].Title)

	require.NoError(t, stdin.Close())
	require.NoError(t, other.Wait())
	require.NoError(t, s.Apply(context.Background(), creates(newEvent("second writer", 9))),
		"once the other process is gone the lock is free")
	assert.Len(t, readAll(t, s), 2)
}

func TestLockHeldUntilClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	s, err := Open(path)
	require.NoError(t, err)
	require.NoError(t, s.Apply(context.Background(), creates(newEvent("x", 9))))

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
	if lockEnforced() {
		assert.ErrorIs(t, probe(), errWouldBlock, "the lock is held between writes")
	}
	require.NoError(t, s.Close())
	assert.NoError(t, probe(), "Close releases the lock")
	require.NoError(t, s.Close(), "Close twice is fine")
	require.NoError(t, s.Apply(context.Background(), creates(newEvent("y", 10))), "a closed store locks again")
	require.NoError(t, s.Close())
}

// lockEnforced reports whether lockFile really locks on this system (see lock_other.go).
func lockEnforced() bool {
	switch runtime.GOOS {
	case "darwin", "dragonfly", "freebsd", "linux", "netbsd", "openbsd", "windows":
		return true
	}
	return false
}
