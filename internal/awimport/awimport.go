// Package awimport turns what ActivityWatch's web UI keeps in aw-server's settings into awcal's
// config: categories into profiles and the always-active pattern (behind `awcal profiles
// import-aw` and the Profiles tab's import), privacy filters into privacy rules (behind `awcal
// privacy import-aw` and the Privacy tab's import). It does no I/O (the caller reads the
// settings).
package awimport

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/profile"
)

// Profiles turns aw-webui categories into the profiles that existing does not have yet, in
// the categories' order, and says which categories it skipped and why (one line each, naming
// the category).
//
// Each category with a regex becomes a profile whose primary rules match the regex on the
// window's app and title, and whose supporting rule matches it on the browser tab's title.
// Its id comes from the category's path ("aw-work-programming"), so importing again adds only
// new categories and never changes a profile that exists. aw-webui's regexes are
// case-sensitive unless ignore_case is set, while awcal's rules are not, so those get "(?-i)"
// in front. A category without a regex (a parent, "Uncategorized") matches nothing and is left
// out silently; one whose regex RE2 rejects (lookahead, backreferences) or whose id another
// category already took is skipped. A sub-category without a colour inherits its nearest
// ancestor's; a colour too close to one another profile has becomes a shade of it of its own
// (profile.Distinct), so the timeline and the calendar tell them apart.
func Profiles(cats []activitywatch.Category, existing []profile.Profile) (added []profile.Profile, skipped []string) {
	taken := map[string]bool{}
	for _, p := range existing {
		taken[p.ID] = true
	}
	colors := map[string]string{} // category path → its colour, for inheritance
	for _, c := range cats {
		if hexColor.MatchString(c.Color) {
			colors[strings.Join(c.Name, "\x00")] = c.Color
		}
	}
	for _, c := range cats {
		label := strings.Join(c.Name, " > ")
		if c.Rule.Type != "regex" || strings.TrimSpace(c.Rule.Regex) == "" {
			continue // a parent or an "uncategorized" entry: nothing to match
		}
		id := "aw-" + slug(strings.Join(c.Name, " "))
		if taken[id] {
			if !slices.ContainsFunc(existing, func(p profile.Profile) bool { return p.ID == id }) {
				skipped = append(skipped, fmt.Sprintf("%q: another category has the same id %s", label, id))
			}
			continue
		}
		pattern := c.Rule.Regex
		if !c.Rule.IgnoreCase {
			// Profile rules are case-insensitive; aw-webui's are not unless ignore_case is set.
			pattern = "(?-i)" + pattern
		}
		p := profile.New(append(slices.Clone(existing), added...))
		p.ID, p.Name, p.Category = id, label, c.Name[0]
		if col := inheritedColor(colors, c.Name); col != "" {
			// Sub-categories inherit their parent's colour: each still gets a shade of its own.
			p.Color = profile.Distinct(col, usedColors(existing, added))
		}
		p.Primary = []profile.Rule{
			{Bucket: "window", Field: "app", Pattern: pattern, Regex: true},
			{Bucket: "window", Field: "title", Pattern: pattern, Regex: true},
		}
		p.Supporting = []profile.Rule{{Bucket: "web", Field: "title", Pattern: pattern, Regex: true}}
		if err := profile.Validate([]profile.Profile{p}); err != nil {
			// JavaScript syntax that RE2 refuses (lookahead, backreferences).
			skipped = append(skipped, fmt.Sprintf("%q: %v", label, err))
			continue
		}
		taken[id] = true
		added = append(added, p)
	}
	return added, skipped
}

var hexColor = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// usedColors lists the colours of the profiles so far.
func usedColors(lists ...[]profile.Profile) []string {
	var out []string
	for _, ps := range lists {
		for _, p := range ps {
			out = append(out, p.Color)
		}
	}
	return out
}

// inheritedColor is the category's colour, or its nearest ancestor's (aw-webui leaves a
// sub-category's colour empty to inherit it).
func inheritedColor(colors map[string]string, name []string) string {
	for n := len(name); n > 0; n-- {
		if c, ok := colors[strings.Join(name[:n], "\x00")]; ok {
			return c
		}
	}
	return ""
}

// slug makes an id part of a name: lower-case letters and digits, runs of anything else as "-".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "category"
	}
	return b.String()
}
