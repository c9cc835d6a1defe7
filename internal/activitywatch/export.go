package activitywatch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

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
//
// The file is streamed: only the decoded events are kept, never the file's text, and equal
// data objects share one map (callers must not modify event data).
func ReadExport(r io.Reader) ([]activity.BucketEvents, ExportStats, error) {
	stats := ExportStats{Malformed: map[string]int{}}
	s := newJSONStream(r)
	entries, err := readExportBuckets(s, newValueDecoder())
	s.close()
	switch {
	case errors.Is(err, errSyntax):
		return nil, stats, fmt.Errorf("the export file is not valid JSON: %w", err)
	case err != nil:
		return nil, stats, fmt.Errorf("reading the export file: %w", err)
	case entries == nil:
		return nil, stats, fmt.Errorf(`the file is not an ActivityWatch export: it has no "buckets" object — export it from the ActivityWatch web UI (Settings, Export all buckets as JSON)`)
	}
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]activity.BucketEvents, 0, len(entries))
	keyOf := make(map[string]string, len(entries)) // bucket id → the key that named it
	for _, key := range keys {
		e := entries[key]
		if e.err != nil {
			return nil, stats, fmt.Errorf("the export file's bucket %q is invalid: %w", key, e.err)
		}
		if e.eventsErr != nil {
			return nil, stats, fmt.Errorf("the export file's bucket %q: events: %w", key, e.eventsErr)
		}
		if other, dup := keyOf[e.bucket.ID]; dup {
			return nil, stats, fmt.Errorf("the export file names bucket %q twice (under the keys %q and %q): keep one, or give each its own id", e.bucket.ID, other, key)
		}
		keyOf[e.bucket.ID] = key
		out = append(out, activity.BucketEvents{Bucket: e.bucket, Events: e.events})
		if e.malformed > 0 {
			stats.Malformed[e.bucket.ID] += e.malformed
		}
	}
	slices.SortFunc(out, func(a, b activity.BucketEvents) int { return cmpString(a.Bucket.ID, b.Bucket.ID) })
	return out, stats, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// exportBucket is one entry of the export's "buckets" object as read so far.
type exportBucket struct {
	bucket    activity.Bucket
	events    []activity.Event
	malformed int
	err       error // the bucket object is invalid
	eventsErr error // its events are not a list
}

// keyIs matches an object key to a field name as encoding/json does: exactly, else ignoring
// case.
func keyIs(key []byte, name string) bool {
	return string(key) == name || bytes.EqualFold(key, []byte(name))
}

// readExportBuckets reads the whole file and returns its "buckets" entries by key (nil when
// it has none). A repeated key keeps its last value, as encoding/json does.
func readExportBuckets(s *jsonStream, d *valueDecoder) (map[string]*exportBucket, error) {
	var entries map[string]*exportBucket
	wrongType := false // "buckets" was once neither an object nor null: encoding/json fails then
	c, ok := s.peek()
	if !ok {
		return nil, s.unexpected()
	}
	if c != '{' {
		if err := s.skip(); err != nil {
			return nil, err
		}
		return nil, s.finish()
	}
	err := s.object(func(key []byte) error {
		if !keyIs(key, "buckets") {
			return s.skip()
		}
		null, err := s.nullNext()
		if err != nil || null {
			entries = nil
			return err
		}
		if c, _ := s.peek(); c != '{' {
			wrongType = true
			return s.skip()
		}
		if entries == nil {
			entries = map[string]*exportBucket{}
		}
		return s.object(func(k []byte) error {
			key := string(k)
			e, err := readExportBucket(s, d, key)
			entries[key] = e
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if wrongType {
		entries = nil
	}
	return entries, s.finish()
}

// readExportBucket reads one bucket object stored under key, as decodeRawBucket and
// decodeEventList read it, streaming its events.
func readExportBucket(s *jsonStream, d *valueDecoder, key string) (*exportBucket, error) {
	e := &exportBucket{}
	defer func() {
		if e.bucket.ID == "" {
			e.bucket.ID = key
		}
	}()
	null, err := s.nullNext()
	if err != nil || null {
		return e, err
	}
	if c, _ := s.peek(); c != '{' {
		e.err = errors.New("not a bucket object")
		return e, s.skip()
	}
	var created, updated time.Time
	var data map[string]any
	var dataErr error
	err = s.object(func(k []byte) error {
		var str *string
		switch {
		case keyIs(k, "events"):
			return readExportEvents(s, d, e)
		case keyIs(k, "id"):
			str = &e.bucket.ID
		case keyIs(k, "type"):
			str = &e.bucket.Type
		case keyIs(k, "client"):
			str = &e.bucket.Client
		case keyIs(k, "hostname"):
			str = &e.bucket.Hostname
		}
		var field string
		switch {
		case str != nil:
		case keyIs(k, "created"):
			field = "created"
		case keyIs(k, "last_updated"):
			field = "last_updated"
		case keyIs(k, "data"):
			field = "data"
		default:
			return s.skip()
		}
		raw, err := s.rawValue()
		if err != nil {
			return err
		}
		switch {
		case str != nil:
			switch {
			case raw[0] == '"':
				*str = d.str(raw)
			case !isNullish(raw): // null leaves a string as it was
				e.err = fmt.Errorf("not a bucket object: %s is not a string", abbreviate(raw))
			}
		case field == "created":
			created, _ = d.time(raw)
		case field == "last_updated":
			updated, _ = d.time(raw)
		default:
			data, dataErr = d.data(raw)
		}
		return nil
	})
	if err != nil {
		return e, err
	}
	e.bucket.Created, e.bucket.LastUpdated = created, updated
	switch {
	case dataErr != nil && e.err == nil:
		e.err = fmt.Errorf("data: %w", dataErr)
	case len(data) > 0:
		e.bucket.Data = data
	}
	return e, nil
}

// readExportEvents reads a bucket's "events" value: null (none) or a list of events, each
// decoded on its own; a malformed one is counted. A repeated key replaces what came before.
func readExportEvents(s *jsonStream, d *valueDecoder, e *exportBucket) error {
	e.events, e.malformed, e.eventsErr = nil, 0, nil
	null, err := s.nullNext()
	if err != nil || null {
		return err
	}
	if c, _ := s.peek(); c != '[' {
		e.eventsErr = errors.New("not a JSON list of events")
		return s.skip()
	}
	d.list.reset()
	err = s.array(func() error {
		ev, ok, err := s.readEvent(d)
		if err != nil {
			return err
		}
		if ok {
			d.list.add(ev)
		} else {
			e.malformed++
		}
		return nil
	})
	e.events = d.list.take()
	return err
}
