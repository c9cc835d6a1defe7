package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FallbackFields are tried in order when a rule names no field, or the named field is absent or
// empty (ENGINE.md §3.2).
var FallbackFields = []string{"app", "url", "title", "project", "file"}

// Matcher is a compiled rule: the bucket word lower-cased, the pattern lower-cased or compiled
// once. It is safe for concurrent use.
type Matcher struct {
	bucket string // trimmed, lower-cased; "" matches every bucket
	field  string
	lower  string  // lower-cased pattern for substring tests
	re     *Regexp // nil for substring tests
	negate bool
}

// Compile checks the rule and compiles it once. Its error is a *RuleError naming the offending
// field; an invalid regular expression wraps ErrInvalidRegex and gives the position.
func (r Rule) Compile() (*Matcher, error) {
	ps := patterns{}
	if err := r.check(ps); err != nil {
		return nil, err
	}
	return r.matcher(ps), nil
}

// matcher compiles a rule that check has accepted, its pattern through ps.
func (r Rule) matcher(ps patterns) *Matcher {
	m := &Matcher{bucket: bucketWord(r.Bucket), field: r.Field, negate: r.Negate}
	if r.Regex {
		m.re = ps.regexp(r.Pattern)
	} else {
		m.lower = strings.ToLower(r.Pattern)
	}
	return m
}

// RuleError is one problem with one field of a rule.
type RuleError struct {
	Field string // JSON name of the field: "bucket" or "pattern"
	Err   error
}

func (e *RuleError) Error() string { return e.Err.Error() }
func (e *RuleError) Unwrap() error { return e.Err }

// check validates the rule's bucket word and pattern, parsing the pattern through ps.
func (r Rule) check(ps patterns) error {
	if !KnownBucketWord(r.Bucket) {
		return &RuleError{"bucket", fmt.Errorf("%w %q: use window, web, editor, afk, any, "+
			"or a full bucket type such as os.lockscreen.unlocks", ErrUnknownBucket, r.Bucket)}
	}
	if r.Pattern == "" {
		return &RuleError{"pattern", ErrEmptyPattern}
	}
	if r.Regex {
		if err := ps.parse(r.Pattern).err; err != nil {
			return &RuleError{"pattern", regexError(r.Pattern, err)}
		}
	}
	return nil
}

// knownTypes are the bucket types a bucket word may be a substring of: the four standard types
// and the other types the official watchers write.
var knownTypes = []string{
	"currentwindow", "afkstatus", "web.tab.current", "app.editor.activity",
	"general.stopwatch", "os.lockscreen.unlocks",
}

// customType is the shape of a full bucket type string of a third-party watcher: dotted words,
// as ActivityWatch names them ("os.hid.input", "app.terminal.activity").
var customType = regexp.MustCompile(`^[a-z0-9_-]+(\.[a-z0-9_-]+)+$`)

// KnownBucketWord reports whether a rule's bucket word is one validation accepts: empty or
// "any" (any case); a case-insensitive substring of a known bucket type ("window", "afk",
// "web", "editor", "currentwindow", "stopwatch", …); or a full dotted type string of another
// watcher. Anything else ("browser", "windw") is almost certainly a typo that would silently
// never match, so it is rejected.
func KnownBucketWord(b string) bool {
	w := bucketWord(b)
	if w == "" {
		return true
	}
	for _, t := range knownTypes {
		if strings.Contains(t, w) {
			return true
		}
	}
	return customType.MatchString(w)
}

// bucketWord trims and lower-cases a rule's bucket word; "any" in any case becomes "".
func bucketWord(b string) string {
	w := strings.ToLower(strings.TrimSpace(b))
	if w == "any" {
		return ""
	}
	return w
}

// regexError turns a regexp/syntax error into one that gives the 1-based character position of
// the offending part of the pattern.
func regexError(pattern string, err error) error {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return &RegexError{Pos: 1, Msg: err.Error()}
	}
	pos := -1
	switch se.Code {
	case syntax.ErrMissingParen, syntax.ErrUnexpectedParen:
		pos = unbalancedParen(pattern)
	case syntax.ErrTrailingBackslash:
		pos = len(pattern) - 1
	default:
		if se.Expr != "" {
			pos = strings.Index(pattern, se.Expr)
		}
	}
	if pos < 0 {
		pos = 0
	}
	col := utf8.RuneCountInString(pattern[:pos]) + 1
	msg := string(se.Code)
	if se.Expr != "" && se.Expr != pattern {
		msg += ": `" + se.Expr + "`"
	}
	if strings.Contains(pattern[pos:], "(?=") || strings.Contains(pattern[pos:], "(?!") ||
		strings.Contains(pattern[pos:], "(?<=") || strings.Contains(pattern[pos:], "(?<!") {
		msg += " (lookahead and lookbehind are not supported: Go uses RE2 syntax)"
	}
	return &RegexError{Pos: col, Msg: msg}
}

// RegexError is a pattern Go's RE2 syntax rejects. It matches ErrInvalidRegex with errors.Is.
type RegexError struct {
	Pos int    // 1-based character position of the offending part, for an editor's cursor
	Msg string // what is wrong there
}

func (e *RegexError) Error() string {
	return fmt.Sprintf("invalid regex at position %d: %s", e.Pos, e.Msg)
}

// Is makes errors.Is(err, ErrInvalidRegex) true.
func (e *RegexError) Is(target error) bool { return target == ErrInvalidRegex }

// unbalancedParen returns the byte offset of the first ")" without an opening one, else of the
// innermost "(" left open, else -1. Escapes and character classes are skipped.
func unbalancedParen(p string) int {
	var open []int
	inClass := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if i+1 < len(p) && p[i+1] == ']' {
				i++ // "[]...]": a leading ] is a literal
			}
		case c == '(':
			open = append(open, i)
		case c == ')':
			if len(open) == 0 {
				return i
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return open[len(open)-1]
	}
	return -1
}

// MatchesBucket reports whether the rule's bucket word selects a bucket of this type.
func (m *Matcher) MatchesBucket(bucketType string) bool {
	return m.bucket == "" || strings.Contains(strings.ToLower(bucketType), m.bucket)
}

// Match reports whether the rule matches a state of a bucket of type bucketType with this data
// (ENGINE.md §3.2).
func (m *Matcher) Match(bucketType string, data map[string]any) bool {
	return m.MatchesBucket(bucketType) && m.MatchData(data)
}

// MatchData is Match without the bucket test, for callers that test the bucket type once.
func (m *Matcher) MatchData(data map[string]any) bool {
	return m.MatchSubject(m.Subject(data))
}

// Subject is the text the rule tests in data: the named field, else (unless negated) the first
// non-empty fallback field; "" when there is none. Callers that see the same values over and
// over may cache MatchSubject by subject: MatchData(d) == MatchSubject(Subject(d)).
func (m *Matcher) Subject(data map[string]any) string {
	return m.subject(data, FieldValue)
}

// subject is Subject with the fields looked up by lookup.
func (m *Matcher) subject(data map[string]any, lookup func(map[string]any, string) (string, any, bool)) string {
	if m.field != "" {
		if _, v, ok := lookup(data, m.field); ok {
			if s := ValueText(v); s != "" {
				return s
			}
		}
		if m.negate {
			// "Not X" on a field the state does not have says nothing about the state.
			return ""
		}
	}
	for _, f := range FallbackFields {
		if _, v, ok := lookup(data, f); ok {
			if s := ValueText(v); s != "" {
				return s
			}
		}
	}
	return ""
}

// MatchSubject applies the pattern (and negation) to a subject; an empty subject never matches.
func (m *Matcher) MatchSubject(s string) bool {
	if s == "" {
		return false
	}
	var hit bool
	if m.re != nil {
		hit = m.re.MatchString(s)
	} else {
		hit = m.lower != "" && strings.Contains(strings.ToLower(s), m.lower)
	}
	return hit != m.negate
}

// FieldValue looks key up in data: the exact key first, then a case-insensitive match (the
// smallest such key, so the answer does not depend on map order). A null value is absent.
func FieldValue(data map[string]any, key string) (string, any, bool) {
	if v, ok := data[key]; ok && v != nil {
		return key, v, true
	}
	return smallestFold(key, maps.All(data), "", nil, false)
}

// smallestFold returns, among the best so far (when found) and the pairs whose key is not key
// but equals it under Unicode case folding and whose value is not null, the one with the
// smallest key.
func smallestFold(key string, pairs iter.Seq2[string, any], bestKey string, bestVal any, found bool) (string, any, bool) {
	for k, v := range pairs {
		if v != nil && k != key && strings.EqualFold(k, key) && (!found || k < bestKey) {
			bestKey, bestVal, found = k, v, true
		}
	}
	return bestKey, bestVal, found
}

// OddKey reports whether a data key is not lower-case ASCII ("tabCount"): the only keys a
// field can match case-insensitively other than by its own lower case.
func OddKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// FieldValueWithOddKeys is FieldValue for data whose keys that are not lower-case ASCII
// (OddKey) are odd: besides the key itself only its lower case and those keys are looked at,
// never every key.
func FieldValueWithOddKeys(data map[string]any, odd []string, key string) (string, any, bool) {
	if v, ok := data[key]; ok && v != nil {
		return key, v, true
	}
	var (
		bestKey string
		bestVal any
		found   bool
	)
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return FieldValue(data, key) // K, the Kelvin sign, matches k
		}
	}
	if lower := strings.ToLower(key); lower != key {
		if v, ok := data[lower]; ok && v != nil {
			bestKey, bestVal, found = lower, v, true
		}
	}
	oddPairs := func(yield func(string, any) bool) {
		for _, k := range odd {
			if !yield(k, data[k]) {
				return
			}
		}
	}
	return smallestFold(key, oddPairs, bestKey, bestVal, found)
}

// ValueText is the text of a data value as rules see it: strings as they are; other values as
// their JSON text (numbers in the shortest round-trip form encoding/json prints, booleans,
// objects with sorted keys, no HTML escaping); nil is "".
func ValueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return formatFloat(x)
	case json.Number:
		return string(x)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// formatFloat prints f as encoding/json does.
func formatFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(nil, f, format, -1, 64)
	if format == 'e' {
		// Like encoding/json: 1e-07 → 1e-7.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return string(b)
}
