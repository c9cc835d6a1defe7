package config

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapEnv is a fake environment for getenv parameters.
type mapEnv map[string]string

func (m mapEnv) get(k string) string { return m[k] }

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		name    string
		env     mapEnv
		want    string
		wantErr string
	}{
		{"AWCAL_CONFIG wins", mapEnv{"AWCAL_CONFIG": "/etc/awcal.json", "XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/etc/awcal.json", ""},
		{"XDG_CONFIG_HOME", mapEnv{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, filepath.Join("/x", "awcal", "config.json"), ""},
		{"HOME", mapEnv{"HOME": "/h"}, filepath.Join("/h", ".config", "awcal", "config.json"), ""},
		{"relative XDG_CONFIG_HOME", mapEnv{"XDG_CONFIG_HOME": "x", "HOME": "/h"}, "", "$XDG_CONFIG_HOME is a relative path"},
		{"nothing", mapEnv{}, "", "$HOME is not defined; set AWCAL_CONFIG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultPath(tt.env.get)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			if tt.env["AWCAL_CONFIG"] == "" && !isUnix() {
				t.Skip("the XDG cases apply on Linux and BSD") // the per-OS table below covers the others
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestUserDirsPerOS(t *testing.T) {
	env := mapEnv{"HOME": "/h", "XDG_CONFIG_HOME": "/xc", "XDG_DATA_HOME": "/xd", "AppData": `C:\Users\a\AppData\Roaming`, "LocalAppData": `C:\Users\a\AppData\Local`}
	tests := []struct {
		goos, config, data string
	}{
		{"linux", "/xc", "/xd"},
		{"freebsd", "/xc", "/xd"},
		{"darwin", filepath.Join("/h", "Library", "Application Support"), filepath.Join("/h", "Library", "Application Support")},
		{"windows", `C:\Users\a\AppData\Roaming`, `C:\Users\a\AppData\Local`},
	}
	for _, tt := range tests {
		t.Run(tt.goos, func(t *testing.T) {
			c, err := userConfigDir(tt.goos, env.get)
			require.NoError(t, err)
			assert.Equal(t, tt.config, c)
			d, err := userDataDir(tt.goos, env.get)
			require.NoError(t, err)
			assert.Equal(t, tt.data, d)
		})
	}
	t.Run("linux without XDG", func(t *testing.T) {
		d, err := userDataDir("linux", mapEnv{"HOME": "/h"}.get)
		require.NoError(t, err)
		assert.Equal(t, filepath.Join("/h", ".local", "share"), d)
	})
	t.Run("windows without AppData", func(t *testing.T) {
		_, err := userConfigDir("windows", mapEnv{"HOME": "/h"}.get)
		assert.ErrorContains(t, err, "%AppData% is not defined")
	})
	t.Run("darwin without HOME", func(t *testing.T) {
		_, err := userDataDir("darwin", mapEnv{}.get)
		assert.ErrorContains(t, err, "$HOME is not defined")
	})
	t.Run("relative XDG_DATA_HOME", func(t *testing.T) {
		_, err := userDataDir("linux", mapEnv{"HOME": "/h", "XDG_DATA_HOME": "data"}.get)
		assert.ErrorContains(t, err, "$XDG_DATA_HOME is a relative path")
	})
}

func TestDefaultCalendarPath(t *testing.T) {
	got, err := DefaultCalendarPath(mapEnv{"HOME": "/h", "XDG_DATA_HOME": "/xd"}.get)
	require.NoError(t, err)
	if isUnix() {
		assert.Equal(t, filepath.Join("/xd", "awcal", "activity.ics"), got)
	}
	assert.Equal(t, "activity.ics", filepath.Base(got))
	_, err = DefaultCalendarPath(mapEnv{}.get)
	assert.Error(t, err)
}

func TestLogPath(t *testing.T) {
	for _, tt := range []struct {
		goos string
		env  mapEnv
		want string
	}{
		{"linux", mapEnv{"HOME": "/h", "XDG_STATE_HOME": "/xs"}, "/xs"},
		{"linux", mapEnv{"HOME": "/h"}, filepath.Join("/h", ".local", "state")},
		{"darwin", mapEnv{"HOME": "/h"}, filepath.Join("/h", "Library", "Logs")},
		{"windows", mapEnv{"LocalAppData": `C:\L`}, `C:\L`},
	} {
		got, err := userStateDir(tt.goos, tt.env.get)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, tt.goos)
	}
	_, err := userStateDir("linux", mapEnv{"HOME": "/h", "XDG_STATE_HOME": "state"}.get)
	assert.ErrorContains(t, err, "$XDG_STATE_HOME is a relative path")
	got, err := LogPath(mapEnv{"HOME": "/h", "XDG_STATE_HOME": "/xs", "LocalAppData": `C:\L`}.get)
	require.NoError(t, err)
	assert.Equal(t, "awcal.log", filepath.Base(got))
	assert.Equal(t, "awcal", filepath.Base(filepath.Dir(got)))
}

func TestStatePath(t *testing.T) {
	assert.Equal(t, filepath.Join("/h", ".config", "awcal", "state.json"), StatePath(filepath.Join("/h", ".config", "awcal", "config.json")))
	assert.Equal(t, "state.json", StatePath("config.json"))
}

// isUnix reports whether this OS takes the XDG branch of userConfigDir.
func isUnix() bool {
	switch runtime.GOOS {
	case "windows", "darwin", "ios":
		return false
	}
	return true
}
