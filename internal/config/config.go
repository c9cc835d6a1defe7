// Package config reads, validates, migrates and writes awcal's config.json and state.json
// (docs/SYNC.md; README.md "Configuration" lists the files). Secrets never live here: the CalDAV password is
// in the OS keyring.
package config

import (
	"time"

	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/profile"
)

// CurrentVersion is the config format this build writes.
const CurrentVersion = 1

// Sync strategies (SYNC.md §1).
const (
	StrategyLastChecked = "last-checked"
	StrategyCustom      = "custom"
)

// Calendar kinds.
const (
	CalendarICS    = "ics"
	CalendarCalDAV = "caldav"
)

// Config is the whole of config.json.
type Config struct {
	Version       int           `json:"version"`
	ActivityWatch ActivityWatch `json:"activitywatch"`
	Calendar      Calendar      `json:"calendar"`
	Sync          Sync          `json:"sync"`
	// AFKMasking removes window, web and editor states while the person is away (ENGINE.md D8).
	AFKMasking bool `json:"afkMasking"`
	// AlwaysActivePattern (RE2) exempts calls from AFK masking; empty means the built-in default.
	AlwaysActivePattern string            `json:"alwaysActivePattern,omitempty"`
	Browsers            []Browser         `json:"browsers"`
	Privacy             privacy.Settings  `json:"privacy"`
	Profiles            []profile.Profile `json:"profiles"`
	// Feed serves the .ics calendar to calendar apps on this computer (off by default).
	Feed Feed `json:"feed"`
}

// DefaultFeedPort is the subscription feed's port when the config names none.
const DefaultFeedPort = 5680

// Feed is the local subscription feed: the tray app or the daemon serves the .ics calendar
// read-only at http://127.0.0.1:PORT/awcal.ics (or /TOKEN/awcal.ics), so that calendar apps
// follow it instead of importing a copy. Only an "ics" calendar is served.
type Feed struct {
	Enabled bool `json:"enabled"`
	// Port on 127.0.0.1 (loopback only).
	Port int `json:"port"`
	// Token, when set, is a path segment the URL must hold, keeping other local users and
	// programs that only guess the port out.
	Token string `json:"token,omitempty"`
}

// ActivityWatch says where aw-server is and what to read from it.
type ActivityWatch struct {
	URL string `json:"url"`
	// Buckets lists bucket ids to read; empty means every window, afk, web and editor bucket of
	// the selected hostnames.
	Buckets []string `json:"buckets"`
	// Hostnames selects hosts; empty means the host aw-server itself runs on.
	Hostnames []string `json:"hostnames"`
}

// Calendar says where blocks are written.
type Calendar struct {
	Kind string `json:"kind"`
	// Path of the .ics file (kind "ics").
	Path string `json:"path,omitempty"`
	// URL, Username and CalendarPath of a CalDAV calendar (kind "caldav"). The password is in
	// the keyring under service "awcal", account "user@host".
	URL          string `json:"url,omitempty"`
	Username     string `json:"username,omitempty"`
	CalendarPath string `json:"calendarPath,omitempty"`
	// TrustedCertificate is the path of a PEM certificate to trust in addition to the system
	// roots (a self-signed server). TLS verification is never turned off.
	TrustedCertificate string `json:"trustedCertificate,omitempty"`
	// AllowPlainHTTP allows a plain http:// URL to another machine, where the password
	// crosses the network unencrypted (it is sent only once the server asks for it). Off by
	// default; http:// to this machine (localhost, 127.0.0.1, ::1) needs no opt-in.
	AllowPlainHTTP bool `json:"allowPlainHTTP,omitempty"`
}

// Sync holds the strategy and scheduling settings (SYNC.md §1–§2).
type Sync struct {
	Strategy               string     `json:"strategy"`
	CustomStart            *time.Time `json:"customStart,omitempty"`
	CustomEnd              *time.Time `json:"customEnd,omitempty"`
	AutoSync               bool       `json:"autoSync"`
	IntervalMinutes        float64    `json:"intervalMinutes"`
	FirstSyncLookbackHours float64    `json:"firstSyncLookbackHours"`
	ContinuityCapHours     float64    `json:"continuityCapHours"`
	// Review is who decides what lands in the calendar: ReviewOff (awcal books blocks
	// directly), ReviewTentative (written as tentative until approved) or ReviewHold (kept back
	// as proposals until approved). A config without it (written before it existed) means off.
	Review string `json:"review"`
}

// Review modes (sync.review).
const (
	ReviewOff       = "off"
	ReviewTentative = "tentative"
	ReviewHold      = "hold"
)

// Browser maps a browser, named as aw-watcher-web names its bucket, to its window app names
// (ENGINE.md D1).
type Browser struct {
	Name string   `json:"name"`
	Apps []string `json:"apps"`
}
