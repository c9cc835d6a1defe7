package ics

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"github.com/awcal/awcal/internal/calendar"
)

// ParseError says why a calendar file is not iCalendar that awcal can safely rewrite. The file
// is left as it is; the user has to fix or move it.
type ParseError struct {
	Path string
	Line int // 1-based physical line
	Err  error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("calendar file %s does not parse at line %d: %v; fix or move it, awcal will not overwrite it",
		e.Path, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// component is one child of the VCALENDAR, kept as the exact bytes of the file so that a
// foreign component is written back byte-identical and is never re-encoded.
type component struct {
	start, end int    // raw[start:end]: from its BEGIN line through its END line's line break
	name       string // upper case: VEVENT, VTODO, VTIMEZONE, …
	uid        string // VEVENT: the raw value of its first UID
	owned      bool   // a VEVENT with awcal's UID and a non-empty marker (calendar.FromVEvent's rule)
}

// file is a parsed calendar file: its bytes and where its components are. It is never modified;
// splice makes a new one.
type file struct {
	raw   []byte
	comps []component
	end   int  // offset of the END:VCALENDAR line, where new events go
	lf    bool // lines end in a bare LF: inserted text follows suit
}

var utf8BOM = []byte("\uFEFF")

// emptyCalendar is what a missing or blank file stands for.
var emptyCalendar = func() []byte {
	var b bytes.Buffer
	if err := calendar.Encode(&b, calendar.NewCalendar()); err != nil {
		panic(err) // a constant calendar; covered by the tests
	}
	return b.Bytes()
}()

// parse splits raw into its components. It checks the structure (one VCALENDAR, every BEGIN
// closed by a matching END) and the syntax of every content line, because a file that does not
// parse must never be overwritten: awcal cannot know what it would lose.
func parse(path string, raw []byte) (*file, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = emptyCalendar
	}
	f := &file{raw: raw, end: -1, comps: make([]component, 0, len(raw)/256)}
	fail := func(line int, format string, args ...any) (*file, error) {
		return nil, &ParseError{Path: path, Line: line, Err: fmt.Errorf(format, args...)}
	}
	type open struct {
		name string
		line int
	}
	var (
		stack    []open // components open inside the VCALENDAR
		calLine  int    // line of BEGIN:VCALENDAR, 0 before it
		cur      *component
		curLine  int
		uidSeen  bool // the first UID and marker count, as calendar.FromVEvent reads them
		mrkSeen  bool
		marker   bool
		ownedAt  = map[string]int{}
		lr       = lineReader{raw: string(raw)}
		firstEnd = true
	)
	if bytes.HasPrefix(raw, utf8BOM) {
		lr.pos = len(utf8BOM) // kept in raw, so it is written back
	}
	for {
		text, start, end, line, err := lr.next()
		if err != nil {
			return fail(line, "%v", err)
		}
		if start < 0 {
			break
		}
		if firstEnd {
			f.lf = !bytes.HasSuffix(raw[:end], []byte("\r\n"))
			firstEnd = false
		}
		name, value, err := scanLine(text, nil)
		if err != nil && calLine == 0 {
			return fail(line, "expected BEGIN:VCALENDAR, found %q", shorten(text))
		}
		if err != nil {
			return fail(line, "%v", err)
		}
		isBegin, isEnd := strings.EqualFold(name, "BEGIN"), strings.EqualFold(name, "END")
		var compName string
		if isBegin || isEnd {
			compName = strings.ToUpper(strings.TrimSpace(value))
		}
		switch {
		case f.end >= 0:
			return fail(line, "content after END:VCALENDAR (awcal keeps exactly one calendar per file)")
		case calLine == 0:
			if !isBegin || compName != ical.CompCalendar {
				return fail(line, "expected BEGIN:VCALENDAR, found %q", shorten(text))
			}
			calLine = line
		case isBegin:
			if compName == "" {
				return fail(line, "BEGIN without a component name")
			}
			if len(stack) == 0 {
				f.comps = append(f.comps, component{start: start, name: compName})
				cur, curLine = &f.comps[len(f.comps)-1], line
				uidSeen, mrkSeen, marker = false, false, false
			}
			stack = append(stack, open{compName, line})
		case isEnd && len(stack) == 0:
			if compName != ical.CompCalendar {
				return fail(line, "END:%s without a BEGIN:%s", compName, compName)
			}
			f.end = start
		case isEnd:
			top := stack[len(stack)-1]
			if compName != top.name {
				return fail(line, "END:%s does not close BEGIN:%s of line %d", compName, top.name, top.line)
			}
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				continue
			}
			cur.end = end
			cur.owned = cur.name == ical.CompEvent && marker && calendar.IsAwcalUID(cur.uid)
			if cur.owned {
				if prev, dup := ownedAt[cur.uid]; dup {
					return fail(curLine, "awcal's event %s is in the file twice (BEGIN at lines %d and %d); delete one of them",
						cur.uid, prev, curLine)
				}
				ownedAt[cur.uid] = curLine
			}
		case len(stack) == 1 && cur.name == ical.CompEvent:
			switch {
			case !uidSeen && strings.EqualFold(name, ical.PropUID):
				cur.uid, uidSeen = value, true
			case !mrkSeen && strings.EqualFold(name, calendar.MarkerProperty):
				marker, mrkSeen = value != "", true
			}
		}
	}
	switch {
	case calLine == 0:
		return fail(1, "no BEGIN:VCALENDAR")
	case len(stack) > 0:
		return fail(stack[len(stack)-1].line, "BEGIN:%s is never closed", stack[len(stack)-1].name)
	case f.end < 0:
		return fail(calLine, "BEGIN:VCALENDAR is never closed (the file may be cut short)")
	}
	return f, nil
}

// shorten cuts a line for a message, at a character boundary.
func shorten(s string) string {
	if len(s) > 40 {
		i := 40
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "…"
	}
	return s
}

// text returns the bytes of component i.
func (f *file) text(i int) []byte { return f.raw[f.comps[i].start:f.comps[i].end] }

// lineOf returns the physical line of component i's BEGIN, for messages.
func (f *file) lineOf(i int) int { return 1 + bytes.Count(f.raw[:f.comps[i].start], []byte("\n")) }

// version is an owned event's Version in an ICS file: a hash of its exact bytes, so any edit
// by anyone changes it.
func version(text []byte) string {
	sum := sha256.Sum256(text)
	return hex.EncodeToString(sum[:16])
}

// event decodes owned component i, with its lock check.
func (f *file) event(i int) (calendar.Event, error) {
	return f.decode(i, calendar.FromVEvent)
}

// eventUnchecked decodes owned component i without the lock check (see lockedAt).
func (f *file) eventUnchecked(i int) (calendar.Event, error) {
	return f.decode(i, calendar.FromVEventUnchecked)
}

// lockedAt is the lock check of owned component i.
func (f *file) lockedAt(i int) (bool, error) {
	comp, err := decodeComponent(f.text(i))
	if err != nil {
		return false, fmt.Errorf("awcal's event at line %d cannot be read: %w; fix or delete that event", f.lineOf(i), err)
	}
	return calendar.VEventLocked(&ical.Event{Component: comp}), nil
}

func (f *file) decode(i int, read func(*ical.Event) (calendar.Event, bool, error)) (calendar.Event, error) {
	comp, err := decodeComponent(f.text(i))
	if err == nil {
		var e calendar.Event
		e, _, err = read(&ical.Event{Component: comp})
		if err == nil {
			e.Version = version(f.text(i))
			return e, nil
		}
	}
	return calendar.Event{}, fmt.Errorf("awcal's event at line %d cannot be read: %w; fix or delete that event", f.lineOf(i), err)
}

// event is the text of one of awcal's VEVENTs as it will be written.
type event struct {
	uid  string
	text []byte
}

// splice returns the file with owned components replaced (edits by component index; a nil text
// deletes) and new events added before END:VCALENDAR. Every other byte is copied as it was. The
// result's components are known without parsing it again.
func (f *file) splice(edits map[int]event, inserts []event) *file {
	n := len(f.raw)
	for _, e := range inserts {
		n += len(e.text)
	}
	for _, e := range edits {
		n += len(e.text)
	}
	out := &file{raw: make([]byte, 0, n), lf: f.lf, comps: make([]component, 0, len(f.comps)+len(inserts))}
	add := func(c component, text []byte) {
		c.start = len(out.raw)
		out.raw = append(out.raw, text...)
		c.end = len(out.raw)
		out.comps = append(out.comps, c)
	}
	pos := 0
	for i, c := range f.comps {
		out.raw = append(out.raw, f.raw[pos:c.start]...)
		pos = c.end
		e, edited := edits[i]
		switch {
		case !edited:
			add(c, f.raw[c.start:c.end])
		case e.text != nil:
			add(c, e.text)
		}
	}
	out.raw = append(out.raw, f.raw[pos:f.end]...)
	for _, e := range inserts {
		add(component{name: ical.CompEvent, uid: e.uid, owned: true}, e.text)
	}
	out.end = len(out.raw)
	out.raw = append(out.raw, f.raw[f.end:]...)
	return out
}

// lineReader yields the logical (unfolded) lines of an iCalendar text. It works on a string so
// that an unfolded line is a substring of the text, not a copy.
type lineReader struct {
	raw  string
	pos  int
	line int // physical lines read so far
}

// next returns the next non-empty logical line: its unfolded text, the offsets of its first
// byte and of the byte after its last line break, and its first physical line. start is -1 at
// the end of the text.
func (r *lineReader) next() (text string, start, end, line int, err error) {
	for {
		if r.pos >= len(r.raw) {
			return "", -1, -1, r.line, nil
		}
		start = r.pos
		phys := r.physical()
		line = r.line
		if len(phys) == 0 {
			continue
		}
		if phys[0] == ' ' || phys[0] == '\t' {
			return "", 0, 0, line, errors.New("a folded continuation line (starting with a space) follows no line")
		}
		if !r.continues() {
			return phys, start, r.pos, line, nil
		}
		var sb strings.Builder
		sb.WriteString(phys)
		for r.continues() {
			sb.WriteString(r.physical()[1:])
		}
		return sb.String(), start, r.pos, line, nil
	}
}

// physical consumes one physical line and returns it without its line break.
func (r *lineReader) physical() string {
	rest := r.raw[r.pos:]
	i := strings.IndexByte(rest, '\n')
	r.line++
	if i < 0 {
		r.pos = len(r.raw)
		return rest
	}
	r.pos += i + 1
	return strings.TrimSuffix(rest[:i], "\r")
}

// continues reports whether the next physical line is a folded continuation.
func (r *lineReader) continues() bool {
	return r.pos < len(r.raw) && (r.raw[r.pos] == ' ' || r.raw[r.pos] == '\t')
}

// scanLine checks one content line against RFC 5545 §3.1 (name *(";" param) ":" value) and
// returns its name and value; when params is not nil the parameters are added to the map it
// points to, which is made on the first parameter. Names
// may use letters, digits, '-' and '_' (the last is not RFC 5545 but some producers use it).
func scanLine(s string, params *ical.Params) (name, value string, err error) {
	i := nameEnd(s, 0)
	if i == 0 {
		return "", "", fmt.Errorf("expected a property name (letters, digits, '-') at %q", shorten(s))
	}
	name = s[:i]
	for i < len(s) && s[i] == ';' {
		j := nameEnd(s, i+1)
		if j == i+1 {
			return "", "", fmt.Errorf("property %s: empty parameter name", name)
		}
		pname := s[i+1 : j]
		if j >= len(s) || s[j] != '=' {
			return "", "", fmt.Errorf("property %s: parameter %s has no '='", name, pname)
		}
		i = j + 1
		for {
			var v string
			if i < len(s) && s[i] == '"' {
				k := strings.IndexByte(s[i+1:], '"')
				if k < 0 {
					return "", "", fmt.Errorf("property %s: parameter %s has an unterminated quoted value", name, pname)
				}
				v, i = s[i+1:i+1+k], i+k+2
			} else {
				k := i
				for k < len(s) && s[k] != ';' && s[k] != ':' && s[k] != ',' && s[k] != '"' {
					k++
				}
				if k < len(s) && s[k] == '"' {
					return "", "", fmt.Errorf("property %s: parameter %s has a double quote inside an unquoted value", name, pname)
				}
				v, i = s[i:k], k
			}
			if params != nil {
				if *params == nil {
					*params = ical.Params{}
				}
				params.Add(pname, v)
			}
			if i < len(s) && s[i] == ',' {
				i++
				continue
			}
			break
		}
	}
	if i >= len(s) || s[i] != ':' {
		return "", "", fmt.Errorf("property %s: expected ':' before the value", name)
	}
	return name, s[i+1:], nil
}

func nameEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			break
		}
		i++
	}
	return i
}

// decodeComponent turns the text of one component (already checked by parse) into go-ical's
// model, with names upper-cased as go-ical's decoder does.
func decodeComponent(text []byte) (*ical.Component, error) {
	lr := lineReader{raw: string(text)}
	var stack []*ical.Component
	var root *ical.Component
	for {
		line, start, _, _, err := lr.next()
		if err != nil {
			return nil, err
		}
		if start < 0 {
			break
		}
		var params ical.Params // stays nil without parameters: the decoded props are only read
		name, value, err := scanLine(line, &params)
		if err != nil {
			return nil, err
		}
		name = strings.ToUpper(name)
		switch name {
		case "BEGIN":
			c := &ical.Component{Name: strings.ToUpper(strings.TrimSpace(value)), Props: make(ical.Props, 16)}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, c)
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 {
				return nil, errors.New("END without BEGIN")
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, fmt.Errorf("property %s outside a component", name)
			}
			stack[len(stack)-1].Props.Add(&ical.Prop{Name: name, Params: params, Value: value})
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, errors.New("incomplete component")
	}
	return root, nil
}
