package engine

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

// blockKeys are the placeholders that describe a whole block rather than one state (§6):
// {project} is the project with the most time, from the editor watcher or else parsed from
// editor and terminal window titles; {site} is the web site with the most time. Each is
// computed once per block, on first use.
type blockKeys struct {
	d        *derivation
	evidence []blockSlice
	done     bool
	project  string
	site     string
}

// onlyBlockKeys reports whether every placeholder of tmpl is block-wide ({project}, {site}):
// such a template renders the same for every evidence group.
func onlyBlockKeys(tmpl string) bool {
	rest := tmpl
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			return true
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end <= 0 || rest[open+1+end] == '{' {
			rest = rest[open+1:]
			continue
		}
		switch strings.ToLower(rest[open+1 : open+1+end]) {
		case "project", "site":
		default:
			return false
		}
		rest = rest[open+2+end:]
	}
}

// value returns a block-wide placeholder; ok is false for other keys.
func (k *blockKeys) value(key string) (string, bool) {
	switch strings.ToLower(key) {
	case "project":
		k.compute()
		return k.project, true
	case "site":
		k.compute()
		return k.site, true
	}
	return "", false
}

func (k *blockKeys) compute() {
	if k.done {
		return
	}
	k.done = true
	d := k.d
	editor, parsed, sites := d.tally(0), d.tally(1), d.tally(2)
	for _, b := range k.evidence {
		for _, s := range d.sliceStates(d.slices[b.slice]) {
			data := d.dataOf(s)
			switch d.events[s].kind() {
			case activity.KindEditor:
				editor.add(d.fromKey(&d.editorProjects, data, "project", baseName), b.dur)
			case activity.KindWindow:
				if s != b.state {
					continue // only the window that is the evidence names a project
				}
				parsed.add(d.fromKey(&d.projects, data, "title", projectFromTitle), b.dur)
			case activity.KindWeb:
				sites.add(d.site(data), b.dur)
			}
		}
	}
	k.project = editor.top()
	if k.project == "" {
		k.project = parsed.top()
	}
	k.site = sites.top()
}

// fromKey is f of the title value of key in data ("" when data has none), remembered per
// data id in m.
func (d *derivation) fromKey(m *memo, data int32, key string, f func(string) string) string {
	if v, ok := m.get(data); ok {
		return v
	}
	v := ""
	if s, has := d.titleValue(data, key); has {
		v = f(s)
	}
	m.put(data, v)
	return v
}

// tally sums time per value; top is the value with the most (ties: first seen). A block has
// few distinct values, so they are compared in a list until there are many.
type tally struct {
	vals  []string
	sums  []int64
	index map[string]int // once there are more than maxListed values
}

const maxListed = 16

// tally returns the derivation's tally i, emptied: a block's tallies reuse the last one's.
func (d *derivation) tally(i int) *tally {
	t := &d.tallies[i]
	t.vals, t.sums, t.index = t.vals[:0], t.sums[:0], nil
	return t
}

func (t *tally) add(v string, dur int64) {
	if v == "" || v == activity.RedactedValue {
		return
	}
	i := t.find(v)
	if i < 0 {
		i = len(t.vals)
		t.vals = append(t.vals, v)
		t.sums = append(t.sums, 0)
		if t.index != nil {
			t.index[v] = i
		} else if len(t.vals) > maxListed {
			t.index = make(map[string]int, 2*len(t.vals))
			for j, w := range t.vals {
				t.index[w] = j
			}
		}
	}
	t.sums[i] += dur
}

// find returns v's position in vals, or -1.
func (t *tally) find(v string) int {
	if t.index != nil {
		if i, ok := t.index[v]; ok {
			return i
		}
		return -1
	}
	for i, w := range t.vals {
		if w == v {
			return i
		}
	}
	return -1
}

func (t *tally) top() string {
	best := -1
	for i := range t.vals {
		if best < 0 || t.sums[i] > t.sums[best] {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return t.vals[best]
}

// urlHost is the host (with its port) of data's url, "" when it has none or cannot be
// parsed. Evidence labels and {site} both need it: each url is parsed once.
func (d *derivation) urlHost(data int32) string {
	if h, ok := d.urlHosts.get(data); ok {
		return h
	}
	h := ""
	if raw, has := d.titleValue(data, "url"); has {
		if u, err := url.Parse(raw); err == nil {
			h = u.Host
		}
	}
	d.urlHosts.put(data, h)
	return h
}

// site is the host name of data's url without "www.".
func (d *derivation) site(data int32) string {
	h := d.urlHost(data)
	if h == "" {
		return ""
	}
	return strings.TrimPrefix((&url.URL{Host: h}).Hostname(), "www.")
}

var terminalPath = regexp.MustCompile(`^[^\s:@]+@[^\s:]+:\s*(\S+)`)

// projectFromTitle reads a project from a cleaned editor or terminal window title: VS Code's
// "file - project", a JetBrains IDE's "project – file", a terminal's "user@host: ~/src/project".
// It returns "" when the title names none.
func projectFromTitle(title string) string {
	if m := terminalPath.FindStringSubmatch(title); m != nil {
		p := baseName(m[1])
		if p == "~" {
			return ""
		}
		return p
	}
	if parts := strings.Split(title, " – "); len(parts) >= 2 {
		return strings.TrimSpace(parts[0])
	}
	if parts := strings.Split(title, " - "); len(parts) >= 2 {
		return strings.TrimSpace(parts[len(parts)-1])
	}
	return ""
}

// appNames are the applications whose name ends their window titles, lower case.
var appNames = []string{"visual studio code", "vscodium", "code - oss", "cursor", "sublime text",
	"gnu emacs", "emacs", "gvim", "vim", "kate", "gedit", "text editor", "mozilla firefox",
	"mozilla firefox private browsing", "firefox", "firefox developer edition", "librewolf",
	"google chrome", "chromium", "brave", "microsoft edge", "opera", "vivaldi", "slack", "discord",
	"mozilla thunderbird", "thunderbird", "microsoft teams", "zoom", "zoom workplace",
	"libreoffice writer", "libreoffice", "obsidian", "intellij idea", "goland", "pycharm",
	"webstorm", "clion", "rider", "rustrover", "android studio"}

// appSuffix is an application's name at the end of its window title, after a separator.
// trimAppSuffix removes it without running the expression for most titles.
var appSuffix = regexp.MustCompile(`(?i)\s+[-–—|]\s+(` + quoteAll(appNames) + `)\s*$`)

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = regexp.QuoteMeta(n)
	}
	return strings.Join(q, "|")
}

// appNamesByLast are the names by their last byte: the one a title must end with.
var appNamesByLast = func() (by [256][]string) {
	for _, n := range appNames {
		by[n[len(n)-1]] = append(by[n[len(n)-1]], n)
	}
	return by
}()

// reSpace is what \s matches in Go's regular expressions.
const reSpace = " \t\n\f\r"

// trimAppSuffix is appSuffix.ReplaceAllString(s, ""), found by looking back from the end of s
// for each name: the match begins where the spaces before the separator begin, and the
// leftmost of the names' matches is the expression's. Names are ASCII, so (?i) compares them
// as strings.EqualFold does, except for the two runes outside ASCII that fold to an ASCII
// letter (K, the Kelvin sign, and ſ, the long s): with those the expression decides.
func trimAppSuffix(s string) string {
	t := strings.TrimRight(s, reSpace)
	if strings.Contains(t, "\u212a") || strings.Contains(t, "\u017f") {
		return appSuffix.ReplaceAllString(s, "")
	}
	if t == "" {
		return s
	}
	last := t[len(t)-1]
	if 'A' <= last && last <= 'Z' {
		last += 'a' - 'A'
	}
	cut := -1
	for _, name := range appNamesByLast[last] {
		at := len(t) - len(name)
		if at < 0 || !strings.EqualFold(t[at:], name) {
			continue
		}
		if start := separatorStart(t[:at]); start >= 0 && (cut < 0 || start < cut) {
			cut = start
		}
	}
	if cut < 0 {
		return s
	}
	return s[:cut]
}

// separatorStart returns where p's ending \s+[-–—|]\s+ begins, or -1 when p does not end so.
func separatorStart(p string) int {
	i := len(strings.TrimRight(p, reSpace))
	if i == len(p) {
		return -1
	}
	switch head := p[:i]; {
	case strings.HasSuffix(head, "-"), strings.HasSuffix(head, "|"):
		i--
	case strings.HasSuffix(head, "–"), strings.HasSuffix(head, "—"):
		i -= len("–")
	default:
		return -1
	}
	j := len(strings.TrimRight(p[:i], reSpace))
	if j == i {
		return -1
	}
	return j
}

// notificationCount is an unread count in front of a title: "(3) Slack", "[12] Inbox".
var notificationCount = profile.NewRegexp(regexp.MustCompile(`^\s*[(\[]\d+\+?[)\]]\s*`))

// meetPrefix is the prefix Google Meet puts before the meeting's name; meetCode is the code it
// shows instead of a name, which says nothing to a person reading the calendar.
var (
	meetPrefix = profile.NewRegexp(regexp.MustCompile(`(?i)^meet\s+[-–—]\s+`))
	meetCode   = regexp.MustCompile(`^[a-z]{3}-[a-z]{4}-[a-z]{3}$`)
)

// meetCodeLen is the length of every text meetCode matches, in bytes.
const meetCodeLen = len("abc-defg-hij")

// unsavedMarks are the dots editors put in the titles of unsaved files.
var unsavedMarks = strings.NewReplacer("●", "", "•", "")

// cleanWindowTitle removes what says nothing about the work from a window or tab title:
// unsaved markers ("●", a leading or trailing "*"), notification counts and the application's
// own name at the end.
func cleanWindowTitle(s string) string {
	if !strings.ContainsAny(s, "●•*([-–—|") {
		return strings.TrimSpace(s) // nothing to clean: the common case costs no regexp
	}
	if strings.Contains(s, "●") || strings.Contains(s, "•") {
		s = unsavedMarks.Replace(s)
	}
	for {
		before := s
		s = strings.TrimSpace(s)
		s = notificationCount.ReplaceAllString(s, "")
		s = trimAppSuffix(s)
		s = meetPrefix.ReplaceAllString(s, "")
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "*"), "*"))
		if s == before {
			if len(s) == meetCodeLen && meetCode.MatchString(s) {
				return ""
			}
			return s
		}
	}
}
