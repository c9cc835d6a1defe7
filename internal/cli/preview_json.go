package cli

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/awcal/awcal/internal/engine"
)

// previewJSON is the stable --json output of "awcal preview".
type previewJSON struct {
	From        time.Time          `json:"from"`
	To          time.Time          `json:"to"`
	Blocks      []previewBlockJSON `json:"blocks"`
	Diagnostics engine.Diagnostics `json:"diagnostics"`
}

type previewBlockJSON struct {
	Profile  string                `json:"profile"`
	Title    string                `json:"title"`
	Start    time.Time             `json:"start"`
	End      time.Time             `json:"end"`
	Category string                `json:"category"`
	Evidence []previewEvidenceJSON `json:"evidence"`
}

type previewEvidenceJSON struct {
	Kind    string  `json:"kind"`
	Label   string  `json:"label"`
	Seconds float64 `json:"seconds"`
}

// appendPreviewJSON appends out as encoding/json's Encoder with SetIndent("", "  ") writes
// it, byte for byte (TestPreviewJSONIsEncodingJSONs), without reflection: on a fortnight of
// heavy activity the encoder took 2 ms of a 45 ms server-mode preview, after the derivation.
// The diagnostics, a few fields, still go through encoding/json.
func appendPreviewJSON(b []byte, out previewJSON) ([]byte, error) {
	var err error
	b = append(b, "{\n  \"from\": "...)
	if b, err = appendJSONTime(b, out.From); err != nil {
		return nil, err
	}
	b = append(b, ",\n  \"to\": "...)
	if b, err = appendJSONTime(b, out.To); err != nil {
		return nil, err
	}
	b = append(b, ",\n  \"blocks\": ["...)
	for i, bl := range out.Blocks {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {\n      \"profile\": "...)
		b = appendJSONString(b, bl.Profile)
		b = append(b, ",\n      \"title\": "...)
		b = appendJSONString(b, bl.Title)
		b = append(b, ",\n      \"start\": "...)
		if b, err = appendJSONTime(b, bl.Start); err != nil {
			return nil, err
		}
		b = append(b, ",\n      \"end\": "...)
		if b, err = appendJSONTime(b, bl.End); err != nil {
			return nil, err
		}
		b = append(b, ",\n      \"category\": "...)
		b = appendJSONString(b, bl.Category)
		b = append(b, ",\n      \"evidence\": ["...)
		for j, ev := range bl.Evidence {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n        {\n          \"kind\": "...)
			b = appendJSONString(b, ev.Kind)
			b = append(b, ",\n          \"label\": "...)
			b = appendJSONString(b, ev.Label)
			b = append(b, ",\n          \"seconds\": "...)
			if b, err = appendJSONFloat(b, ev.Seconds); err != nil {
				return nil, err
			}
			b = append(b, "\n        }"...)
		}
		if len(bl.Evidence) > 0 {
			b = append(b, "\n      "...)
		}
		b = append(b, "]\n    }"...)
	}
	if len(out.Blocks) > 0 {
		b = append(b, "\n  "...)
	}
	b = append(b, "],\n  \"diagnostics\": "...)
	diag, err := json.MarshalIndent(out.Diagnostics, "  ", "  ")
	if err != nil {
		return nil, err
	}
	b = append(b, diag...)
	return append(b, "\n}\n"...), nil
}

// appendJSONString appends s quoted as encoding/json quotes it (escaping HTML too). Valid
// UTF-8 without characters to escape, nearly every title and label, is copied as it is.
func appendJSONString(b []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendMarshalled(b, s)
		} else if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if !ascii && (!utf8.ValidString(s) || strings.ContainsRune(s, '\u2028') || strings.ContainsRune(s, '\u2029')) {
		return appendMarshalled(b, s)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendMarshalled appends s as encoding/json quotes it.
func appendMarshalled(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// appendJSONTime appends t as time.Time's MarshalJSON writes it: RFC 3339 with nanoseconds.
// Times in UTC within RFC 3339's years, every time awcal writes, are formatted in place.
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	if _, off := t.Zone(); off != 0 || t.Year() < 0 || t.Year() > 9999 {
		q, err := t.MarshalJSON()
		return append(b, q...), err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// appendJSONFloat appends f as encoding/json writes a float64: its shortest decimal form,
// and the exponent form, which encoding/json tidies, only for the very small or large.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) || math.IsNaN(f) || math.IsInf(f, 0) {
		q, err := json.Marshal(f)
		return append(b, q...), err
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64), nil
}
