package awimport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/profile"
)

// PrivacyRules turns the privacy filters aw-webui keeps in aw-server's settings
// ("privacy_filters") into privacy rules that existing does not hold yet (issue #8 item 4).
// buckets are aw-server's buckets (nil is allowed); they tell which bucket types a filter's
// bucket id prefix selects. added is in the filters' order; skipped has one line per filter
// not imported, naming it and saying why. The caller appends added to its rules and saves.
//
// aw-server-rust applies these filters when it stores events, so events stored before a
// filter existed (or by a server that does not filter) still hold the values; importing keeps
// them out of calendars too. The translation keeps aw-server's meaning wherever the rule
// shape allows it, and otherwise errs on the side of hiding more:
//
//   - Pattern: always a regular expression, matched anywhere in the value as aw-server does.
//     Rust's regex is case-sensitive unless the pattern says "(?i)", while awcal's rules are
//     case-insensitive, so a pattern that does not begin by turning on "i" gets "(?-i)" in
//     front. Syntax RE2 rejects (lookahead, backreferences) skips the filter with the error.
//   - Bucket: awcal's rules select bucket types, not bucket ids. The prefix becomes the type
//     of the buckets it selects — those on aw-server now and those of the watchers that name
//     their buckets so (aw-watcher-window → window, aw-watcher-web-… → web, …) — written as
//     awcal's bucket word; when it selects buckets of several types the rule applies to any
//     bucket. A prefix that names a host ("aw-watcher-window_laptop") therefore applies to
//     that watcher on every host. A prefix that selects no bucket on aw-server and no known
//     watcher is skipped: awcal reads nothing it could apply to.
//   - Field: the data key, as aw-server reads it. A filter without a field, which aw-server
//     never applies, and a dotted path into nested data ("url.host"), which awcal's rules
//     cannot name, are skipped. Where the event lacks the field or it is empty, awcal's rule
//     falls back to the first of app, url, title, project and file, as every rule does
//     (ENGINE.md §3.2); aw-server would leave the event alone.
//   - Action: drop and redact as such. A redact filter's replacement is not kept: every output
//     of awcal shows activity.RedactedValue.
//   - Disabled filters are skipped.
//
// A rule counts as present when its bucket word, field (ignoring case), pattern, regex flag
// and action equal those of a rule in existing or one imported before it.
func PrivacyRules(filters []activitywatch.PrivacyFilter, buckets []activity.Bucket, existing []privacy.Rule) (added []privacy.Rule, skipped []string) {
	for i, f := range filters {
		r, err := translate(f, buckets)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", describe(i, f), err))
			continue
		}
		switch {
		case slices.ContainsFunc(existing, func(e privacy.Rule) bool { return sameRule(e, r) }):
			skipped = append(skipped, describe(i, f)+": already among the privacy rules")
		case slices.ContainsFunc(added, func(e privacy.Rule) bool { return sameRule(e, r) }):
			skipped = append(skipped, describe(i, f)+": gives the same rule as an earlier filter")
		default:
			added = append(added, r)
		}
	}
	return added, skipped
}

// translate makes the privacy rule for one filter, or says why there is none.
func translate(f activitywatch.PrivacyFilter, buckets []activity.Bucket) (privacy.Rule, error) {
	if !f.Enabled {
		return privacy.Rule{}, fmt.Errorf("disabled in ActivityWatch")
	}
	var action string
	switch strings.ToLower(strings.TrimSpace(f.Action)) {
	case "drop":
		action = privacy.Drop
	case "redact":
		action = privacy.Redact
	default:
		return privacy.Rule{}, fmt.Errorf("action %q is neither drop nor redact", f.Action)
	}
	field := strings.TrimSpace(f.Field)
	switch {
	case field == "":
		return privacy.Rule{}, fmt.Errorf("names no field, so aw-server never applies it")
	case strings.Contains(field, "."):
		return privacy.Rule{}, fmt.Errorf("field %q is a path into nested data, which awcal's rules cannot name: add a rule on the top-level field by hand", field)
	}
	if f.Pattern != "" {
		// Check the pattern as written, so that an error's position is the one the person sees.
		if _, err := (profile.Rule{Pattern: f.Pattern, Regex: true}).Compile(); err != nil {
			return privacy.Rule{}, err
		}
	}
	pattern := f.Pattern
	if !setsIgnoreCase(pattern) {
		// Rust's regex is case-sensitive by default, awcal's rules are not. This also keeps
		// an empty pattern meaning what it means to aw-server: everything.
		pattern = "(?-i)" + pattern
	}
	bucket, err := bucketWordFor(f.BucketPrefix, buckets)
	if err != nil {
		return privacy.Rule{}, err
	}
	r := privacy.Rule{Bucket: bucket, Field: field, Pattern: pattern, Regex: true, Action: action}
	if _, err := r.Rule().Compile(); err != nil {
		return privacy.Rule{}, err
	}
	return r, nil
}

// setsIgnoreCase reports whether pattern begins with a flag setting that turns on
// case-insensitive matching for the rest of it ("(?i)", "(?is)"); Rust and RE2 read these
// alike. A group such as "(?i:…)" does not count: it covers only its own contents.
func setsIgnoreCase(pattern string) bool {
	rest, ok := strings.CutPrefix(pattern, "(?")
	if !ok {
		return false
	}
	end := strings.IndexByte(rest, ')')
	if end < 0 {
		return false
	}
	on, ignoreCase := true, false
	for _, c := range rest[:end] {
		switch {
		case c == '-':
			on = false
		case c == 'i':
			ignoreCase = on
		case !strings.ContainsRune("msUux", c):
			return false // ':' of a group, or not a flag at all
		}
	}
	return ignoreCase
}

// knownWatchers are the bucket id prefixes of the official watchers and their bucket types, so
// that a filter for a watcher that has not created its bucket yet still imports. The Android
// ones are the ids aw-android uses (the export in internal/activitywatch/testdata).
var knownWatchers = []struct{ idPrefix, bucketType string }{
	{"aw-watcher-window", activity.TypeWindow},
	{"aw-watcher-afk", activity.TypeAFK},
	{"aw-watcher-web", activity.TypeWeb},
	{"aw-watcher-vscode", activity.TypeEditor},
	{"aw-watcher-vim", activity.TypeEditor},
	{"aw-stopwatch", "general.stopwatch"},
	{"aw-watcher-android-test", activity.TypeWindow},
	{"aw-watcher-android-unlock", "os.lockscreen.unlocks"},
}

// bucketWordFor translates a bucket id prefix into the bucket word of awcal's rules: "any"
// for no prefix, else the word for the one bucket type the prefix selects, or "any" when it
// selects several.
func bucketWordFor(prefix string, buckets []activity.Bucket) (string, error) {
	if prefix == "" {
		return "any", nil
	}
	var types []string
	add := func(t string) {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	for _, b := range buckets {
		if strings.HasPrefix(b.ID, prefix) {
			add(b.Type)
		}
	}
	for _, w := range knownWatchers {
		if strings.HasPrefix(w.idPrefix, prefix) || watcherOf(prefix, w.idPrefix) {
			add(w.bucketType)
		}
	}
	switch len(types) {
	case 0:
		return "", fmt.Errorf("bucket prefix %q selects no bucket on aw-server and no watcher awcal knows, so awcal reads nothing it would apply to", prefix)
	case 1:
		w := typeWord(types[0])
		if !profile.KnownBucketWord(w) {
			return "", fmt.Errorf("bucket prefix %q selects buckets of type %q, which awcal's rules cannot name", prefix, types[0])
		}
		return w, nil
	}
	return "any", nil
}

// watcherOf reports whether a bucket id prefix is narrower than a watcher's own prefix: the
// watcher's prefix followed by "_" (the host) or "-" (a variant, as aw-watcher-web-firefox),
// so that "aw-watcher-webhook" is not taken for aw-watcher-web.
func watcherOf(prefix, idPrefix string) bool {
	rest, ok := strings.CutPrefix(prefix, idPrefix)
	return ok && (rest == "" || rest[0] == '_' || rest[0] == '-')
}

// typeWord is the bucket word of awcal's rules for a bucket type: the short word for the four
// standard types, the type itself otherwise.
func typeWord(bucketType string) string {
	switch bucketType {
	case activity.TypeWindow:
		return "window"
	case activity.TypeAFK:
		return "afk"
	case activity.TypeWeb:
		return "web"
	case activity.TypeEditor:
		return "editor"
	}
	return bucketType
}

// sameRule reports whether two privacy rules hide the same events in the same way.
func sameRule(a, b privacy.Rule) bool {
	word := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "any" {
			return ""
		}
		return s
	}
	return word(a.Bucket) == word(b.Bucket) && strings.EqualFold(strings.TrimSpace(a.Field), strings.TrimSpace(b.Field)) &&
		a.Pattern == b.Pattern && a.Regex == b.Regex && a.Action == b.Action
}

// describe names a filter for messages: its 1-based position and what it does.
func describe(i int, f activitywatch.PrivacyFilter) string {
	where := "every bucket"
	if f.BucketPrefix != "" {
		where = fmt.Sprintf("buckets starting %q", f.BucketPrefix)
	}
	field := f.Field
	if field == "" {
		field = "(no field)"
	}
	return fmt.Sprintf("filter %d (%s %s ~ /%s/ in %s)", i+1, f.Action, field, f.Pattern, where)
}
