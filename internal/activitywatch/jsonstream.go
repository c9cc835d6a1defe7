package activitywatch

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

// streamBufSize is the size of a stream's first buffer; it grows only when one value that
// must be kept whole (an event, a bucket's metadata field) is larger.
const streamBufSize = 64 << 10

// jsonStream reads JSON from a reader through a window of bytes, validating the syntax as it
// goes, so that a file is never held whole. It accepts Python's NaN, Infinity and -Infinity as
// values and reports them as null, as replaceNonFinite does for whole bodies.
//
// Values are skipped (validated) with skip; a value that is wanted is skipped between mark
// and the raw bytes then handed to a valueDecoder, which may assume they are valid JSON.
type jsonStream struct {
	r    io.Reader
	buf  []byte
	pos  int   // next unread byte of buf
	end  int   // buf[:end] holds read bytes
	base int64 // offset in the input of buf[0]
	keep int   // the first byte a refill must keep (a marked value), or -1
	rerr error // the reader's error once it returned one (io.EOF at the end)
	key  []byte
	// depth is the number of objects and arrays open; encoding/json refuses more than
	// maxDepth, and so does the stream (it also keeps the decoders' recursion bounded).
	depth int
}

const maxDepth = 10000

// streamBufs recycles the streams' first buffers between reads (a body or a file each).
var streamBufs = sync.Pool{New: func() any { return new([streamBufSize]byte) }}

func newJSONStream(r io.Reader) *jsonStream {
	return &jsonStream{r: r, buf: streamBufs.Get().(*[streamBufSize]byte)[:], keep: -1}
}

// close hands the stream's buffer back for another stream, if it is still the first one; the
// stream, and every byte slice it returned, must not be used after.
func (s *jsonStream) close() {
	if cap(s.buf) == streamBufSize {
		streamBufs.Put((*[streamBufSize]byte)(s.buf[:streamBufSize]))
	}
	s.buf = nil
}

// errSyntax is wrapped by every syntax error, whose text says what and where.
var errSyntax = errors.New("invalid JSON")

func (s *jsonStream) syntaxErr(what string) error {
	return fmt.Errorf("%w: %s at byte %d", errSyntax, what, s.base+int64(s.pos))
}

func (s *jsonStream) unexpected() error {
	if s.pos >= s.end {
		if s.rerr != nil && !errors.Is(s.rerr, io.EOF) {
			return fmt.Errorf("reading: %w", s.rerr)
		}
		return fmt.Errorf("%w: unexpected end of JSON input", errSyntax)
	}
	return s.syntaxErr(fmt.Sprintf("invalid character %q", s.buf[s.pos]))
}

// refill reads more input, keeping buf[keep:] (or buf[pos:]) and moving it to the front. It
// reports whether any byte was added.
func (s *jsonStream) refill() bool {
	if s.rerr != nil {
		return false
	}
	from := s.pos
	if s.keep >= 0 {
		from = s.keep
	}
	if from > 0 {
		copy(s.buf, s.buf[from:s.end])
		s.end -= from
		s.pos -= from
		s.base += int64(from)
		if s.keep >= 0 {
			s.keep = 0
		}
	}
	if s.end == len(s.buf) {
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// peek skips white space and returns the next byte without consuming it (ok false at the end).
func (s *jsonStream) peek() (byte, bool) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.refill() {
			return 0, false
		}
	}
}

// consume expects the byte c next (after white space).
func (s *jsonStream) consume(c byte) error {
	b, ok := s.peek()
	if !ok || b != c {
		return s.unexpected()
	}
	s.pos++
	return nil
}

// mark starts keeping the input from the next value on; markedRaw ends it.
func (s *jsonStream) mark() error {
	if _, ok := s.peek(); !ok {
		return s.unexpected()
	}
	s.keep = s.pos
	return nil
}

// markedRaw returns the bytes read since mark and stops keeping them. They stay valid until
// the stream reads on.
func (s *jsonStream) markedRaw() []byte {
	raw := s.buf[s.keep:s.pos]
	s.keep = -1
	return raw
}

// rawValue skips the next value and returns its bytes (valid until the stream reads on).
func (s *jsonStream) rawValue() ([]byte, error) {
	if err := s.mark(); err != nil {
		return nil, err
	}
	if err := s.skip(); err != nil {
		s.keep = -1
		return nil, err
	}
	return s.markedRaw(), nil
}

// nullNext reports whether the next value is null (or NaN, Infinity, -Infinity), consuming it
// if so.
func (s *jsonStream) nullNext() (bool, error) {
	c, ok := s.peek()
	if !ok {
		return false, s.unexpected()
	}
	switch c {
	case 'n', 'N', 'I':
	case '-':
		if !s.has(2) || s.buf[s.pos+1] != 'I' {
			return false, nil
		}
	default:
		return false, nil
	}
	return true, s.skip()
}

// has reports whether n bytes from pos are available, reading more if needed.
func (s *jsonStream) has(n int) bool {
	for s.end-s.pos < n {
		if !s.refill() {
			return false
		}
	}
	return true
}

func (s *jsonStream) literal(word string) error {
	if !s.has(len(word)) || string(s.buf[s.pos:s.pos+len(word)]) != word {
		return s.unexpected()
	}
	s.pos += len(word)
	return nil
}

// skip validates and skips the next value.
func (s *jsonStream) skip() error {
	c, ok := s.peek()
	if !ok {
		return s.unexpected()
	}
	switch c {
	case '{':
		return s.object(func([]byte) error { return s.skip() })
	case '[':
		return s.array(s.skip)
	case '"':
		return s.skipString()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	case 'N':
		return s.literal("NaN")
	case 'I':
		return s.literal("Infinity")
	case '-':
		if s.has(2) && s.buf[s.pos+1] == 'I' {
			return s.literal("-Infinity")
		}
		return s.skipNumber()
	default:
		if c >= '0' && c <= '9' {
			return s.skipNumber()
		}
		return s.unexpected()
	}
}

// object reads an object, calling field with each key (valid only until the stream reads on);
// field must read the key's value.
func (s *jsonStream) object(field func(key []byte) error) error {
	if err := s.consume('{'); err != nil {
		return err
	}
	if err := s.open(); err != nil {
		return err
	}
	defer func() { s.depth-- }()
	if c, ok := s.peek(); ok && c == '}' {
		s.pos++
		return nil
	}
	for {
		key, err := s.readKey()
		if err != nil {
			return err
		}
		if err := s.consume(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		c, ok := s.peek()
		if !ok {
			return s.unexpected()
		}
		switch c {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.unexpected()
		}
	}
}

// array reads an array, calling elem for each element; elem must read it.
func (s *jsonStream) array(elem func() error) error {
	if err := s.consume('['); err != nil {
		return err
	}
	if err := s.open(); err != nil {
		return err
	}
	defer func() { s.depth-- }()
	if c, ok := s.peek(); ok && c == ']' {
		s.pos++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		c, ok := s.peek()
		if !ok {
			return s.unexpected()
		}
		switch c {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.unexpected()
		}
	}
}

// open counts an object or array just opened.
func (s *jsonStream) open() error {
	s.depth++
	if s.depth > maxDepth {
		return s.syntaxErr(fmt.Sprintf("more than %d nested objects and arrays", maxDepth))
	}
	return nil
}

// readKey reads an object key and returns it unescaped.
func (s *jsonStream) readKey() ([]byte, error) {
	if c, ok := s.peek(); !ok || c != '"' {
		return nil, s.unexpected()
	}
	marked := s.keep >= 0
	if !marked {
		s.keep = s.pos
	}
	off := s.pos - s.keep // refills move keep and pos together
	err := s.skipString()
	raw := s.buf[s.keep+off : s.pos]
	if !marked {
		s.keep = -1
	}
	if err != nil {
		return nil, err
	}
	s.key = unquote(s.key[:0], raw)
	return s.key, nil
}

// skipString validates and skips a string (the cursor is on its opening quote).
func (s *jsonStream) skipString() error {
	s.pos++
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			switch {
			case c == '"':
				s.pos++
				return nil
			case c == '\\':
				if !s.has(2) {
					return s.unexpected()
				}
				switch s.buf[s.pos+1] {
				case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
					s.pos += 2
				case 'u':
					if !s.has(6) {
						return s.unexpected()
					}
					for _, h := range s.buf[s.pos+2 : s.pos+6] {
						if !isHex(h) {
							s.pos++
							return s.syntaxErr("invalid \\u escape")
						}
					}
					s.pos += 6
				default:
					s.pos++
					return s.syntaxErr("invalid escape")
				}
			case c < 0x20:
				return s.syntaxErr("control character in string")
			default:
				s.pos++
			}
		}
		if !s.refill() {
			return s.unexpected()
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skipNumber validates and skips a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonStream) skipNumber() error {
	at := func() (byte, bool) {
		if s.pos < s.end || s.refill() {
			return s.buf[s.pos], true
		}
		return 0, false
	}
	digits := func() error {
		c, ok := at()
		if !ok || c < '0' || c > '9' {
			return s.unexpected()
		}
		for ok && c >= '0' && c <= '9' {
			s.pos++
			c, ok = at()
		}
		return nil
	}
	if c, _ := at(); c == '-' {
		s.pos++
	}
	c, ok := at()
	switch {
	case ok && c == '0':
		s.pos++
	default:
		if err := digits(); err != nil {
			return err
		}
	}
	if c, ok := at(); ok && c == '.' {
		s.pos++
		if err := digits(); err != nil {
			return err
		}
	}
	if c, ok := at(); ok && (c == 'e' || c == 'E') {
		s.pos++
		if c, ok := at(); ok && (c == '+' || c == '-') {
			s.pos++
		}
		if err := digits(); err != nil {
			return err
		}
	}
	return nil
}

// finish checks that nothing but white space follows the top-level value.
func (s *jsonStream) finish() error {
	if _, ok := s.peek(); ok {
		return s.syntaxErr(fmt.Sprintf("invalid character %q after the top-level value", s.buf[s.pos]))
	}
	if s.rerr != nil && !errors.Is(s.rerr, io.EOF) {
		return fmt.Errorf("reading: %w", s.rerr)
	}
	return nil
}
