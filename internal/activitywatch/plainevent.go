package activitywatch

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
	"time"

	"github.com/awcal/awcal/internal/activity"
)

// readEvent reads the next element of an event list. ok is false for a malformed event (the
// caller counts it); err is set only when the JSON itself is invalid.
//
// Events of the shape aw-server writes — the keys id, timestamp, duration and data, each at
// most once, a plain timestamp in a common RFC 3339 form, a non-negative number for duration,
// a flat data object — are validated and decoded in one pass over the stream's window
// (plainEvent). Anything else, malformed or invalid included, is skipped and then decoded by
// the general path (rawValue, valueDecoder.event), which decides exactly as before.
func (s *jsonStream) readEvent(d *valueDecoder) (ev activity.Event, ok bool, err error) {
	for {
		ev, st := s.plainEvent(d)
		if st == plainDone {
			return ev, true, nil
		}
		// A refill starts the scan again: only events of plain size are worth it.
		if st != plainMore || s.end-s.pos >= plainMax || !s.refill() {
			break
		}
	}
	raw, err := s.rawValue()
	if err != nil {
		return activity.Event{}, false, err
	}
	ev, ok = d.event(raw)
	return ev, ok, nil
}

// plainMax bounds the bytes plainEvent scans for one event (aw-server's are a few hundred).
const plainMax = 16 << 10

// plainState is what plainEvent made of the bytes at the stream's position.
type plainState uint8

const (
	// plainOther: not the plain shape, or not valid there; the general path decides.
	plainOther plainState = iota
	// plainMore: the window ends inside the value; a refill may complete it.
	plainMore
	// plainDone: decoded and consumed.
	plainDone
)

// Bits of the keys a plain event has seen.
const (
	seenID = 1 << iota
	seenTimestamp
	seenDuration
	seenData
)

// plainEvent decodes the event at the stream's position if it has the plain shape and lies
// whole in the window, and consumes it only then. Whatever it accepts is valid JSON that the
// general path decodes to the same event: every key is one of the four names spelt exactly
// (so case-insensitive matching and repeated keys never arise), and each value is one the
// general path reads by the same function (rawID, fastTime, parseSeconds, valueDecoder.data)
// without finding it malformed.
func (s *jsonStream) plainEvent(d *valueDecoder) (activity.Event, plainState) {
	if s.depth+2 > maxDepth { // the event and its data object
		return activity.Event{}, plainOther
	}
	b := s.buf[s.pos:s.end]
	i := skipWS(b, 0)
	if i >= len(b) {
		return activity.Event{}, plainMore
	}
	if b[i] != '{' {
		return activity.Event{}, plainOther
	}
	var (
		id, dur, data []byte
		t             time.Time
		m             map[string]any // data's map, when it was known
	)
	seen := 0
	for i++; ; {
		i = skipWS(b, i)
		if i >= len(b) {
			return activity.Event{}, plainMore
		}
		if b[i] != '"' { // an empty event has no timestamp: the general path counts it
			return activity.Event{}, plainOther
		}
		j := i + 1
		for j < len(b) && b[j] >= 'a' && b[j] <= 'z' {
			j++
		}
		if j >= len(b) {
			return activity.Event{}, plainMore
		}
		if b[j] != '"' {
			return activity.Event{}, plainOther
		}
		key := b[i+1 : j]
		i = skipWS(b, j+1)
		if i >= len(b) {
			return activity.Event{}, plainMore
		}
		if b[i] != ':' {
			return activity.Event{}, plainOther
		}
		i = skipWS(b, i+1)
		if i >= len(b) {
			return activity.Event{}, plainMore
		}
		var (
			bit int
			end int
			st  plainState
		)
		switch string(key) {
		case "id":
			bit = seenID
			end, st = scanNumber(b, i)
		case "timestamp":
			// fastTime takes nothing but digits and the separators of the form: a string it
			// reads as a time holds no escape, so its end is the first quote after it opens.
			bit = seenTimestamp
			if b[i] != '"' {
				return activity.Event{}, plainOther
			}
			q := bytes.IndexByte(b[i+1:], '"')
			if q < 0 {
				return activity.Event{}, plainMore
			}
			end, st = i+q+2, plainDone
			var ok bool
			if t, ok = fastTime(b[i+1 : end-1]); !ok {
				return activity.Event{}, plainOther
			}
		case "duration":
			bit = seenDuration
			if b[i] == '-' { // negative, -0 or -Infinity: the general path decides
				return activity.Event{}, plainOther
			}
			end, st = scanNumber(b, i)
		case "data":
			bit = seenData
			switch b[i] {
			case '{':
				// Data the decoder has seen, byte for byte, was validated then: only its end
				// is looked for. Other data is validated here.
				e, est := objectEnd(b, i)
				if est == plainMore {
					return activity.Event{}, plainMore
				}
				if est == plainDone {
					m = d.datas[string(b[i:e])]
				}
				if m != nil {
					end, st = e, plainDone
				} else {
					end, st = scanFlatObject(b, i)
				}
			case 'n':
				end, st = scanLiteral(b, i, "null")
			default:
				return activity.Event{}, plainOther
			}
		default:
			return activity.Event{}, plainOther
		}
		if st != plainDone {
			return activity.Event{}, st
		}
		if seen&bit != 0 {
			return activity.Event{}, plainOther
		}
		switch v := b[i:end]; bit {
		case seenID:
			id = v
		case seenTimestamp: // t is read already
		case seenDuration:
			dur = v
		default:
			data = v
		}
		seen |= bit
		i = skipWS(b, end)
		if i >= len(b) {
			return activity.Event{}, plainMore
		}
		if b[i] == '}' {
			i++
			break
		}
		if b[i] != ',' {
			return activity.Event{}, plainOther
		}
		i++
	}
	if seen&seenTimestamp == 0 {
		return activity.Event{}, plainOther
	}
	var sec float64
	if dur != nil {
		var ok bool
		if sec, ok = parseSeconds(dur); !ok || sec > maxEventSeconds {
			return activity.Event{}, plainOther
		}
	}
	if m == nil {
		var err error
		if m, err = d.data(data); err != nil {
			return activity.Event{}, plainOther
		}
	}
	s.pos += i
	return activity.Event{ID: rawID(id), Timestamp: t, Duration: sec, Data: m}, plainDone
}

// skipWS returns the index of the first byte from i on that is not JSON white space.
func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanLiteral expects word at b[i:].
func scanLiteral(b []byte, i int, word string) (int, plainState) {
	if i+len(word) > len(b) {
		return 0, plainMore
	}
	if string(b[i:i+len(word)]) != word {
		return 0, plainOther
	}
	return i + len(word), plainDone
}

// scanNumber validates the number at b[i] as skipNumber does and returns the index after it.
// The window must hold the byte after it, or the number may go on.
func scanNumber(b []byte, i int) (int, plainState) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	if j >= len(b) {
		return 0, plainMore
	}
	switch c := b[j]; {
	case c == '0':
		j++
	case c >= '1' && c <= '9':
		j = digitsEnd(b, j)
	default:
		return 0, plainOther
	}
	if j >= len(b) {
		return 0, plainMore
	}
	if b[j] == '.' {
		start := j + 1
		j = digitsEnd(b, start)
		if j >= len(b) {
			return 0, plainMore
		}
		if j == start {
			return 0, plainOther
		}
	}
	if b[j] == 'e' || b[j] == 'E' {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		start := j
		j = digitsEnd(b, start)
		if j >= len(b) {
			return 0, plainMore
		}
		if j == start {
			return 0, plainOther
		}
	}
	return j, plainDone
}

func digitsEnd(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// Masks for testing eight bytes at once.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special returns a word whose lowest set bit is the high bit of the first byte of x (little
// endian) that is a quote, a backslash or a control character — a byte that ends a string's
// plain run — or 0 if none is. (Each test sets the high bit of every matching byte; a borrow
// can also set it in a byte after a match, never before one.)
func special(x uint64) uint64 {
	q := x ^ (ones * '"')
	bs := x ^ (ones * '\\')
	return ((x - ones*0x20) &^ x & highs) | ((q - ones) &^ q & highs) | ((bs - ones) &^ bs & highs)
}

// plainRun returns the index of the first quote, backslash or control character in b from i
// on, or len(b).
func plainRun(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if m := special(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
		i++
	}
	return i
}

// scanString validates the string at b[i] (its opening quote) as skipString does and returns
// the index after it, and whether it holds an escape.
func scanString(b []byte, i int) (end int, st plainState, escaped bool) {
	j := i + 1
	for {
		j = plainRun(b, j)
		if j >= len(b) {
			return 0, plainMore, false
		}
		switch b[j] {
		case '"':
			return j + 1, plainDone, escaped
		case '\\':
			escaped = true
			if j+1 >= len(b) {
				return 0, plainMore, false
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(b) {
					return 0, plainMore, false
				}
				for _, h := range b[j+2 : j+6] {
					if !isHex(h) {
						return 0, plainOther, false
					}
				}
				j += 6
			default:
				return 0, plainOther, false
			}
		default: // a control character
			return 0, plainOther, false
		}
	}
}

// scanFlatObject validates the object at b[i] whose values are strings, numbers, true, false
// or null, and returns the index after it; nested values and Python's NaN and Infinity are
// left to the general path.
func scanFlatObject(b []byte, i int) (int, plainState) {
	j := skipWS(b, i+1)
	if j >= len(b) {
		return 0, plainMore
	}
	if b[j] == '}' {
		return j + 1, plainDone
	}
	for {
		if b[j] != '"' {
			return 0, plainOther
		}
		end, st, _ := scanString(b, j)
		if st != plainDone {
			return 0, st
		}
		j = skipWS(b, end)
		if j >= len(b) {
			return 0, plainMore
		}
		if b[j] != ':' {
			return 0, plainOther
		}
		j = skipWS(b, j+1)
		if j >= len(b) {
			return 0, plainMore
		}
		switch c := b[j]; {
		case c == '"':
			end, st, _ = scanString(b, j)
		case c == 't':
			end, st = scanLiteral(b, j, "true")
		case c == 'f':
			end, st = scanLiteral(b, j, "false")
		case c == 'n':
			end, st = scanLiteral(b, j, "null")
		case c == '-' || c >= '0' && c <= '9':
			end, st = scanNumber(b, j)
		default:
			return 0, plainOther
		}
		if st != plainDone {
			return 0, st
		}
		j = skipWS(b, end)
		if j >= len(b) {
			return 0, plainMore
		}
		switch b[j] {
		case '}':
			return j + 1, plainDone
		case ',':
			j = skipWS(b, j+1)
			if j >= len(b) {
				return 0, plainMore
			}
		default:
			return 0, plainOther
		}
	}
}

// objectEnd returns the index after the first '}' from b[i] on that is not in a string: the
// end of the object at b[i] if it is flat (else the end of its first nested object, which no
// decoder has seen as data). It says plainMore when the window ends first, and plainOther for
// an invalid string. Without escapes, quotes open and close strings in turn: a '}' after an
// even number of them is outside. With a backslash, or a '}' inside a string, it looks for the
// end string by string.
func objectEnd(b []byte, i int) (int, plainState) {
	e := bytes.IndexByte(b[i:], '}')
	if e < 0 {
		return 0, plainMore
	}
	if seg := b[i : i+e]; bytes.IndexByte(seg, '\\') < 0 && bytes.Count(seg, []byte{'"'})%2 == 0 {
		return i + e + 1, plainDone
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '}':
			return j + 1, plainDone
		case '"':
			end, st, _ := scanString(b, j)
			if st != plainDone {
				return 0, st
			}
			j = end - 1
		}
	}
	return 0, plainMore
}

// exactPow10 are the powers of ten a float64 holds exactly.
var exactPow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseSeconds reads a valid JSON number as strconv.ParseFloat does; ok is false when it
// does not fit a float64. A plain decimal of at most 15 significant digits is one exact
// division (both operands are exact in a float64, and IEEE division rounds correctly).
func parseSeconds(num []byte) (float64, bool) {
	var mant uint64
	digits, frac, dot := 0, 0, false
	i := 0
	for ; i < len(num); i++ {
		c := num[i]
		if c == '.' {
			dot = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		mant = mant*10 + uint64(c-'0')
		digits++
		if dot {
			frac++
		}
	}
	if i == len(num) && digits <= 15 && frac < len(exactPow10) {
		return float64(mant) / exactPow10[frac], true
	}
	f, err := strconv.ParseFloat(string(num), 64)
	return f, err == nil
}
