// Package profile holds profiles and their rules (ENGINE.md §3): the model as config.json and the
// GUI store it, validation with messages that name the profile and rule, compilation once per
// run, and matching. It is pure: no I/O, no clock, no goroutines.
package profile

import (
	"math"
	"math/rand/v2"
	"strings"
)

// Rule matches one field of a state's data (ENGINE.md §3.2).
type Rule struct {
	// Bucket is a case-insensitive substring of the bucket type; "" or "any" matches every bucket.
	Bucket string `json:"bucket"`
	// Field is the data key; "" falls back to the first non-empty of app, url, title, project, file.
	Field string `json:"field"`
	// Pattern is a substring (Regex false) or an RE2 expression (Regex true), case-insensitive.
	Pattern string `json:"pattern"`
	Regex   bool   `json:"regex"`
	// Negate makes the rule match when the pattern does not.
	Negate bool `json:"negate"`
}

// TitleDetail says how much of the activity a profile's block titles reveal.
type TitleDetail string

// Title detail levels: the full template, the application only, or the profile name only.
const (
	TitleFull TitleDetail = "full"
	TitleApp  TitleDetail = "app"
	TitleName TitleDetail = "name"
)

// Profile decides what a block is (ENGINE.md §3.1). Minutes may be fractional.
type Profile struct {
	ID            string      `json:"id"`
	Name          string      `json:"name"`
	Category      string      `json:"category"`
	Color         string      `json:"color"`
	Threshold     float64     `json:"threshold"`
	SoftBreak     float64     `json:"softBreak"`
	TitleTemplate string      `json:"titleTemplate"`
	TitleDetail   TitleDetail `json:"titleDetail,omitempty"`
	Enabled       bool        `json:"enabled"`
	Primary       []Rule      `json:"primary"`
	Supporting    []Rule      `json:"supporting"`
	HardBreak     []Rule      `json:"hardBreak"`
}

// Defaults for a new profile (ENGINE.md §3.1).
const (
	DefaultName          = "New profile"
	DefaultCategory      = "Work"
	DefaultThreshold     = 5.0
	DefaultSoftBreak     = 3.0
	DefaultTitleTemplate = "{app} - {title}"
)

// MaxMinutes bounds threshold and soft break. Longer values make no sense for activity blocks
// and would overflow microsecond arithmetic far beyond it.
const MaxMinutes = 7 * 24 * 60

// Palette holds the colours handed to new profiles in turn, chosen to stay readable on light and
// dark calendars.
var Palette = []string{
	"#4c8bf5", "#e8710a", "#1e8e3e", "#a142f4", "#d93025",
	"#12b5cb", "#f9ab00", "#e52592", "#5f6368", "#795548",
}

// New returns a profile with the defaults of ENGINE.md §3.1, a fresh id and the first palette
// colour no existing profile uses.
func New(existing []Profile) Profile {
	used := make(map[string]bool, len(existing))
	for _, p := range existing {
		used[strings.ToLower(p.Color)] = true
	}
	color := Palette[len(existing)%len(Palette)]
	for _, c := range Palette {
		if !used[c] {
			color = c
			break
		}
	}
	return Profile{
		ID:            NewID(existing),
		Name:          DefaultName,
		Category:      DefaultCategory,
		Color:         color,
		Threshold:     DefaultThreshold,
		SoftBreak:     DefaultSoftBreak,
		TitleTemplate: DefaultTitleTemplate,
		Enabled:       true,
	}
}

// NewID returns an id no profile in existing uses. Ids are random ("p-" and ten base-32
// characters) rather than counters, so that the id of a deleted profile is never handed out
// again and its past calendar events are never mistaken for a new profile's.
func NewID(existing []Profile) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	taken := make(map[string]bool, len(existing))
	for _, p := range existing {
		taken[p.ID] = true
	}
	for {
		b := []byte("p-..........")
		for i := 2; i < len(b); i++ {
			b[i] = alphabet[rand.IntN(len(alphabet))]
		}
		if id := string(b); !taken[id] {
			return id
		}
	}
}

// Template returns the title template the profile's TitleDetail asks for: the configured
// template (empty → "{app}") for "" and "full", "{app}" for "app", and "" for "name", which
// means the block is titled with the profile name only (titles still classify, never show).
func (p Profile) Template() string {
	switch p.TitleDetail {
	case TitleApp:
		return "{app}"
	case TitleName:
		return ""
	}
	if p.TitleTemplate == "" {
		return "{app}"
	}
	return p.TitleTemplate
}

// Micros converts a duration in (fractional) minutes to whole microseconds, rounding half away
// from zero.
func Micros(minutes float64) int64 {
	return int64(math.Round(minutes * 60e6))
}
