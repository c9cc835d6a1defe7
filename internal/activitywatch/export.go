package activitywatch

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/awcal/awcal/internal/activity"
)

// ExportStats tells what ReadExport skipped.
type ExportStats struct {
	// Malformed counts, per bucket id, the events skipped because they could not be decoded
	// (buckets without any are absent).
	Malformed map[string]int
}

// ReadExport reads an ActivityWatch export file (aw-server's /api/0/export, or the web UI's
// "Export all buckets as JSON"): aw-server-rust's shape, with event ids and bucket metadata,
// and the Python server's, without them. A bucket without "events" has none. Buckets come
// sorted by id, each with its events in the file's order (aw-server writes newest first);
// malformed events are skipped and counted as in Client.Events.
func ReadExport(r io.Reader) ([]activity.BucketEvents, ExportStats, error) {
	stats := ExportStats{Malformed: map[string]int{}}
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, stats, fmt.Errorf("reading the export file: %w", err)
	}
	var file struct {
		Buckets map[string]json.RawMessage `json:"buckets"`
	}
	if err := json.Unmarshal(replaceNonFinite(body), &file); err != nil {
		return nil, stats, fmt.Errorf("the export file is not valid JSON: %w", err)
	}
	if file.Buckets == nil {
		return nil, stats, fmt.Errorf(`the file is not an ActivityWatch export: it has no "buckets" object — export it from the ActivityWatch web UI (Settings, Export all buckets as JSON)`)
	}
	out := make([]activity.BucketEvents, 0, len(file.Buckets))
	keyOf := make(map[string]string, len(file.Buckets)) // bucket id → the key that named it
	for key, raw := range file.Buckets {
		b, rb, err := decodeRawBucket(key, raw)
		if err != nil {
			return nil, stats, fmt.Errorf("the export file's bucket %q is invalid: %w", key, err)
		}
		if other, dup := keyOf[b.ID]; dup {
			k1, k2 := min(key, other), max(key, other)
			return nil, stats, fmt.Errorf("the export file names bucket %q twice (under the keys %q and %q): keep one, or give each its own id", b.ID, k1, k2)
		}
		keyOf[b.ID] = key
		be := activity.BucketEvents{Bucket: b}
		if rb.Events != nil && !isNull(rb.Events) {
			evs, bad, err := decodeEventList(rb.Events)
			if err != nil {
				return nil, stats, fmt.Errorf("the export file's bucket %q: events: %w", key, err)
			}
			be.Events = evs
			if bad > 0 {
				stats.Malformed[b.ID] += bad
			}
		}
		out = append(out, be)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Bucket.ID < out[j].Bucket.ID })
	return out, stats, nil
}
