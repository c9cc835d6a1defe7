// Package profile holds profiles and their rules (ENGINE.md §3): the model as config.json and the
// GUI store it, validation with messages that name the profile and rule, compilation once per
// run, and matching. It is pure: no I/O, no clock, no goroutines.
package profile

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
