package fakedata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/awcal/awcal/internal/activity"
)

// WriteExport writes buckets in the shape of aw-server-rust's /api/0/export:
//
//	{"buckets":{ID:{"id","type","client","hostname","created","data":{},
//	  "metadata":{"start","end"},"events":[{"id","timestamp","duration","data"}]}}}
//
// Times are RFC 3339 in UTC with fractional seconds (3, 6 or 9 digits, whatever keeps them
// exact); metadata start and end are the first event's start and the last event's end (null
// for a bucket without events); events keep the order they have in buckets. A bucket's
// last_updated is written only when it is set.
func WriteExport(w io.Writer, buckets []activity.BucketEvents) error {
	out := exportFile{Buckets: make(map[string]exportBucket, len(buckets))}
	for _, be := range buckets {
		b := be.Bucket
		if _, dup := out.Buckets[b.ID]; dup {
			return fmt.Errorf("writing export: bucket %q appears twice", b.ID)
		}
		eb := exportBucket{
			ID: b.ID, Type: b.Type, Client: b.Client, Hostname: b.Hostname,
			Created: exportTime(b.Created), Data: b.Data,
			Events: make([]exportEvent, len(be.Events)),
		}
		if eb.Data == nil {
			eb.Data = map[string]any{}
		}
		if !b.LastUpdated.IsZero() {
			lu := exportTime(b.LastUpdated)
			eb.LastUpdated = &lu
		}
		for i, e := range be.Events {
			if math.IsNaN(e.Duration) || math.IsInf(e.Duration, 0) {
				return fmt.Errorf("writing export: event %d of bucket %q has duration %v", e.ID, b.ID, e.Duration)
			}
			data := e.Data
			if data == nil {
				data = map[string]any{}
			}
			eb.Events[i] = exportEvent{ID: e.ID, Timestamp: exportTime(e.Timestamp), Duration: exportDuration(e.Duration), Data: data}
			start, end := e.Timestamp, e.End()
			if eb.Metadata.Start == nil || start.Before(time.Time(*eb.Metadata.Start)) {
				t := exportTime(start)
				eb.Metadata.Start = &t
			}
			if eb.Metadata.End == nil || end.After(time.Time(*eb.Metadata.End)) {
				t := exportTime(end)
				eb.Metadata.End = &t
			}
		}
		out.Buckets[b.ID] = eb
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // URLs keep their & readable
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing export: %w", err)
	}
	return nil
}

type exportFile struct {
	Buckets map[string]exportBucket `json:"buckets"`
}

type exportBucket struct {
	ID          string         `json:"id"`
	Type        string         `json:"type"`
	Client      string         `json:"client"`
	Hostname    string         `json:"hostname"`
	Created     exportTime     `json:"created"`
	Data        map[string]any `json:"data"`
	Metadata    exportMetadata `json:"metadata"`
	LastUpdated *exportTime    `json:"last_updated,omitempty"`
	Events      []exportEvent  `json:"events"`
}

type exportMetadata struct {
	Start *exportTime `json:"start"`
	End   *exportTime `json:"end"`
}

type exportEvent struct {
	ID        int64          `json:"id"`
	Timestamp exportTime     `json:"timestamp"`
	Duration  exportDuration `json:"duration"`
	Data      map[string]any `json:"data"`
}

// exportTime is written in UTC with as many fractional digits (3, 6 or 9) as keep it exact, as
// aw-server-rust does.
type exportTime time.Time

func (t exportTime) MarshalJSON() ([]byte, error) {
	u := time.Time(t).UTC()
	layout := `"2006-01-02T15:04:05.000000000Z"`
	switch ns := u.Nanosecond(); {
	case ns%1e6 == 0:
		layout = `"2006-01-02T15:04:05.000Z"`
	case ns%1e3 == 0:
		layout = `"2006-01-02T15:04:05.000000Z"`
	}
	return []byte(u.Format(layout)), nil
}

// exportDuration is written as a float with a decimal point (0.0, 12.5), as aw-server-rust does.
type exportDuration float64

func (d exportDuration) MarshalJSON() ([]byte, error) {
	b := strconv.AppendFloat(nil, float64(d), 'f', -1, 64)
	for _, c := range b {
		if c == '.' {
			return b, nil
		}
	}
	return append(b, '.', '0'), nil
}
