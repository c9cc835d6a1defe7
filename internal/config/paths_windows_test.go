package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests check Windows itself (make test-windows runs the whole package under Wine): the
// real %APPDATA% and %LOCALAPPDATA%, and a config edited with CRLF line ends.

func TestWindowsFoldersComeFromAppData(t *testing.T) {
	appData, localAppData := os.Getenv("APPDATA"), os.Getenv("LOCALAPPDATA")
	require.NotEmpty(t, appData, "Windows (and Wine) set %APPDATA%")
	require.NotEmpty(t, localAppData, "Windows (and Wine) set %LOCALAPPDATA%")

	p, err := DefaultPath(os.Getenv)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(appData, "awcal", "config.json"), p)
	assert.Equal(t, filepath.Join(filepath.Dir(p), "state.json"), StatePath(p))
	cal, err := DefaultCalendarPath(os.Getenv)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(localAppData, "awcal", "activity.ics"), cal)
	assert.True(t, filepath.IsAbs(cal))

	_, err = DefaultPath(func(string) string { return "" })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "%AppData% is not defined; set AWCAL_CONFIG")
}

func TestWindowsConfigRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c := Default(os.Getenv)
	c.Calendar.Path = filepath.Join(dir, "Calendars", "activity.ics")
	path := filepath.Join(dir, "awcal", "config.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, Save(path, &c))
	got, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, c, *got)

	// A file edited in Notepad has CRLF line ends.
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	crlf := strings.ReplaceAll(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n", "\r\n")
	require.NoError(t, os.WriteFile(path, []byte(crlf), 0o600))
	got, err = Load(path)
	require.NoError(t, err)
	assert.Equal(t, c, *got)

	// A path without a drive is not a full path there.
	c.Calendar.Path = `\Calendars\activity.ics`
	err = Save(path, &c)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "$.calendar.path: must be a full path")
}
