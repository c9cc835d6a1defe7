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
	// names (D1); nil = activity.DefaultBrowsers().
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
