package awfake

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// bodies recycles answer buffers: a month of a busy bucket is megabytes.
var bodies = sync.Pool{New: func() any { return new([]byte) }}

// writeEvents answers an events query with the selection, trimmed to its range.
func (s *Handler) writeEvents(w http.ResponseWriter, sel selection) {
	buf := bodies.Get().(*[]byte)
	defer bodies.Put(buf)
	body, err := s.appendEvents((*buf)[:0], sel, true)
	*buf = body
	writeRaw(w, body, err)
}

// appendEvents writes the selection as the JSON array aw-server answers: each event an
// object with its keys in encoding/json's (sorted) order, {"data", "duration", "id",
// "timestamp"}, its times (when trim) cut to the selection's range. It writes what
// json.Marshal wrote for the same events as maps, byte for byte.
func (s *Handler) appendEvents(buf []byte, sel selection, trim bool) ([]byte, error) {
	buf = append(buf, '[')
	for i := range sel.hits {
		e := sel.event(i)
		if e.dataErr != nil {
			return buf, e.dataErr
		}
		if trim {
			e.start, e.end = max(e.start, sel.from), min(e.end, sel.to)
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"data":`...)
		buf = append(buf, e.data...)
		buf = append(buf, `,"duration":`...)
		buf = appendFloat(buf, float64(e.end-e.start)/1e9)
		buf = append(buf, `,"id":`...)
		buf = strconv.AppendInt(buf, e.id, 10)
		buf = append(buf, `,"timestamp":"`...)
		buf = s.appendTimestamp(buf, e.start)
		buf = append(buf, `"}`...)
	}
	return append(buf, ']'), nil
}

// appendTimestamp writes a start as the flavour does: RFC 3339 with nanoseconds (Rust) or as
// Python's datetime.isoformat for an aware UTC time: six fraction digits, none when the
// microseconds are zero, and "+00:00". Neither needs escaping in a JSON string.
func (s *Handler) appendTimestamp(buf []byte, ns int64) []byte {
	t := time.Unix(0, ns).UTC()
	switch {
	case s.flavour != Python:
		return t.AppendFormat(buf, time.RFC3339Nano)
	case t.Nanosecond() == 0:
		return t.AppendFormat(buf, "2006-01-02T15:04:05+00:00")
	default:
		return t.AppendFormat(buf, "2006-01-02T15:04:05.000000+00:00")
	}
}

// appendFloat writes a finite float64 as encoding/json does: the shortest decimal that reads
// back the same, in exponent form below 1e-6 and from 1e21 on, with the exponent's leading
// zero dropped ("1e-7", not "1e-07").
func appendFloat(buf []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if n := len(buf); format == 'e' && n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
		buf[n-2] = buf[n-1]
		buf = buf[:n-1]
	}
	return buf
}
