// Package activity is the data model of ActivityWatch activity shared by the client, the
// generator and the engine: buckets, raw events as aw-server serves them, and bucket kinds
// (ENGINE.md §1.1–§1.2). It does no I/O.
package activity

import (
	"math"
	"strings"
	"time"
)

// Standard bucket types written by the ActivityWatch watchers.
const (
	TypeWindow = "currentwindow"
	TypeAFK    = "afkstatus"
	TypeWeb    = "web.tab.current"
	TypeEditor = "app.editor.activity"
)

// Bucket describes one aw-server bucket.
type Bucket struct {
	ID       string         `json:"id"`
	Type     string         `json:"type"`
	Client   string         `json:"client,omitempty"`
	Hostname string         `json:"hostname"`
	Created  time.Time      `json:"created,omitzero"`
	Data     map[string]any `json:"data,omitempty"`
	// LastUpdated is aw-server's "last_updated" when it reports one (zero otherwise).
	LastUpdated time.Time `json:"last_updated,omitzero"`
}

// Event is one raw event as aw-server serves it. Timestamp keeps full precision (aw-server-rust
// writes nanoseconds); Duration is in seconds. Data maps string keys to JSON values.
type Event struct {
	ID        int64          `json:"id,omitempty"`
	Timestamp time.Time      `json:"timestamp"`
	Duration  float64        `json:"duration"`
	Data      map[string]any `json:"data"`
	// Private names the data keys whose values are redacted by a privacy rule: rules still
	// match the real value, but every output (titles, descriptions, previews, logs) shows
	// RedactedValue instead. It is never serialised.
	Private []string `json:"-"`
}

// RedactedValue replaces a redacted value in every output.
const RedactedValue = "(private)"

// End returns Timestamp + Duration, the duration rounded to the nanosecond (7.363 s must not
// become 7.362999999 s through float truncation).
func (e Event) End() time.Time {
	return e.Timestamp.Add(time.Duration(math.Round(e.Duration * float64(time.Second))))
}

// BucketEvents is a bucket with the events read from it, in the order the server returned them
// (aw-server answers newest first).
type BucketEvents struct {
	Bucket Bucket
	Events []Event
}

// Kind is the role a bucket plays in slicing (ENGINE.md §1.2).
type Kind int

// Bucket kinds, in bucket order: window, web, editor, afk, other.
const (
	KindWindow Kind = iota
	KindWeb
	KindEditor
	KindAFK
	KindOther
)

// String names the kind as the UI and diagnostics show it.
func (k Kind) String() string {
	switch k {
	case KindWindow:
		return "window"
	case KindWeb:
		return "web"
	case KindEditor:
		return "editor"
	case KindAFK:
		return "afk"
	default:
		return "other"
	}
}

// KindOf classifies a bucket by its type; only when the type is none of the four standard types
// is its id prefix used.
func KindOf(b Bucket) Kind {
	switch b.Type {
	case TypeWindow:
		return KindWindow
	case TypeAFK:
		return KindAFK
	case TypeWeb:
		return KindWeb
	case TypeEditor:
		return KindEditor
	}
	switch {
	case strings.HasPrefix(b.ID, "aw-watcher-window"):
		return KindWindow
	case strings.HasPrefix(b.ID, "aw-watcher-afk"):
		return KindAFK
	case strings.HasPrefix(b.ID, "aw-watcher-web"):
		return KindWeb
	}
	return KindOther
}

// SyncedSuffix marks buckets pulled in from other devices by aw-sync.
const SyncedSuffix = "-synced-from-"

// BrowserOf returns the browser a web bucket's id names: the word after "aw-watcher-web-" up to
// the first "_" or the end, after removing a "-synced-from-…" suffix, lower-cased. It returns ""
// when the id does not follow that pattern.
func BrowserOf(bucketID string) string {
	id := bucketID
	if i := strings.Index(id, SyncedSuffix); i >= 0 {
		id = id[:i]
	}
	const prefix = "aw-watcher-web-"
	if !strings.HasPrefix(id, prefix) {
		return ""
	}
	id = id[len(prefix):]
	if i := strings.IndexByte(id, '_'); i >= 0 {
		id = id[:i]
	}
	return strings.ToLower(id)
}
