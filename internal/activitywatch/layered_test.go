package activitywatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/awcal/awcal/internal/activity"
)

// The layered event decoder that came before the streaming one: encoding/json into raw
// messages, then each field on its own. It is kept as the oracle the streaming decoder must
// agree with (FuzzDecodeEventListLayered, FuzzReadExportLayered).

// decodeEventList decodes a JSON array of events, skipping and counting malformed ones. Only
// a body that is not a JSON array at all is an error.
func decodeEventListLayered(body []byte) ([]activity.Event, int, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(replaceNonFinite(body), &raws); err != nil {
		return nil, 0, fmt.Errorf("not a JSON list of events: %w", err)
	}
	events := make([]activity.Event, 0, len(raws))
	malformed := 0
	for _, raw := range raws {
		ev, err := decodeEvent(raw)
		if err != nil {
			malformed++
			continue
		}
		events = append(events, ev)
	}
	return events, malformed, nil
}

// rawEvent holds an event's fields undecoded, so each can be judged on its own.
type rawEvent struct {
	ID        json.RawMessage `json:"id"`
	Timestamp json.RawMessage `json:"timestamp"`
	Duration  json.RawMessage `json:"duration"`
	Data      json.RawMessage `json:"data"`
}

// decodeEvent decodes one event (after replaceNonFinite) by ENGINE.md §1.3's rules.
func decodeEvent(raw json.RawMessage) (activity.Event, error) {
	var r rawEvent
	if err := json.Unmarshal(raw, &r); err != nil {
		return activity.Event{}, fmt.Errorf("event is not an object: %w", err)
	}
	ts, err := decodeTime(r.Timestamp)
	if err != nil {
		return activity.Event{}, fmt.Errorf("timestamp: %w", err)
	}
	dur, err := decodeDuration(r.Duration)
	if err != nil {
		return activity.Event{}, fmt.Errorf("duration: %w", err)
	}
	data, err := decodeData(r.Data)
	if err != nil {
		return activity.Event{}, fmt.Errorf("data: %w", err)
	}
	return activity.Event{ID: decodeID(r.ID), Timestamp: ts, Duration: dur, Data: data}, nil
}

// decodeID returns the event id, or 0 when it is absent or not an integer: the id only helps
// to rejoin pieces, so a strange one is not worth dropping the event for.
func decodeID(raw json.RawMessage) int64 {
	id, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

func decodeDuration(raw json.RawMessage) (float64, error) {
	if raw == nil {
		return 0, nil // missing: an empty event
	}
	if isNull(raw) {
		return 0, errors.New("null or NaN")
	}
	var d float64
	if err := json.Unmarshal(raw, &d); err != nil {
		return 0, fmt.Errorf("not a number: %s", abbreviate(raw))
	}
	if d < 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		return 0, fmt.Errorf("%v is negative", d)
	}
	if d > maxEventSeconds {
		return 0, fmt.Errorf("%v s is longer than a year", d)
	}
	return d, nil
}
