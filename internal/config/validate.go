package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/profile"
)

// Problem is one thing wrong with a config, located by its JSON path.
type Problem struct {
	// Path is a JSONPath such as $.profiles[2].primary[0].pattern.
	Path string
	// Line is the problem's line in the file, when the config was read from one (else 0).
	// After a migration it is the line of the old key.
	Line    int
	Message string
}

// String returns "path: message".
func (p Problem) String() string { return p.Path + ": " + p.Message }

// ValidationError lists every problem found in a config, not only the first.
type ValidationError struct {
	// File is the config file the problems are in; "" for a config that was not read from a file.
	File     string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	plural := "s"
	if n == 1 {
		plural = ""
	}
	if e.File != "" {
		fmt.Fprintf(&b, "config %s has %d problem%s (fix the file, or move it away to get a fresh default):", e.File, n, plural)
	} else {
		fmt.Fprintf(&b, "invalid config, %d problem%s:", n, plural)
	}
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		if p.Line > 0 {
			b.WriteString("line " + strconv.Itoa(p.Line) + ": ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Validate checks c and returns a *ValidationError listing every problem, or nil. It does not
// normalise c (see Normalize); a custom strategy with auto sync on is not a problem, because
// Load, SetStrategy and Save all turn auto sync off for it.
func (c *Config) Validate() error {
	v := validator{}
	v.config(c)
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

type validator struct {
	problems []Problem
}

func (v *validator) add(path, msg string) {
	v.problems = append(v.problems, Problem{Path: path, Message: msg})
}

func (v *validator) config(c *Config) {
	if c.Version != CurrentVersion {
		v.add("$.version", fmt.Sprintf("must be %d", CurrentVersion))
	}
	v.url("$.activitywatch.url", c.ActivityWatch.URL, "http://127.0.0.1:5600")
	v.names("$.activitywatch.buckets", c.ActivityWatch.Buckets, "bucket id")
	v.names("$.activitywatch.hostnames", c.ActivityWatch.Hostnames, "host name")
	v.calendar(c.Calendar)
	v.sync(c.Sync)
	if c.AlwaysActivePattern != "" {
		// A rule with this pattern runs the same RE2 check, with the same positioned message.
		if _, err := (profile.Rule{Pattern: c.AlwaysActivePattern, Regex: true}).Compile(); err != nil {
			v.add("$.alwaysActivePattern", err.Error())
		}
	}
	v.browsers(c.Browsers)
	v.privacy(c.Privacy)
	v.profiles(c)
	v.feed(c.Feed)
}

// feed checks the subscription feed's port and token (a token goes into a URL path as is).
func (v *validator) feed(f Feed) {
	if f.Port < 1024 || f.Port > 65535 {
		v.add("$.feed.port", fmt.Sprintf("must be a port from 1024 to 65535 (the default is %d)", DefaultFeedPort))
	}
	for _, r := range f.Token {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			v.add("$.feed.token", "may hold only letters, digits, - and _ (it is part of the URL)")
			break
		}
	}
}

func (v *validator) calendar(c Calendar) {
	switch c.Kind {
	case CalendarICS:
		switch {
		case strings.TrimSpace(c.Path) == "":
			v.add("$.calendar.path", `required for kind "ics": the full path of the .ics file to write`)
		case !filepath.IsAbs(c.Path):
			// A relative path would follow the working folder, which differs between the tray
			// app and a terminal; "~" is not expanded.
			v.add("$.calendar.path", "must be a full path (~ is not expanded)")
		}
	case CalendarCalDAV:
		v.url("$.calendar.url", c.URL, "https://dav.example.com/")
	case "":
		v.add("$.calendar.kind", `required: "ics" (a local file) or "caldav" (a server)`)
	default:
		v.add("$.calendar.kind", fmt.Sprintf(`must be "ics" or "caldav", not %q`, c.Kind))
	}
}

// url requires an absolute http(s) URL with a host and without credentials. The URL itself is
// never echoed: it could hold a password.
func (v *validator) url(path, raw, example string) {
	if strings.TrimSpace(raw) == "" {
		v.add(path, "required, e.g. \""+example+"\"")
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		msg := "is not a valid URL"
		if errors.As(err, &ue) {
			msg += " (" + ue.Err.Error() + ")"
		}
		v.add(path, msg)
		return
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		v.add(path, "must start with http:// or https://")
	case u.Host == "" || u.Hostname() == "":
		v.add(path, "must name a host, e.g. \""+example+"\"")
	case u.User != nil:
		v.add(path, "must not hold a user name or password: put the user name in $.calendar.username and the password in the OS keyring with 'awcal password set'")
	}
}

// names requires non-empty, distinct entries.
func (v *validator) names(path string, list []string, what string) {
	seen := make(map[string]bool, len(list))
	for i, s := range list {
		p := path + "[" + strconv.Itoa(i) + "]"
		switch {
		case strings.TrimSpace(s) == "":
			v.add(p, "empty "+what+": remove it")
		case seen[s]:
			v.add(p, fmt.Sprintf("%s %q is listed twice", what, s))
		}
		seen[s] = true
	}
}

func (v *validator) sync(s Sync) {
	switch s.Strategy {
	case StrategyLastChecked:
	case StrategyCustom:
		if s.CustomStart == nil {
			v.add("$.sync.customStart", `required for strategy "custom"`)
		}
		if s.CustomEnd == nil {
			v.add("$.sync.customEnd", `required for strategy "custom"`)
		}
		if s.CustomStart != nil && s.CustomEnd != nil && !s.CustomStart.Before(*s.CustomEnd) {
			v.add("$.sync.customEnd", "must be after customStart")
		}
	default:
		v.add("$.sync.strategy", fmt.Sprintf("must be %q or %q, not %q", StrategyLastChecked, StrategyCustom, s.Strategy))
	}
	switch s.Review {
	case ReviewOff, ReviewTentative, ReviewHold:
	default:
		v.add("$.sync.review", fmt.Sprintf("must be %q, %q or %q, not %q", ReviewOff, ReviewTentative, ReviewHold, s.Review))
	}
	switch {
	case !(s.IntervalMinutes >= 1):
		v.add("$.sync.intervalMinutes", "must be ≥ 1")
	case s.IntervalMinutes > maxIntervalMinutes:
		v.add("$.sync.intervalMinutes", fmt.Sprintf("must be ≤ %d (a day)", maxIntervalMinutes))
	}
	v.hours("$.sync.firstSyncLookbackHours", s.FirstSyncLookbackHours, maxLookbackHours, "for older activity, sync a custom range")
	v.hours("$.sync.continuityCapHours", s.ContinuityCapHours, maxContinuityCapHours, "a longer cap rewrites long sessions on every run")
}

// Upper bounds: beyond them a setting is certainly a mistake, and they keep every duration far
// from time.Duration's range.
const (
	maxIntervalMinutes    = 24 * 60
	maxLookbackHours      = 366 * 24
	maxContinuityCapHours = 48
)

// hours requires 0 < f ≤ max (NaN fails every comparison, so test for the good case).
func (v *validator) hours(path string, f, max float64, why string) {
	switch {
	case !(f > 0):
		v.add(path, "must be > 0")
	case f > max:
		v.add(path, fmt.Sprintf("must be ≤ %g (%s)", max, why))
	}
}

func (v *validator) browsers(bs []Browser) {
	seen := make(map[string]bool, len(bs))
	for i, b := range bs {
		p := "$.browsers[" + strconv.Itoa(i) + "]"
		switch {
		case b.Name == "":
			v.add(p+".name", `required: the browser as aw-watcher-web names its bucket, e.g. "firefox"`)
		case b.Name != strings.ToLower(b.Name) || strings.ContainsAny(b.Name, " _"):
			v.add(p+".name", "must be lower case without spaces or underscores, as in the bucket id aw-watcher-web-"+strings.ToLower(strings.ReplaceAll(b.Name, " ", ""))+"_host")
		case seen[b.Name]:
			v.add(p+".name", fmt.Sprintf("browser %q is listed twice", b.Name))
		}
		seen[b.Name] = true
		if len(b.Apps) == 0 {
			v.add(p+".apps", "needs at least one window app name, e.g. \"Firefox\"")
		}
		for j, app := range b.Apps {
			if strings.TrimSpace(app) == "" {
				v.add(p+".apps["+strconv.Itoa(j)+"]", "empty app name: remove it")
			}
		}
	}
}

func (v *validator) privacy(p privacy.Settings) {
	for i, r := range p.Rules {
		path := "$.privacy.rules[" + strconv.Itoa(i) + "]"
		switch r.Action {
		case privacy.Drop, privacy.Redact:
		case "":
			v.add(path+".action", fmt.Sprintf("required: %q (hide the event) or %q (keep it, hide the value)", privacy.Drop, privacy.Redact))
		default:
			v.add(path+".action", fmt.Sprintf("must be %q or %q, not %q", privacy.Drop, privacy.Redact, r.Action))
		}
		if _, err := r.Rule().Compile(); err != nil {
			field := "pattern"
			var re *profile.RuleError
			if errors.As(err, &re) {
				field = re.Field
			}
			v.add(path+"."+field, err.Error())
		}
	}
}

// profiles maps profile.Validate's problems to JSON paths.
func (v *validator) profiles(c *Config) {
	err := profile.Validate(c.Profiles)
	if err == nil {
		return
	}
	var ve *profile.ValidationError
	if !errors.As(err, &ve) {
		v.add("$.profiles", err.Error())
		return
	}
	for _, p := range ve.Problems {
		path := "$.profiles[" + strconv.Itoa(p.Index) + "]"
		if p.List != "" {
			path += "." + p.List + "[" + strconv.Itoa(p.Rule-1) + "]"
		}
		if p.Field != "" {
			path += "." + p.Field
		}
		v.add(path, p.Err.Error())
	}
}
