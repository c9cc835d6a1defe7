package config

import (
	"errors"
	"path/filepath"
	"runtime"
)

// EnvConfig names the environment variable that overrides the config file's path.
const EnvConfig = "AWCAL_CONFIG"

// appDir is the folder awcal uses inside the per-user config and data folders.
const appDir = "awcal"

// DefaultPath returns the config file's path: $AWCAL_CONFIG when set, else
// <user config dir>/awcal/config.json, where the user config dir follows os.UserConfigDir
// ($XDG_CONFIG_HOME or ~/.config on Linux and BSD, ~/Library/Application Support on macOS,
// %AppData% on Windows). getenv is os.Getenv in production; tests pass a map lookup.
func DefaultPath(getenv func(string) string) (string, error) {
	if p := getenv(EnvConfig); p != "" {
		return p, nil
	}
	dir, err := userConfigDir(runtime.GOOS, getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, appDir, "config.json"), nil
}

// StatePath returns the state file's path: state.json beside the config file.
func StatePath(configPath string) string {
	return filepath.Join(filepath.Dir(configPath), "state.json")
}

// DefaultCalendarPath returns where the default .ics calendar lives: <user data dir>/awcal/
// activity.ics, where the user data dir is $XDG_DATA_HOME or ~/.local/share on Linux and BSD,
// ~/Library/Application Support on macOS and %LocalAppData% on Windows.
func DefaultCalendarPath(getenv func(string) string) (string, error) {
	dir, err := userDataDir(runtime.GOOS, getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, appDir, "activity.ics"), nil
}

// LogPath returns the tray app's log file: <user state dir>/awcal/awcal.log, where the user
// state dir is $XDG_STATE_HOME or ~/.local/state on Linux and BSD, ~/Library/Logs on macOS and
// %LocalAppData% on Windows.
func LogPath(getenv func(string) string) (string, error) {
	dir, err := userStateDir(runtime.GOOS, getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, appDir, "awcal.log"), nil
}

// userStateDir is the state-folder counterpart of userConfigDir (Go has no os.UserStateDir).
func userStateDir(goos string, getenv func(string) string) (string, error) {
	switch goos {
	case "windows":
		return windowsDir(getenv, "LocalAppData")
	case "darwin", "ios":
		return homeDir(getenv, "Library", "Logs")
	}
	return xdgDir(getenv, "XDG_STATE_HOME", filepath.Join(".local", "state"))
}

// userConfigDir is os.UserConfigDir with the environment and the OS as parameters, so that
// tests can drive every branch.
func userConfigDir(goos string, getenv func(string) string) (string, error) {
	switch goos {
	case "windows":
		return windowsDir(getenv, "AppData")
	case "darwin", "ios":
		return homeDir(getenv, "Library", "Application Support")
	}
	return xdgDir(getenv, "XDG_CONFIG_HOME", ".config")
}

// userDataDir is the data-folder counterpart of userConfigDir (Go has no os.UserDataDir).
func userDataDir(goos string, getenv func(string) string) (string, error) {
	switch goos {
	case "windows":
		return windowsDir(getenv, "LocalAppData")
	case "darwin", "ios":
		return homeDir(getenv, "Library", "Application Support")
	}
	return xdgDir(getenv, "XDG_DATA_HOME", filepath.Join(".local", "share"))
}

func windowsDir(getenv func(string) string, name string) (string, error) {
	dir := getenv(name)
	if dir == "" {
		return "", errors.New("finding the user folder: %" + name + "% is not defined; set " + EnvConfig + " to choose the config file")
	}
	return dir, nil
}

func homeDir(getenv func(string) string, elem ...string) (string, error) {
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("finding the user folder: $HOME is not defined; set " + EnvConfig + " to choose the config file")
	}
	return filepath.Join(append([]string{home}, elem...)...), nil
}

// xdgDir follows the XDG base directory spec: a set, absolute $name wins, a relative one is an
// error (the spec says to ignore it; os.UserConfigDir refuses it, and so do we, rather than
// silently writing somewhere the user did not ask for), else $HOME/fallback.
func xdgDir(getenv func(string) string, name, fallback string) (string, error) {
	if dir := getenv(name); dir != "" {
		if !filepath.IsAbs(dir) {
			return "", errors.New("finding the user folder: $" + name + " is a relative path; make it absolute or unset it")
		}
		return dir, nil
	}
	return homeDir(getenv, fallback)
}
