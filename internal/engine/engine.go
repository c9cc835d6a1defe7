// Package engine turns the raw events of several ActivityWatch buckets over a time window into
// a few non-overlapping calendar blocks, each owned by one profile (docs/ENGINE.md):
// Phase 0 compound slicing (a sweep line), Phase 1 one state machine per profile, Phase 2 greedy
// best-fit allocation, then titles. It is pure: no I/O, no clock, no goroutines. Instants are
// integer microseconds inside; the API speaks time.Time truncated to the microsecond.
package engine

import (
	"time"

	"github.com/awcal/awcal/internal/activity"
)

// DefaultAlwaysActive exempts calls from AFK masking (ENGINE.md §2): sitting still in a call is
// not being away. Word boundaries matter: a plain "meet" would keep "Meeting notes - Thunderbird".
const DefaultAlwaysActive = `(?i)\b(zoom|teams|webex|jitsi|skype)\b|google meet|^meet - `

// DefaultBrowsers returns the browser table of ENGINE.md D1: each browser, named as
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

// DefaultOptions are the settings of a new installation: AFK masking on (D8), the default
// always-active pattern and browser table. The zero Options has masking off, as FCR does.
func DefaultOptions() Options {
	return Options{AFKMasking: true}
}

// Options are the global derivation settings.
type Options struct {
	// AFKMasking removes window, web and editor states of a host while it is away (D8).
	AFKMasking bool
	// AlwaysActive is the RE2 pattern that exempts a window from masking; "" = DefaultAlwaysActive.
	AlwaysActive string
	// Browsers maps a browser, named as aw-watcher-web names its bucket, to its window app
	// names (D1); nil = DefaultBrowsers().
	Browsers map[string][]string
}

// Seed warm-starts one profile's state machine (ENGINE.md §4, SYNC.md §2).
type Seed struct {
	ProfileID       string
	Active          bool // active, else warmup
	SessionStart    time.Time
	LastEvidenceEnd time.Time
	Target, Fitness time.Duration
}

// Input is one derivation: the window [From, To), the buckets with their events as the server
// returned them, and optional seeds.
type Input struct {
	From, To time.Time
	Buckets  []activity.BucketEvents
	Seeds    []Seed
}

// Evidence is one line of a block's description: what was seen, and for how long.
type Evidence struct {
	Kind     activity.Kind
	Label    string // e.g. "Code — main.go", "github.com", redacted values already replaced
	Duration time.Duration
}

// Block is one derived calendar block.
type Block struct {
	ProfileID  string
	Start, End time.Time // UTC, microsecond precision
	Title      string
	// Fitness is the primary-evidence time of the session the block was cut from (§5); a
	// fragment left around a stronger block keeps its session's fitness.
	Fitness time.Duration
	// Evidence is the top evidence of the block, longest first (at most a handful).
	Evidence []Evidence
}

// Diagnostics tells the caller what the derivation skipped or saw.
type Diagnostics struct {
	// Malformed counts skipped events per bucket id.
	Malformed map[string]int `json:"malformed,omitempty"`
	Events    int            `json:"events"`
	Slices    int            `json:"slices"`
	// Candidates counts Phase 1 candidates before allocation.
	Candidates int `json:"candidates"`
}

// Result is what Derive returns.
type Result struct {
	Blocks []Block // chronological (D3)
	// Quiescent is the latest quiescent point ≤ To (D6); zero when none ≥ From exists.
	Quiescent   time.Time
	Diagnostics Diagnostics
}
