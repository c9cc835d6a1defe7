// Package trayhost tells whether the desktop shows tray icons. On Linux and the BSDs a tray icon
// is a StatusNotifierItem, which only appears when a program owns
// org.kde.StatusNotifierWatcher on the session bus; stock GNOME has none unless the
// AppIndicator extension is installed, so an app that relied on its icon would run invisibly.
package trayhost

// WatcherName is the bus name a tray host (the StatusNotifier watcher) owns.
const WatcherName = "org.kde.StatusNotifierWatcher"

// Advice says how to get a tray icon, for the window awcal shows when there is none.
const Advice = "No system tray was found on this desktop, so awcal shows its window instead of a tray icon. " +
	"On GNOME, install the AppIndicator extension (package gnome-shell-extension-appindicator on Debian, " +
	"Ubuntu and Fedora), turn it on in Extensions and log in again. " +
	"awcal keeps syncing while it runs; launching awcal again brings this window back. " +
	"To sync without any window, use 'awcal service install'."
