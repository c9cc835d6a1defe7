package ui

import (
	"crypto/rand"
	"encoding/base64"

	"fyne.io/fyne/v2"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/feed"
)

// CopyFeedURL puts the subscription URL of cfg on the clipboard and returns what to tell the
// person: the URL was copied, or how to turn the feed on first.
func CopyFeedURL(a fyne.App, cfg config.Config) string {
	switch {
	case cfg.Calendar.Kind != config.CalendarICS:
		return "The subscription feed serves a local .ics calendar; with CalDAV, subscribe calendar apps to the CalDAV calendar itself."
	case !cfg.Feed.Enabled:
		return "The subscription feed is off: turn it on in Settings → Calendar and save, then copy its URL."
	}
	a.Clipboard().SetContent(feed.URL(cfg.Feed))
	return "Subscription URL copied: add it in your calendar app as a calendar on the network (webcal/ICS subscription)."
}

// newFeedToken returns a random token for the feed's URL: 128 bits in URL-safe base64.
func newFeedToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}
