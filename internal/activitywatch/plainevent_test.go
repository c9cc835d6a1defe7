package activitywatch

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awfake"
	"github.com/awcal/awcal/internal/fakedata"
)

// elements walks the elements of a JSON array with the stream, calling f with the stream
// positioned at each element; f must read it.
func elements(t *testing.T, body []byte, f func(s *jsonStream)) {
	t.Helper()
	s := newJSONStream(bytes.NewReader(body))
	require.NoError(t, s.array(func() error { f(s); return nil }))
	require.NoError(t, s.finish())
}

// TestPlainEventsAsServersAndExportsWriteThem: every event of two weeks of heavy activity, as
// both flavours of aw-server answer it and as an export holds it, is decoded by the one-pass
// path, into exactly what the general path decodes from its bytes.
func TestPlainEventsAsServersAndExportsWriteThem(t *testing.T) {
	opts := fakedata.Options{Days: 14, Seed: 2, Intensity: fakedata.Heavy}
	data := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, opts.Days-1)
	var bodies [][]byte
	for _, fl := range []awfake.Flavour{awfake.Rust, awfake.Python} {
		h := awfake.New(fl)
		for _, be := range data {
			h.AddBucket(be.Bucket)
			h.AddEvents(be.Bucket.ID, be.Events...)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/api/0/buckets/"+
				url.PathEscape(be.Bucket.ID)+"/events?"+pieceQuery(from, to).Encode(), nil))
			require.Equal(t, http.StatusOK, rec.Code)
			bodies = append(bodies, rec.Body.Bytes())
		}
	}
	var export bytes.Buffer
	require.NoError(t, fakedata.WriteExport(&export, data))
	for _, be := range data { // each bucket's events list, as the export writes it
		i := bytes.Index(export.Bytes(), []byte(`"id":"`+be.Bucket.ID+`"`))
		require.GreaterOrEqual(t, i, 0)
		j := bytes.Index(export.Bytes()[i:], []byte(`"events":`))
		require.GreaterOrEqual(t, j, 0)
		s := newJSONStream(bytes.NewReader(export.Bytes()[i+j+len(`"events":`):]))
		raw, err := s.rawValue()
		require.NoError(t, err)
		bodies = append(bodies, bytes.Clone(raw))
	}

	n := 0
	for _, body := range bodies {
		plain, general := newValueDecoder(), newValueDecoder()
		elements(t, body, func(s *jsonStream) {
			var (
				ev activity.Event
				st plainState
				at int
			)
			for { // as readEvent does: an event across the window's end is read after a refill
				at = s.pos
				if ev, st = s.plainEvent(plain); st != plainMore || !s.refill() {
					break
				}
			}
			require.Equal(t, plainDone, st, "event at byte %d: %.200s", s.base+int64(at), s.buf[at:s.end])
			want, ok := general.event(s.buf[at:s.pos])
			require.True(t, ok)
			require.True(t, reflect.DeepEqual(want, ev), "plain %#v\ngeneral %#v", ev, want)
			n++
		})
	}
	assert.Greater(t, n, 50_000)
}

// TestPlainEventLeavesTheRestToTheGeneralPath: an event of any other shape is left where it
// is, unread, for the general path (which then decodes it as before).
func TestPlainEventLeavesTheRestToTheGeneralPath(t *testing.T) {
	const ts = `"timestamp":"2026-03-02T09:00:00Z"`
	for _, raw := range []string{
		`{}`, `[]`, `1`, `{"duration":1}`,
		`{"Timestamp":"2026-03-02T09:00:00Z"}`, `{"id":1,"id":2,` + ts + `}`, `{"extra":1,` + ts + `}`,
		`{"timestamp":"2026-03-02T09:00:0\u0030Z"}`, `{"timestamp":"2026-03-02 09:00:00Z"}`,
		`{"timestamp":"2026-02-30T09:00:00Z"}`, `{"timestamp":1}`, `{"timestamp":"2026-03-02T09:00:00.Z"}`,
		`{` + ts + `,"duration":-1}`, `{` + ts + `,"duration":-0}`, `{` + ts + `,"duration":NaN}`,
		`{` + ts + `,"duration":null}`, `{` + ts + `,"duration":"1"}`, `{` + ts + `,"duration":1e400}`,
		`{` + ts + `,"duration":31708800.5}`, `{` + ts + `,"duration":01}`, `{` + ts + `,"duration":1.}`,
		`{` + ts + `,"data":[]}`, `{` + ts + `,"data":{"a":{"b":1}}}`, `{` + ts + `,"data":{"a":[1]}}`,
		`{` + ts + `,"data":{"a":NaN}}`, `{` + ts + `,"data":{"a":Infinity}}`, `{` + ts + `,"data":{"a":-Infinity}}`,
		`{` + ts + `,"data":{"a":"\q"}}`, `{` + ts + `,"data":{"a":"` + "\x01" + `"}}`, `{` + ts + `,"data":{"a":1e999}}`,
		`{` + ts + `,"data":{"a":tru}}`, `{` + ts + `,"data":{"a" 1}}`, `{` + ts + `,"data":{"a":1,}}`,
		`{` + ts + `,"data":"x"}`, `{` + ts + ` "data":{}}`, `{` + ts + `,}`,
	} {
		s := newJSONStream(bytes.NewReader([]byte(raw + " ")))
		s.refill()
		_, st := s.plainEvent(newValueDecoder())
		assert.Equal(t, plainOther, st, raw)
		assert.Equal(t, 0, s.pos, raw)
	}
	// Cut anywhere, a plain event asks for more; whole, it is decoded.
	raw := `{ "data" : { "a" : "x\"\u00e9" , "b" : -1.5e+3 , "c" : true , "d" : false , "e" : null } ,` +
		` "duration" : 0.25 , "id" : -7 , ` + ts + ` }`
	for cut := range len(raw) {
		s := newJSONStream(bytes.NewReader([]byte(raw[:cut])))
		s.refill()
		_, st := s.plainEvent(newValueDecoder())
		assert.Equal(t, plainMore, st, raw[:cut])
	}
	s := newJSONStream(bytes.NewReader([]byte(raw + "]")))
	s.refill()
	ev, st := s.plainEvent(newValueDecoder())
	require.Equal(t, plainDone, st)
	assert.Equal(t, len(raw), s.pos)
	assert.Equal(t, map[string]any{"a": "x\"é", "b": -1500.0, "c": true, "d": false}, ev.Data)
	assert.Equal(t, 0.25, ev.Duration)
	assert.Equal(t, int64(-7), ev.ID)
}

// TestPlainEventFindsKnownDataWhereItEnds: data the decoder has seen is not validated again,
// only its end looked for. With braces, quotes and backslashes in its strings, the event is
// still read to its end, into what the general path reads; cut anywhere it asks for more; and
// data that merely begins like known data is validated (and left to the general path when it
// is not flat).
func TestPlainEventFindsKnownDataWhereItEnds(t *testing.T) {
	const ts = `"timestamp":"2026-03-02T09:00:00Z"`
	for _, data := range []string{`{}`, `{"a":"}"}`, `{"a":"\"}"}`, `{"a":"\\"}`, `{"a":"x\\\"}y"}`,
		`{"a":1,"b":"}}","c":"{"}`, `{ "a" : "b" }`, `{"a":"\u007d"}`} {
		raw := `{` + ts + `,"data":` + data + `,"duration":1}`
		d := newValueDecoder()
		for seen := range 2 { // the second time, the decoder knows the data
			s := newJSONStream(bytes.NewReader([]byte(raw + "]")))
			s.refill()
			ev, st := s.plainEvent(d)
			require.Equal(t, plainDone, st, "%s, seen %d", raw, seen)
			assert.Equal(t, len(raw), s.pos, raw)
			want, _, err := decodeEventListLayered([]byte("[" + raw + "]"))
			require.NoError(t, err)
			assert.Equal(t, want[0], ev, raw)
		}
		for cut := range len(raw) {
			s := newJSONStream(bytes.NewReader([]byte(raw[:cut])))
			s.refill()
			_, st := s.plainEvent(d)
			assert.Equal(t, plainMore, st, raw[:cut])
		}
	}
	// Known bytes are looked up, not validated: bytes that only a decoder's table holds (no
	// valid JSON here) are taken, where unknown they would be the general path's.
	d := newValueDecoder()
	odd := map[string]any{"a": 1.0}
	d.datas[`{"a":1,}`] = odd
	s := newJSONStream(bytes.NewReader([]byte(`{` + ts + `,"data":{"a":1,}} `)))
	s.refill()
	ev, st := s.plainEvent(d)
	require.Equal(t, plainDone, st, "the known data's end is found and looked up")
	assert.Equal(t, odd, ev.Data)
	s = newJSONStream(bytes.NewReader([]byte(`{` + ts + `,"data":{"a":1,}} `)))
	s.refill()
	_, st = s.plainEvent(newValueDecoder())
	assert.Equal(t, plainOther, st, "unknown, the same bytes are validated")

	d = newValueDecoder()
	known := `{` + ts + `,"data":{"a":{"b":1}` + `}`
	for _, raw := range []string{`{` + ts + `,"data":{"a":1}}`, known} {
		s := newJSONStream(bytes.NewReader([]byte(raw + " ")))
		s.refill()
		s.plainEvent(d)
	}
	s = newJSONStream(bytes.NewReader([]byte(known + " ")))
	s.refill()
	_, st = s.plainEvent(d)
	assert.Equal(t, plainOther, st, "nested data, seen or not, is the general path's")
}

// TestFastTimeAgreesWithParseTime: the common forms, on days across the calendar's rules
// (leap years, centuries, the days a month lacks), read as parseTime reads them — the same
// time.Time value, not only the same instant — and every valid one is taken by fastTime.
func TestFastTimeAgreesWithParseTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// 1899, 1900, 2199 and 2200: either side of both ends of fastTime's table of years.
	for _, y := range []int{0, 1, 4, 99, 100, 399, 400, 1600, 1899, 1900, 1969, 1970, 1999, 2000, 2024, 2026, 2100, 2199, 2200, 2400, 9999} {
		for m := 1; m <= 12; m++ {
			for d := 1; d <= 31; d++ {
				date := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, rng.IntN(24), rng.IntN(60), rng.IntN(60))
				for _, frac := range []string{"", ".5", ".123456", ".123456789", ".0000000001"} {
					for _, off := range []string{"Z", "+00:00", "+05:30", "-23:59", "+14:00", "z", "+24:00", ""} {
						s := date + frac + off
						want, err := parseTime(s)
						got, ok := fastTime([]byte(s))
						if ok {
							require.NoError(t, err, s)
							require.True(t, reflect.DeepEqual(want, got), "%s: fastTime %#v, parseTime %#v", s, got, want)
						}
						common := frac != ".0000000001" && off != "z" && off != "+24:00" && off != ""
						if err == nil && common {
							require.True(t, ok, "%s is left to parseTime", s)
						}
					}
				}
			}
		}
	}
	// The zero time is no time: both refuse it, whichever offset names it.
	for _, s := range []string{"0001-01-01T00:00:00Z", "0001-01-01T05:30:00+05:30"} {
		_, err := parseTime(s)
		require.Error(t, err, s)
		_, ok := fastTime([]byte(s))
		require.False(t, ok, s)
	}
}

// TestYearTableAgreesWithCivilDays: the table of years gives every day of every year it
// holds, and the years on either side of it, the count days_from_civil computes.
func TestYearTableAgreesWithCivilDays(t *testing.T) {
	for y := firstTableYear - 2; y < firstTableYear+len(yearStarts)+2; y++ {
		for m := 1; m <= 12; m++ {
			for d := 1; d <= daysIn(m, y); d++ {
				require.Equal(t, civilDays(y, m, d), daysSinceEpoch(y, m, d), "%04d-%02d-%02d", y, m, d)
			}
		}
	}
	require.Equal(t, int64(0), daysSinceEpoch(1970, 1, 1))
}

// FuzzFastTime: whatever fastTime takes, parseTime reads as the same value.
func FuzzFastTime(f *testing.F) {
	for _, s := range []string{"2026-03-02T09:00:00Z", "2024-02-29T23:59:59.999999999+05:30", "0000-01-01T00:00:00-23:59", "2100-02-29T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fastTime([]byte(s))
		if !ok {
			return
		}
		want, err := parseTime(s)
		if err != nil || !reflect.DeepEqual(want, got) {
			t.Fatalf("%q: fastTime %#v, parseTime %#v, %v", s, got, want, err)
		}
	})
}

// TestParseSecondsAgreesWithParseFloat: durations as servers write them (the shortest decimal
// of a float64) and arbitrary decimals read as strconv.ParseFloat reads them.
func TestParseSecondsAgreesWithParseFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	nums := []string{"0", "0.0", "1", "7.363", "0.000001", "1e-7", "1E+3", "123456789012345", "1234567890123456",
		"0.1234567890123456789", "9007199254740993", "31622400", "86400.123456", "0.30000000000000004", "1e400"}
	for range 100_000 {
		f := rng.Float64() * float64(int64(1)<<rng.IntN(40))
		nums = append(nums, strconv.FormatFloat(f, 'f', -1, 64), strconv.FormatFloat(f, 'f', rng.IntN(12), 64))
		digits := make([]byte, 1+rng.IntN(20))
		for i := range digits {
			digits[i] = byte('0' + rng.IntN(10))
		}
		dot := rng.IntN(len(digits) + 1)
		nums = append(nums, string(digits[:dot])+"."+string(digits[dot:]))
	}
	for _, n := range nums {
		want, err := strconv.ParseFloat(n, 64)
		got, ok := parseSeconds([]byte(n))
		if err != nil {
			assert.False(t, ok, n)
			continue
		}
		require.True(t, ok, n)
		require.Equal(t, want, got, n)
	}
}

// TestPlainRunFindsTheFirstSpecialByte: the word-at-a-time search stops at exactly the first
// quote, backslash or control character, whatever surrounds it (bytes next to the special
// values, non-ASCII bytes, several specials in one word), as a byte-by-byte search does.
func TestPlainRunFindsTheFirstSpecialByte(t *testing.T) {
	naive := func(b []byte, i int) int {
		for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
			i++
		}
		return i
	}
	near := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, '"' - 1, '"', '"' + 1, '\\' - 1, '\\', '\\' + 1, 0x7f, 0x80, 0x81, 0xa2, 0xdc, 0xfe, 0xff, 'a'}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200_000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = byte(rng.IntN(256))
			} else {
				b[i] = near[rng.IntN(len(near))]
			}
		}
		from := rng.IntN(len(b) + 1)
		require.Equal(t, naive(b, from), plainRun(b, from), "%q from %d", b, from)
	}
	for c := range 256 { // every byte at every place of a word, after plain bytes of both halves
		for p := range 16 {
			b := bytes.Repeat([]byte{0xe9, 'x'}, 8)
			b[p] = byte(c)
			require.Equal(t, naive(b, 0), plainRun(b, 0), "%q", b)
		}
	}
}

// TestEventsDecodeEachDataOnce: a bucket's pieces are decoded by two decoders at once, and
// every distinct data object of the range is still decoded once: the events that have it
// share one map, whichever piece they came in.
func TestEventsDecodeEachDataOnce(t *testing.T) {
	opts := fakedata.Options{Days: 14, Seed: 2, Intensity: fakedata.Heavy}
	data := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, opts.Days-1)
	h := awfake.New(awfake.Rust)
	for _, be := range data {
		h.AddBucket(be.Bucket)
		h.AddEvents(be.Bucket.ID, be.Events...)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	window := data[0].Bucket.ID
	got, err := New(srv.URL).Events(t.Context(), window, from, to)
	require.NoError(t, err)
	maps := map[string]uintptr{}
	for _, ev := range got.Events {
		k := dataKey(ev.Data)
		p := reflect.ValueOf(ev.Data).Pointer()
		if q, ok := maps[k]; ok {
			require.Equal(t, q, p, "events with data %s share its map", k)
		}
		maps[k] = p
	}
	require.Greater(t, len(got.Events), 10*len(maps), "the data repeat")
}
