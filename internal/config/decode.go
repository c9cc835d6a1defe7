package config

import (
	"errors"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// decoder decodes a tree into a Go value strictly, collecting every problem with its JSON path
// instead of stopping at the first: unknown keys (with a suggestion), duplicate keys, keys that
// would hold a password, and values of the wrong type. A key that is absent keeps the value the
// target already holds (the defaults); a list that is present replaces the default list, and
// each element starts from elementDefault.
type decoder struct {
	problems []Problem
	// lines maps the path of every decoded value to its line, so that problems found later by
	// Validate can name a line too (nil: not recorded).
	lines map[string]int
}

// lineOf returns the line of path, or of its nearest recorded parent (a key left out is
// reported at the object that should hold it).
func (d *decoder) lineOf(path string) int {
	for {
		if l, ok := d.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i <= 0 {
			return 0
		}
		path = path[:i]
	}
}

func (d *decoder) add(path string, line int, msg string) {
	d.problems = append(d.problems, Problem{Path: path, Line: line, Message: msg})
}

var timeType = reflect.TypeFor[time.Time]()

func (d *decoder) decode(path string, n *node, v reflect.Value) {
	if d.lines != nil {
		d.lines[path] = n.line
	}
	t := v.Type()
	if t == timeType {
		if n.kind != kindString {
			d.add(path, n.line, "must be an RFC 3339 time such as \"2025-03-01T09:00:00+01:00\"")
			return
		}
		var tm time.Time
		if err := tm.UnmarshalText([]byte(n.text)); err != nil {
			d.add(path, n.line, "must be an RFC 3339 time such as \"2025-03-01T09:00:00+01:00\"")
			return
		}
		v.Set(reflect.ValueOf(tm))
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if n.kind == kindNull {
			v.SetZero()
			return
		}
		p := reflect.New(t.Elem())
		d.decode(path, n, p.Elem())
		v.Set(p)
	case reflect.Struct:
		d.object(path, n, v)
	case reflect.Slice:
		switch n.kind {
		case kindNull:
			v.SetZero()
		case kindArray:
			if len(n.items) == 0 {
				v.SetZero() // in memory an empty list is nil, whether the file says [] or null
				return
			}
			s := reflect.MakeSlice(t, len(n.items), len(n.items))
			for i, item := range n.items {
				e := s.Index(i)
				e.Set(elementDefault(t.Elem()))
				d.decode(path+"["+strconv.Itoa(i)+"]", item, e)
			}
			v.Set(s)
		default:
			d.add(path, n.line, "must be a list [ … ]")
		}
	case reflect.String:
		if n.kind != kindString {
			d.add(path, n.line, "must be a string")
			return
		}
		v.SetString(n.text)
	case reflect.Bool:
		if n.kind != kindBool {
			d.add(path, n.line, "must be true or false")
			return
		}
		v.SetBool(n.bool)
	case reflect.Float64:
		if n.kind != kindNumber {
			d.add(path, n.line, "must be a number")
			return
		}
		f, err := strconv.ParseFloat(n.text, 64)
		if err != nil || math.IsInf(f, 0) {
			d.add(path, n.line, "number out of range")
			return
		}
		v.SetFloat(f)
	case reflect.Int:
		if n.kind != kindNumber {
			d.add(path, n.line, "must be a whole number")
			return
		}
		i, err := strconv.ParseInt(n.text, 10, 0)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				d.add(path, n.line, "number out of range")
			} else {
				d.add(path, n.line, "must be a whole number")
			}
			return
		}
		v.SetInt(i)
	default:
		// Only reachable if Config grows a field of a kind this decoder does not know;
		// TestDecoderCoversConfig walks the type so that this fails in tests, not for users.
		d.add(path, n.line, "cannot be read by this build (unsupported type "+t.String()+")")
	}
}

// object decodes a JSON object into a struct by the fields' json tags, case-sensitively.
func (d *decoder) object(path string, n *node, v reflect.Value) {
	if n.kind != kindObject {
		d.add(path, n.line, "must be an object { … }")
		return
	}
	fields := jsonFields(v.Type())
	seen := make(map[string]bool, len(n.fields))
	for _, f := range n.fields {
		fpath := childPath(path, f.key)
		if strings.Contains(strings.ToLower(f.key), "password") {
			d.add(fpath, f.line, "passwords never go in the config file: remove this key and store the password in the OS keyring with 'awcal password set'")
			continue
		}
		idx, ok := fields[f.key]
		if !ok {
			d.add(fpath, f.line, unknownKey(f.key, fields))
			continue
		}
		if seen[f.key] {
			d.add(fpath, f.line, "duplicate key: remove one of them")
			continue
		}
		seen[f.key] = true
		d.decode(fpath, f.val, v.Field(idx))
	}
}

// jsonFields maps each JSON key of a struct type to its field index.
func jsonFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		m[name] = i
	}
	return m
}

// unknownKey says that key is unknown and, when a known key looks like a typo of it, which.
func unknownKey(key string, fields map[string]int) string {
	best, bestDist := "", 3 // suggest only within two edits
	for name := range fields {
		dist := editDistance(strings.ToLower(key), strings.ToLower(name))
		if dist < bestDist || dist == bestDist && name < best {
			best, bestDist = name, dist
		}
	}
	if best == "" {
		return "unknown key"
	}
	return "unknown key (did you mean \"" + best + "\"?)"
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// childPath appends key to a JSONPath-style path: $.sync.strategy, or $["odd key"].
func childPath(path, key string) string {
	if plainKey.MatchString(key) {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

// elementDefault is the value a list element starts from before its keys are decoded, so that
// a key left out of a hand-written profile means the documented default, not zero.
func elementDefault(t reflect.Type) reflect.Value {
	if f, ok := elementDefaults[t]; ok {
		return reflect.ValueOf(f())
	}
	return reflect.Zero(t)
}
