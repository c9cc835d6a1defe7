package activitywatch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/awcal/awcal/internal/activity"
)

// valueDecoder decodes values a jsonStream has validated, with encoding/json's meaning (NaN,
// Infinity and -Infinity read as null). Strings are interned, and so are data objects: equal
// raw objects, which real activity repeats over and over, decode once into one shared map.
// Callers must treat the maps as read-only, as every consumer of activity.Event does.
type valueDecoder struct {
	strs  map[string]string
	datas map[string]map[string]any // raw object → decoded map; nil: it does not decode
	// shared, when set, holds the data maps of the decoders reading the same bucket at once.
	shared *sharedDatas
	buf    []byte
	key    []byte
	list   eventList // the events of the list being read
}

func newValueDecoder() *valueDecoder {
	return &valueDecoder{strs: map[string]string{}, datas: map[string]map[string]any{}}
}

// sharedDatas lets the decoders of one bucket's pieces, which run at the same time, share the
// data maps they decode: each distinct object is decoded once per bucket rather than once per
// decoder, and its events share one map. Only a decoder's own misses come here.
type sharedDatas struct {
	mu sync.Mutex
	m  map[string]map[string]any
}

// get returns the map decoded from raw (nil: it does not decode), if a decoder has put one.
func (sd *sharedDatas) get(raw []byte) (map[string]any, bool) {
	sd.mu.Lock()
	defer sd.mu.Unlock()
	m, ok := sd.m[string(raw)]
	return m, ok
}

// put records m as decoded from raw and returns what is recorded: m, or the map another
// decoder put meanwhile.
func (sd *sharedDatas) put(raw []byte, m map[string]any) map[string]any {
	sd.mu.Lock()
	defer sd.mu.Unlock()
	if had, ok := sd.m[string(raw)]; ok {
		return had
	}
	if sd.m == nil {
		sd.m = map[string]map[string]any{}
	}
	sd.m[string(raw)] = m
	return m
}

var errNumberRange = errors.New("a number is out of range")

func (d *valueDecoder) intern(b []byte) string {
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	d.strs[s] = s
	return s
}

// cursor walks valid JSON bytes.
type cursor struct {
	b []byte
	i int
}

func (c *cursor) ws() {
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// raw returns the next value's bytes and moves past them.
func (c *cursor) raw() []byte {
	c.ws()
	start := c.i
	depth := 0
	for c.i < len(c.b) {
		switch ch := c.b[c.i]; ch {
		case '"':
			c.i = stringEnd(c.b, c.i)
			if depth == 0 {
				return c.b[start:c.i]
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return c.b[start:c.i] // the end of the enclosing value
			}
			depth--
			if depth == 0 {
				c.i++
				return c.b[start:c.i]
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return c.b[start:c.i]
			}
		}
		c.i++
	}
	return c.b[start:c.i]
}

// stringEnd returns the index after the string that starts at b[i].
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// fields calls f with each key (unescaped, valid only during the call) and raw value of the
// object at the cursor.
func (c *cursor) fields(scratch *[]byte, f func(key, val []byte)) {
	c.ws()
	c.i++ // '{'
	for {
		c.ws()
		if c.b[c.i] == '}' {
			c.i++
			return
		}
		if c.b[c.i] == ',' {
			c.i++
			c.ws()
		}
		end := stringEnd(c.b, c.i)
		*scratch = unquote((*scratch)[:0], c.b[c.i:end])
		c.i = end
		c.ws()
		c.i++ // ':'
		f(*scratch, c.raw())
	}
}

// isNullish reports whether a raw value reads as null.
func isNullish(raw []byte) bool {
	if len(raw) == 0 {
		return false
	}
	switch raw[0] {
	case 'n', 'N', 'I':
		return true
	case '-':
		return len(raw) > 1 && raw[1] == 'I'
	}
	return false
}

// object decodes a raw object; dropNull leaves out the keys whose value is null, as event and
// bucket data are read.
func (d *valueDecoder) object(raw []byte, dropNull bool) (map[string]any, error) {
	return d.parseObject(&cursor{b: raw}, dropNull)
}

// parseValue decodes the value at the cursor and moves past it (one pass, however deep).
func (d *valueDecoder) parseValue(c *cursor) (any, error) {
	c.ws()
	switch c.b[c.i] {
	case '"':
		end := stringEnd(c.b, c.i)
		s := d.str(c.b[c.i:end])
		c.i = end
		return s, nil
	case '{':
		return d.parseObject(c, false)
	case '[':
		c.i++
		out := []any{}
		for {
			c.ws()
			switch c.b[c.i] {
			case ']':
				c.i++
				return out, nil
			case ',':
				c.i++
			}
			v, err := d.parseValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	tok := c.token()
	switch {
	case tok[0] == 't':
		return true, nil
	case tok[0] == 'f':
		return false, nil
	case isNullish(tok):
		return nil, nil
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return nil, errNumberRange
	}
	return f, nil
}

// parseObject decodes the object at the cursor and moves past it.
func (d *valueDecoder) parseObject(c *cursor, dropNull bool) (map[string]any, error) {
	m := map[string]any{}
	c.i++ // '{'
	for {
		c.ws()
		switch c.b[c.i] {
		case '}':
			c.i++
			return m, nil
		case ',':
			c.i++
			c.ws()
		}
		end := stringEnd(c.b, c.i)
		d.key = unquote(d.key[:0], c.b[c.i:end])
		key := d.intern(d.key)
		c.i = end
		c.ws()
		c.i++ // ':'
		c.ws()
		if dropNull && isNullish(c.b[c.i:min(c.i+2, len(c.b))]) {
			c.token()
			delete(m, key) // a later null wins over an earlier value, and is then removed
			continue
		}
		v, err := d.parseValue(c)
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
}

// token returns the literal or number at the cursor and moves past it.
func (c *cursor) token() []byte {
	start := c.i
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ',', ']', '}', ' ', '\t', '\n', '\r':
			return c.b[start:c.i]
		}
		c.i++
	}
	return c.b[start:c.i]
}

// data decodes event or bucket data: missing or null is empty, anything but an object is an
// error. Equal raw objects share one map.
func (d *valueDecoder) data(raw []byte) (map[string]any, error) {
	if raw == nil || isNullish(raw) {
		raw = []byte("{}")
	}
	if raw[0] != '{' {
		return nil, errors.New("not an object")
	}
	if m, ok := d.datas[string(raw)]; ok {
		if m == nil {
			return nil, errNumberRange
		}
		return m, nil
	}
	if d.shared != nil {
		if m, ok := d.shared.get(raw); ok {
			d.datas[string(raw)] = m
			if m == nil {
				return nil, errNumberRange
			}
			return m, nil
		}
	}
	m, err := d.object(raw, true)
	if err != nil {
		m = nil
	}
	if d.shared != nil {
		m = d.shared.put(raw, m)
	}
	d.datas[string(raw)] = m
	return m, err
}

// str decodes a raw string, interned.
func (d *valueDecoder) str(raw []byte) string {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return d.intern(inner)
	}
	d.buf = unquote(d.buf[:0], raw)
	return d.intern(d.buf)
}

// event decodes one raw event by ENGINE.md §1.3's rules, as decodeEvent does; ok is false
// for a malformed event.
func (d *valueDecoder) event(raw []byte) (activity.Event, bool) {
	if raw[0] != '{' {
		return activity.Event{}, false
	}
	var id, ts, dur, data []byte
	c := cursor{b: raw}
	c.fields(&d.buf, func(k, val []byte) {
		switch string(k) {
		case "id":
			id = val
		case "timestamp":
			ts = val
		case "duration":
			dur = val
		case "data":
			data = val
		default:
			switch {
			case bytes.EqualFold(k, []byte("id")):
				id = val
			case bytes.EqualFold(k, []byte("timestamp")):
				ts = val
			case bytes.EqualFold(k, []byte("duration")):
				dur = val
			case bytes.EqualFold(k, []byte("data")):
				data = val
			}
		}
	})
	t, ok := d.time(ts)
	if !ok {
		return activity.Event{}, false
	}
	var seconds float64
	if dur != nil {
		if dur[0] != '-' && (dur[0] < '0' || dur[0] > '9') {
			return activity.Event{}, false // null, NaN, Infinity, or not a number
		}
		f, err := strconv.ParseFloat(string(dur), 64)
		if err != nil || f < 0 || f > maxEventSeconds {
			return activity.Event{}, false
		}
		seconds = f
	}
	m, err := d.data(data)
	if err != nil {
		return activity.Event{}, false
	}
	return activity.Event{ID: rawID(id), Timestamp: t, Duration: seconds, Data: m}, true
}

// rawID is decodeID for raw bytes: the integer, or 0.
func rawID(raw []byte) int64 {
	if len(raw) == 0 {
		return 0
	}
	neg := raw[0] == '-'
	digits := raw
	if neg {
		digits = raw[1:]
	}
	if len(digits) == 0 || len(digits) > 19 {
		return 0
	}
	var n uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint64(c-'0')
	}
	switch {
	case neg && n <= 1<<63:
		return int64(-n) //nolint:gosec // -(1<<63) is MinInt64
	case !neg && n < 1<<63:
		return int64(n)
	}
	return 0
}

// time decodes a raw timestamp as decodeTime does; ok is false when it is missing, null, not
// a string or not a time.
func (d *valueDecoder) time(raw []byte) (time.Time, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return time.Time{}, false
	}
	inner := raw[1 : len(raw)-1]
	if t, ok := fastTime(inner); ok {
		return t, true
	}
	d.buf = unquote(d.buf[:0], raw)
	t, err := parseTime(string(d.buf))
	return t, err == nil
}

// fastTime parses the common form YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM) exactly as
// parseTime would; ok is false for anything else, which parseTime then decides. The time is
// computed from the calendar fields directly (time.Date normalises, and costs several times
// as much): time.Unix(...).UTC() is the same value time.Date(..., time.UTC).Add(-offset) is.
func fastTime(b []byte) (time.Time, bool) {
	if len(b) < 20 {
		return time.Time{}, false
	}
	f := b[:19:19] // the fixed fields, checked once
	if f[4] != '-' || f[7] != '-' || f[10] != 'T' || f[13] != ':' || f[16] != ':' {
		return time.Time{}, false
	}
	y1, ok1 := twoDigits(f[0], f[1])
	y2, ok2 := twoDigits(f[2], f[3])
	mo, ok3 := twoDigits(f[5], f[6])
	dd, ok4 := twoDigits(f[8], f[9])
	h, ok5 := twoDigits(f[11], f[12])
	mi, ok6 := twoDigits(f[14], f[15])
	s, ok7 := twoDigits(f[17], f[18])
	y := y1*100 + y2
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || mo < 1 || mo > 12 || dd < 1 ||
		dd > daysIn(mo, y) || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	i, ns := 19, 0
	if b[i] == '.' {
		j := i + 1
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			ns = ns*10 + int(b[j]-'0')
			j++
		}
		digits := j - i - 1
		if digits == 0 || digits > 9 {
			return time.Time{}, false
		}
		ns *= int(pow10Int[9-digits])
		i = j
	}
	var offset int
	switch {
	case i == len(b)-1 && b[i] == 'Z':
	case i == len(b)-6 && (b[i] == '+' || b[i] == '-') && b[i+3] == ':':
		oh, okh := digitsValue(b[i+1 : i+3])
		om, okm := digitsValue(b[i+4 : i+6])
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if b[i] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	sec := daysSinceEpoch(y, mo, dd)*86400 + int64(h*3600+mi*60+s-offset)
	if sec == zeroTimeUnix && ns == 0 { // the zero time is no time: parseTime refuses it
		return time.Time{}, false
	}
	return time.Unix(sec, int64(ns)).UTC(), true
}

// zeroTimeUnix is the zero time.Time in Unix seconds (0001-01-01T00:00:00Z).
var zeroTimeUnix = time.Time{}.Unix()

// twoDigits is the value of two decimal digits; ok is false if either byte is not one.
func twoDigits(a, b byte) (int, bool) {
	x, y := a-'0', b-'0'
	return int(x)*10 + int(y), x <= 9 && y <= 9
}

// digitsValue is the value of a run of decimal digits (at most 9); ok is false if a byte is
// not a digit.
func digitsValue(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

var pow10Int = [...]int32{1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// daysIn is the number of days of month m (1–12) of year y in the proleptic Gregorian
// calendar, as time.Date counts them.
func daysIn(m, y int) int {
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 29
	}
	return int(monthDays[m])
}

var monthDays = [13]uint8{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// daysSinceEpoch is the number of days from 1970-01-01 to the date (y ≥ 0), proleptic
// Gregorian: looked up for the years activity is recorded in, else computed.
func daysSinceEpoch(y, m, d int) int64 {
	if i := uint(y - firstTableYear); i < uint(len(yearStarts)) {
		ys := yearStarts[i]
		days := int64(ys.days) + int64(daysBeforeMonth[m]) + int64(d-1)
		if m > 2 && ys.leap {
			days++
		}
		return days
	}
	return civilDays(y, m, d)
}

// civilDays is daysSinceEpoch by Howard Hinnant's days_from_civil.
func civilDays(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := (y+400)/400 - 1 // floor(y / 400) for y ≥ -1
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// yearStarts holds, for each year from firstTableYear on, civilDays of its first day and
// whether it is a leap year.
var yearStarts = func() (t [300]struct {
	days int32
	leap bool
}) {
	for i := range t {
		y := firstTableYear + i
		t[i].days = int32(civilDays(y, 1, 1))
		t[i].leap = daysIn(2, y) == 29
	}
	return t
}()

const firstTableYear = 1900

// daysBeforeMonth is the days of a common year before each month (1-based).
var daysBeforeMonth = [13]int16{0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}

// unquote appends the unescaped text of a valid JSON string (with its quotes) to dst, as
// encoding/json unquotes: invalid UTF-8 and lone surrogates become U+FFFD.
func unquote(dst, raw []byte) []byte {
	s := raw[1 : len(raw)-1]
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch s[i+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(s[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, hex4(s[i+2:i+6])); dec != unicode.ReplacementChar {
							dst = utf8.AppendRune(dst, dec)
							i += 6
							continue
						}
					}
					r = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// decodeEventList decodes a JSON array of events (an aw-server answer), skipping and counting
// malformed ones. Only a body that is not a JSON array at all is an error; null is no events.
func decodeEventList(body []byte) ([]activity.Event, int, error) {
	return readEventList(bytes.NewReader(body), newValueDecoder())
}

// readEventList is decodeEventList reading from r as the bytes arrive, with d (which may have
// decoded earlier answers: equal strings and data objects are shared with theirs).
func readEventList(r io.Reader, d *valueDecoder) ([]activity.Event, int, error) {
	s := newJSONStream(r)
	defer s.close()
	d.list.reset()
	malformed := 0
	err := func() error {
		null, err := s.nullNext()
		if err != nil || null {
			return err
		}
		if c, _ := s.peek(); c != '[' {
			if err := s.skip(); err != nil {
				return err
			}
			return errors.New("not an array")
		}
		return s.array(func() error {
			ev, ok, err := s.readEvent(d)
			if err != nil {
				return err
			}
			if ok {
				d.list.add(ev)
			} else {
				malformed++
			}
			return nil
		})
	}()
	if err == nil {
		err = s.finish()
	}
	if err != nil {
		return nil, 0, fmt.Errorf("not a JSON list of events: %w", err)
	}
	return d.list.take(), malformed, nil
}
