package calendar

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

// maxLineOctets is RFC 5545 §3.1's limit on a content line, line break excluded.
const maxLineOctets = 75

// placeholder stands in for the components of an empty calendar while go-ical encodes it.
const placeholder = "X-AWCAL-PLACEHOLDER"

// Encode writes cal as iCalendar text: go-ical's encoding with lines folded at 75 octets (go-ical
// does not fold). A calendar without components, which go-ical refuses, is written with its
// properties only (PRODID, VERSION, …) so that a calendar whose last event was deleted is still
// a valid file.
func Encode(w io.Writer, cal *ical.Calendar) error {
	if len(cal.Children) > 0 {
		return EncodeComponent(w, cal.Component)
	}
	withPlaceholder := *cal.Component
	withPlaceholder.Children = []*ical.Component{ical.NewComponent(placeholder)}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(&ical.Calendar{Component: &withPlaceholder}); err != nil {
		return fmt.Errorf("encoding calendar: %w", err)
	}
	text := bytes.Replace(buf.Bytes(), []byte("BEGIN:"+placeholder+"\r\nEND:"+placeholder+"\r\n"), nil, 1)
	return writeFolded(w, text)
}

// EncodeComponent writes one component (a VEVENT, or a whole VCALENDAR) with its children as
// folded content lines, CRLF-terminated.
func EncodeComponent(w io.Writer, c *ical.Component) error {
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(&ical.Calendar{Component: c}); err != nil {
		return fmt.Errorf("encoding %s: %w", c.Name, err)
	}
	return writeFolded(w, buf.Bytes())
}

// writeFolded folds every CRLF-terminated line of text longer than 75 octets: a CRLF and a
// space are inserted before the octet that would exceed the limit, moved back to the start of
// a UTF-8 sequence so that no character is split (RFC 5545 §3.1).
func writeFolded(w io.Writer, text []byte) error {
	var out bytes.Buffer
	out.Grow(len(text) + len(text)/32)
	for len(text) > 0 {
		line, rest, _ := bytes.Cut(text, []byte("\r\n"))
		text = rest
		limit := maxLineOctets
		for len(line) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			if cut == 0 { // not UTF-8: a continuation byte run longer than a character
				cut = limit
			}
			out.Write(line[:cut])
			out.WriteString("\r\n ")
			line = line[cut:]
			limit = maxLineOctets - 1 // the leading space counts
		}
		out.Write(line)
		out.WriteString("\r\n")
	}
	_, err := w.Write(out.Bytes())
	return err
}
