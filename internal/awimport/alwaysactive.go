package awimport

import (
	"fmt"

	"github.com/awcal/awcal/internal/profile"
)

// AlwaysActive turns aw-webui's always_active_pattern into awcal's alwaysActivePattern.
// pattern is aw-server's setting ("" when it has none) and current the config's pattern now.
// aw-webui matches the pattern case-sensitively against a window's app and title, and so does
// the engine (ENGINE.md §2), so it is taken as written. next is the pattern to store and
// changed says whether it differs from current; note is one line for the person: what was
// set and what it replaced, or why nothing was (RE2 refuses lookarounds and backreferences,
// which JavaScript accepts). note is "" when aw-server has no pattern or the same one.
func AlwaysActive(pattern, current string) (next, note string, changed bool) {
	if pattern == "" || pattern == current {
		return current, "", false
	}
	if _, err := (profile.Rule{Pattern: pattern, Regex: true}).Compile(); err != nil {
		return current, fmt.Sprintf("always-active pattern /%s/ not imported: %v; awcal keeps %s", pattern, err, describePattern(current)), false
	}
	return pattern, fmt.Sprintf("Always-active pattern set to /%s/ (was %s).", pattern, describePattern(current)), true
}

// describePattern names a config's alwaysActivePattern, where "" means the built-in default.
func describePattern(p string) string {
	if p == "" {
		return "the built-in default for calls"
	}
	return "/" + p + "/"
}
