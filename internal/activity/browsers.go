package activity

// DefaultBrowsers returns the browser table of ENGINE.md D1 (the engine's browser detection and
// same-browser enforcement use it unless the config lists its own): each browser, named as
// aw-watcher-web names its bucket, mapped to its window app names on Linux, Windows and macOS.
// App names are compared case-insensitively and without a trailing ".exe", so "firefox.exe"
// and "Firefox" both need only one entry. Forks that aw-watcher-web reports as "chrome" or
// "firefox" have their own entries: the D9 escape clause admits them.
func DefaultBrowsers() map[string][]string {
	return map[string][]string{
		"firefox": {"Firefox", "firefox", "firefox-esr", "Firefox Developer Edition", "firefox-developer-edition",
			"firefoxdeveloperedition", "Firefox Nightly", "firefox-nightly", "Firefox Beta", "firefox-beta"},
		"chrome": {"Google-chrome", "google-chrome", "google-chrome-stable", "google-chrome-beta",
			"google-chrome-unstable", "chrome", "Google Chrome", "Google Chrome Beta", "Google Chrome Canary"},
		"chromium":  {"Chromium", "chromium", "chromium-browser", "Chromium-browser"},
		"edge":      {"msedge", "Microsoft-edge", "microsoft-edge", "microsoft-edge-stable", "microsoft-edge-beta", "Microsoft Edge"},
		"brave":     {"Brave-browser", "brave-browser", "brave", "Brave Browser"},
		"opera":     {"Opera", "opera"},
		"vivaldi":   {"Vivaldi", "vivaldi", "Vivaldi-stable", "vivaldi-stable"},
		"safari":    {"Safari", "Safari Technology Preview"},
		"arc":       {"Arc"},
		"librewolf": {"LibreWolf", "librewolf"},
		"waterfox":  {"Waterfox", "waterfox"},
		"floorp":    {"Floorp", "floorp"},
		"zen":       {"Zen", "zen", "Zen Browser", "zen-browser", "zen-alpha", "zen-beta"},
		"whale":     {"Whale", "whale", "Naver Whale", "naver-whale"},
		"tor":       {"Tor Browser", "tor-browser", "torbrowser"},
		"yandex":    {"Yandex", "yandex-browser", "Yandex Browser"},
		"orion":     {"Orion"},
	}
}
