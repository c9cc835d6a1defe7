//go:build unix

package testreal

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDisplayTakenOnlyByALiveServer(t *testing.T) {
	dir := t.TempDir()
	lock := func(content string) string {
		p := filepath.Join(dir, "lock")
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	dead := exec.Command("true")
	require.NoError(t, dead.Run())

	assert.False(t, displayTaken(filepath.Join(dir, "none")), "no lock file: free")
	assert.True(t, displayTaken(lock(fmt.Sprintf("%10d\n", os.Getpid()))), "Xvfb's format, a running process: taken")
	assert.False(t, displayTaken(lock(fmt.Sprintf("%10d\n", dead.Process.Pid))), "left by a killed server: free")
	assert.True(t, displayTaken(lock("garbage")), "unreadable pid: taken")
}
