package activitywatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// replaceNonFinite rewrites the bare NaN, Infinity and -Infinity tokens that Python's json
// module writes (and encoding/json rejects) as null, outside strings. A duration that was
// NaN thus becomes a null duration (malformed), and a NaN data value is removed like null.
func replaceNonFinite(b []byte) []byte {
	if !bytes.Contains(b, []byte("NaN")) && !bytes.Contains(b, []byte("Infinity")) {
		return b
	}
	out := make([]byte, 0, len(b))
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			switch c {
			case '\\':
				if i+1 < len(b) {
					i++
					out = append(out, b[i])
				}
			case '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
		case bytes.HasPrefix(b[i:], []byte("NaN")):
			out = append(out, "null"...)
			i += len("NaN") - 1
			continue
		case bytes.HasPrefix(b[i:], []byte("Infinity")):
			out = append(out, "null"...)
			i += len("Infinity") - 1
			continue
		case bytes.HasPrefix(b[i:], []byte("-Infinity")):
			out = append(out, "null"...)
			i += len("-Infinity") - 1
			continue
		}
		out = append(out, c)
	}
	return out
}

var errMissing = errors.New("missing")

func decodeTime(raw json.RawMessage) (time.Time, error) {
	if isNull(raw) {
		return time.Time{}, errMissing
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, fmt.Errorf("not a string: %s", abbreviate(raw))
	}
	return parseTime(s)
}

// parseTime parses an RFC 3339 timestamp with any offset and any number of fraction digits.
// Without an offset it is UTC, as aw-server takes it. The result is in UTC.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	// RFC 3339 allows lower case t and z, and a space for the T (§5.6 note).
	if len(s) > 10 && (s[10] == 't' || s[10] == ' ') {
		s = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		if t, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC); err != nil {
			return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
		}
	}
	if t = t.UTC(); t.IsZero() {
		// 0001-01-01T00:00:00Z is Go's "no time", which every later stage takes as missing.
		return time.Time{}, fmt.Errorf("%q is the zero time: no watcher wrote it", s)
	}
	return t, nil
}

// maxEventSeconds is the longest duration an event can have: a year (an away period over a
// long holiday is plausible; 1e12 s, 31,000 years, is a broken watcher or file). A longer one
// is malformed, so that it can never become a block that outlasts the data.
const maxEventSeconds = 366 * 24 * 60 * 60

// decodeData returns the data object without its null values; missing or null data is empty.
func decodeData(raw json.RawMessage) (map[string]any, error) {
	data := map[string]any{}
	if raw == nil || isNull(raw) {
		return data, nil
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("not an object: %s", abbreviate(raw))
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, err
	}
	for k, v := range data {
		if v == nil {
			delete(data, k)
		}
	}
	return data, nil
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

func abbreviate(raw json.RawMessage) string {
	s := string(bytes.TrimSpace(raw))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// seconds converts a duration in seconds to a time.Duration, rounding to the nanosecond
// (truncation would turn 7.363 s into 7.362999999 s).
func seconds(d float64) time.Duration {
	return time.Duration(math.Round(d * float64(time.Second)))
}

// toSeconds is the inverse of seconds, as aw-server computes it from nanoseconds.
func toSeconds(d time.Duration) float64 {
	return float64(d.Nanoseconds()) / 1e9
}
