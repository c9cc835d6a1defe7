package privacy

import "github.com/awcal/awcal/internal/profile"

// Settings keep private activity out of calendars: the privacy section of config.json.
type Settings struct {
	DropIncognito bool   `json:"dropIncognito"`
	Rules         []Rule `json:"rules"`
}

// Rule actions.
const (
	Drop   = "drop"
	Redact = "redact"
)

// Rule drops or redacts events whose field matches, with profile rule semantics.
type Rule struct {
	Bucket  string `json:"bucket"`
	Field   string `json:"field"`
	Pattern string `json:"pattern"`
	Regex   bool   `json:"regex"`
	Action  string `json:"action"`
}

// Rule returns the profile rule that decides which events a privacy rule applies to: privacy
// rules match exactly as profile rules do (ENGINE.md §3.2).
func (r Rule) Rule() profile.Rule {
	return profile.Rule{Bucket: r.Bucket, Field: r.Field, Pattern: r.Pattern, Regex: r.Regex}
}
