package config

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapEnv is a fake environment for getenv parameters.
type mapEnv map[string]string

func (m mapEnv) get(k string) string { return m[k] }

func TestDefaultPath(t *testing.T) {
	const appData = `C:\Users\a\AppData\Roaming`
	type want struct{ path, err string } // err: a text the error must contain
	macOS := want{path: filepath.Join(abs("/h"), "Library", "Application Support", "awcal", "config.json")}
	windows := want{path: appData + `\awcal\config.json`}
	tests := []struct {
		name                  string
		env                   mapEnv
		unix, darwin, windows want
	}{
		{"AWCAL_CONFIG wins", mapEnv{"AWCAL_CONFIG": abs("/etc/awcal.json"), "XDG_CONFIG_HOME": abs("/x"), "HOME": abs("/h"), "AppData": appData},
			want{path: abs("/etc/awcal.json")}, want{path: abs("/etc/awcal.json")}, want{path: abs("/etc/awcal.json")}},
		{"XDG_CONFIG_HOME", mapEnv{"XDG_CONFIG_HOME": abs("/x"), "HOME": abs("/h"), "AppData": appData},
			want{path: filepath.Join(abs("/x"), "awcal", "config.json")}, macOS, windows},
		{"HOME", mapEnv{"HOME": abs("/h"), "AppData": appData},
			want{path: filepath.Join(abs("/h"), ".config", "awcal", "config.json")}, macOS, windows},
		{"relative XDG_CONFIG_HOME", mapEnv{"XDG_CONFIG_HOME": "x", "HOME": abs("/h"), "AppData": appData},
			want{err: "$XDG_CONFIG_HOME is a relative path"}, macOS, windows},
		{"nothing", mapEnv{},
			want{err: "$HOME is not defined; set AWCAL_CONFIG"}, want{err: "$HOME is not defined; set AWCAL_CONFIG"},
			want{err: "%AppData% is not defined; set AWCAL_CONFIG"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := perOS(tt.unix, tt.darwin, tt.windows)
			got, err := DefaultPath(tt.env.get)
			if w.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), w.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, w.path, got)
		})
	}
}

// TestUserDirsPerOS takes each OS's branch whatever OS runs it, with full paths of the OS
// that runs it (abs).
func TestUserDirsPerOS(t *testing.T) {
	env := mapEnv{"HOME": abs("/h"), "XDG_CONFIG_HOME": abs("/xc"), "XDG_DATA_HOME": abs("/xd"), "AppData": `C:\Users\a\AppData\Roaming`, "LocalAppData": `C:\Users\a\AppData\Local`}
	tests := []struct {
		goos, config, data string
	}{
		{"linux", abs("/xc"), abs("/xd")},
		{"freebsd", abs("/xc"), abs("/xd")},
		{"darwin", filepath.Join(abs("/h"), "Library", "Application Support"), filepath.Join(abs("/h"), "Library", "Application Support")},
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
		d, err := userDataDir("linux", mapEnv{"HOME": abs("/h")}.get)
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(abs("/h"), ".local", "share"), d)
	})
	t.Run("windows without AppData", func(t *testing.T) {
		_, err := userConfigDir("windows", mapEnv{"HOME": abs("/h")}.get)
		assert.ErrorContains(t, err, "%AppData% is not defined")
	})
	t.Run("darwin without HOME", func(t *testing.T) {
		_, err := userDataDir("darwin", mapEnv{}.get)
		assert.ErrorContains(t, err, "$HOME is not defined")
	})
	t.Run("relative XDG_DATA_HOME", func(t *testing.T) {
		_, err := userDataDir("linux", mapEnv{"HOME": abs("/h"), "XDG_DATA_HOME": "data"}.get)
		assert.ErrorContains(t, err, "$XDG_DATA_HOME is a relative path")
	})
}

func TestDefaultCalendarPath(t *testing.T) {
	got, err := DefaultCalendarPath(mapEnv{"HOME": abs("/h"), "XDG_DATA_HOME": abs("/xd"), "LocalAppData": `C:\L`}.get)
	require.NoError(t, err)
	assert.Equal(t, perOS(filepath.Join(abs("/xd"), "awcal", "activity.ics"),
		filepath.Join(abs("/h"), "Library", "Application Support", "awcal", "activity.ics"),
		`C:\L\awcal\activity.ics`), got)
	_, err = DefaultCalendarPath(mapEnv{}.get)
	assert.ErrorContains(t, err, perOS("$HOME is not defined", "$HOME is not defined", "%LocalAppData% is not defined"))
}

func TestLogPath(t *testing.T) {
	for _, tt := range []struct {
		goos string
		env  mapEnv
		want string
	}{
		{"linux", mapEnv{"HOME": abs("/h"), "XDG_STATE_HOME": abs("/xs")}, abs("/xs")},
		{"linux", mapEnv{"HOME": abs("/h")}, filepath.Join(abs("/h"), ".local", "state")},
		{"darwin", mapEnv{"HOME": abs("/h")}, filepath.Join(abs("/h"), "Library", "Logs")},
		{"windows", mapEnv{"LocalAppData": `C:\L`}, `C:\L`},
	} {
		got, err := userStateDir(tt.goos, tt.env.get)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, tt.goos)
	}
	_, err := userStateDir("linux", mapEnv{"HOME": abs("/h"), "XDG_STATE_HOME": "state"}.get)
	assert.ErrorContains(t, err, "$XDG_STATE_HOME is a relative path")
	got, err := LogPath(mapEnv{"HOME": abs("/h"), "XDG_STATE_HOME": abs("/xs"), "LocalAppData": `C:\L`}.get)
	require.NoError(t, err)
	assert.Equal(t, perOS(filepath.Join(abs("/xs"), "awcal", "awcal.log"),
		filepath.Join(abs("/h"), "Library", "Logs", "awcal", "awcal.log"),
		`C:\L\awcal\awcal.log`), got)
}

func TestStatePath(t *testing.T) {
	assert.Equal(t, filepath.Join("/h", ".config", "awcal", "state.json"), StatePath(filepath.Join("/h", ".config", "awcal", "config.json")))
	assert.Equal(t, "state.json", StatePath("config.json"))
}
