package logfile

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar/caldav"
)

func TestFileRotatesBySize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "awcal", "awcal.log")
	f, err := Open(path, 100, 2)
	require.NoError(t, err)
	line := strings.Repeat("x", 39) + "\n" // 40 bytes: two lines fit, the third rotates
	for i := range 7 {
		_, err := f.Write([]byte(string(rune('a'+i)) + line[1:]))
		require.NoError(t, err)
	}
	require.NoError(t, f.Close())

	read := func(p string) string {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		return string(b)
	}
	assert.Equal(t, "g", read(path)[:1], "the newest line is in the file")
	assert.Len(t, read(path), 40)
	assert.Equal(t, "ef", string([]byte{read(path + ".1")[0], read(path + ".1")[40]}))
	assert.Equal(t, "cd", string([]byte{read(path + ".2")[0], read(path + ".2")[40]}))
	assert.NoFileExists(t, path+".3", "only keep older files stay")

	fi, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS != "windows" { // no Unix permission bits there
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the log is its owner's only")
	}
	di, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	if runtime.GOOS != "windows" { // no Unix permission bits there
		assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())
	}

	// Reopened, it appends.
	f, err = Open(path, 100, 2)
	require.NoError(t, err)
	_, err = f.Write([]byte("h\n"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.True(t, strings.HasSuffix(read(path), line[1:]+"h\n"))
	_, err = f.Write([]byte("late"))
	assert.ErrorIs(t, err, os.ErrClosed)
}

func TestHandlerKeepsSecretsOut(t *testing.T) {
	var sb strings.Builder
	log := slog.New(NewHandler(&sb, slog.LevelInfo))
	log.Info("opening https://ann:hunter2@dav.example.org/cal/", "url", "https://ann:hunter2@dav.example.org/",
		"error", errors.New(`Get "https://ann:hunter2@dav.example.org/": EOF`), "password", caldav.Secret("hunter2"))
	log.Debug("not at Info", "k", "v")
	out := sb.String()
	assert.NotContains(t, out, "hunter2")
	assert.Contains(t, out, "https://REDACTED@dav.example.org/cal/")
	assert.NotContains(t, out, "not at Info")

	sb.Reset()
	slog.New(NewHandler(&sb, slog.LevelDebug)).Debug("at Debug", "k", "v")
	assert.Contains(t, sb.String(), "at Debug")
}
