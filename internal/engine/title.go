package engine

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

// blockSlice is one slice of a block as titles and evidence see it.
type blockSlice struct {
	slice int32
	tok   profile.Token
	state int32 // the event whose data is this slice's evidence
	dur   int64 // clipped to the block
}

// union ORs the rule bitsets of the states into d.unionBuf.
func (d *derivation) union(states []int32) []uint64 {
	u := d.unionBuf
	clear(u)
	w := d.e.words
	for _, s := range states {
		b := d.bits[int(d.events[s].match)*w:]
		for i := range u {
			u[i] |= b[i]
		}
	}
	return u
}

// classify applies §3.3 to a slice whose rule bits are union, for profile p. It returns the
// token and the bit of the deciding rule (-1 for a mismatch).
func (d *derivation) classify(union []uint64, p int) (profile.Token, int) {
	m := &d.e.masks[p]
	if r := firstBit(union, m.hardBreak); r >= 0 {
		return profile.HardBreak, r
	}
	if r := firstBit(union, m.primary); r >= 0 {
		return profile.Primary, r
	}
	if r := firstBit(union, m.supporting); r >= 0 {
		return profile.Supporting, r
	}
	return profile.Mismatch, -1
}

// blockSlices lists the candidate's slices that overlap the booked fragment, each with the
// state its rule matched first (a mismatch: its first state).
// The list is reused for the next block.
func (d *derivation) blockSlices(b booking, c *candidate) []blockSlice {
	out := d.blockBuf[:0]
	for i := c.sliceLo; i < c.slice; i++ {
		sl := d.slices[i]
		if sl.end <= b.start || sl.start >= b.end {
			continue
		}
		states := d.sliceStates(sl)
		tok, rule := d.classify(d.union(states), int(c.profile))
		state := states[0]
		if rule >= 0 {
			for _, s := range states {
				if d.ruleBits(d.events[s].match)[rule/64]&(1<<(rule%64)) != 0 {
					state = s
					break
				}
			}
		}
		out = append(out, blockSlice{slice: i, tok: tok, state: state, dur: min(sl.end, b.end) - max(sl.start, b.start)})
	}
	d.blockBuf = out
	return out
}

// dataOf returns the interned data id of an event.
func (d *derivation) dataOf(ev int32) int32 {
	return d.matches[d.events[ev].match].data
}

// title derives a block's title (§6). The evidence is grouped by data; each group renders
// the template (keys missing from its data come from the other states of its slices, D2), and
// the rendered title with the most time wins (ties: first seen). So a session that touched a
// dozen files is named after what it spent most time on, and window titles that differ only by
// an unsaved marker or a notification count count as one.
func (d *derivation) title(p *profile.Profile, bs []blockSlice) string {
	tmpl := p.Template()
	if tmpl == "" { // TitleDetail "name": classify on titles, never show them
		return p.Name
	}
	evidence := bs
	if slices.ContainsFunc(bs, func(b blockSlice) bool { return b.tok == profile.Primary }) {
		evidence = make([]blockSlice, 0, len(bs))
		for _, b := range bs {
			if b.tok == profile.Primary {
				evidence = append(evidence, b)
			}
		}
	}
	block := blockKeys{d: d, evidence: evidence}
	if onlyBlockKeys(tmpl) {
		// "Coding · {project}": the same for every group, so rendered once.
		return cleanTitle(d.render(tmpl, -1, nil, &block), p.Name)
	}
	groups := d.groups(evidence)
	if len(groups) == 0 {
		// No evidence at all (a seeded block before its first slice) leaves placeholders empty.
		return cleanTitle(d.render(tmpl, -1, nil, &block), p.Name)
	}
	best, bestDur := "", int64(-1)
	sums := map[string]int64{}
	var order []string
	for _, g := range groups {
		t := cleanTitle(d.render(tmpl, g.data, g.members, &block), p.Name)
		if _, ok := sums[t]; !ok {
			order = append(order, t)
		}
		sums[t] += g.dur
	}
	for _, t := range order {
		if sums[t] > bestDur {
			best, bestDur = t, sums[t]
		}
	}
	return best
}

// render fills the template's placeholders from data, its group's slices and the block.
func (d *derivation) render(tmpl string, data int32, group []blockSlice, block *blockKeys) string {
	var sb strings.Builder
	rest := tmpl
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			sb.WriteString(rest)
			break
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end <= 0 || rest[open+1+end] == '{' {
			// "{}" or "{{…": not a placeholder; keep the brace and go on after it.
			sb.WriteString(rest[:open+1])
			rest = rest[open+1:]
			continue
		}
		sb.WriteString(rest[:open])
		key := rest[open+1 : open+1+end]
		if v, ok := block.value(key); ok {
			sb.WriteString(v)
		} else {
			sb.WriteString(d.placeholder(key, data, group))
		}
		rest = rest[open+2+end:]
	}
	return sb.String()
}

// evidenceGroup is the evidence with one data: its time and its slices in time order.
type evidenceGroup struct {
	data    int32
	dur     int64
	n       int32 // members
	members []blockSlice
}

// groups groups evidence slices by data, in the order first seen. The groups' members share
// one buffer, reused for the next block.
func (d *derivation) groups(evidence []blockSlice) []evidenceGroup {
	var groups []evidenceGroup
	if len(d.groupOf) < len(d.datas) {
		d.groupOf = make([]int32, len(d.datas))
	}
	for _, b := range evidence {
		data := d.dataOf(b.state)
		slot := d.groupOf[data] // 1 + its group, 0 when not seen in this block yet
		if slot == 0 {
			groups = append(groups, evidenceGroup{data: data})
			slot = int32(len(groups))
			d.groupOf[data] = slot
		}
		groups[slot-1].dur += b.dur
		groups[slot-1].n++
	}
	// Each group's members go to its own stretch of the buffer, in time order.
	members := slices.Grow(d.memberBuf[:0], len(evidence))[:len(evidence)]
	off := 0
	for i := range groups {
		end := off + int(groups[i].n)
		groups[i].members = members[off:off:end]
		off = end
	}
	for _, b := range evidence {
		g := &groups[d.groupOf[d.dataOf(b.state)]-1]
		g.members = append(g.members, b)
	}
	for _, g := range groups {
		d.groupOf[g.data] = 0
	}
	d.memberBuf = members
	return groups
}

// placeholder is the value of {key}: from the winning data, else from the first state of the
// group's slices (time order, then state order, which puts window states first) that has it.
func (d *derivation) placeholder(key string, winner int32, group []blockSlice) string {
	if winner < 0 {
		return ""
	}
	if v, ok := d.titleValue(winner, key); ok {
		return v
	}
	for _, b := range group {
		for _, s := range d.sliceStates(d.slices[b.slice]) {
			if v, ok := d.titleValue(d.dataOf(s), key); ok {
				return v
			}
		}
	}
	return ""
}

// titleValue renders data[key] for a title: strings as they are, numbers and true as JSON
// text, false as empty; a private key as activity.RedactedValue. ok is false when the key is
// absent (missing or null).
func (d *derivation) titleValue(data int32, key string) (string, bool) {
	rec := &d.datas[data]
	k, v, ok := profile.FieldValueWithOddKeys(rec.data, d.oddKeys(rec), key)
	if !ok {
		return "", false
	}
	if isPrivate(rec.private, k) {
		return activity.RedactedValue, true
	}
	if b, isBool := v.(bool); isBool && !b {
		return "", true
	}
	if str, isString := v.(string); isString && strings.EqualFold(k, "title") {
		t, ok := d.titles.get(data)
		if !ok {
			t = cleanWindowTitle(str)
			d.titles.put(data, t)
		}
		return t, true
	}
	return profile.ValueText(v), true
}

// baseName is the last element of a slash or backslash path: aw-watcher-vscode reports full
// paths, which are long and say little in a description.
func baseName(p string) string {
	p = strings.TrimRight(p, `/\`)
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func isPrivate(private []string, key string) bool {
	for _, p := range private {
		if strings.EqualFold(p, key) {
			return true
		}
	}
	return false
}

// collapseSpace is strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "): s's words
// joined by single spaces. Most texts already are, and come back as they are.
func collapseSpace(s string) string {
	afterSpace := true // a leading space needs work, like two in a row
	for _, r := range s {
		space := unicode.IsSpace(r)
		if space && (afterSpace || r != ' ') {
			return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
		}
		afterSpace = space
	}
	if afterSpace && s != "" { // a trailing space
		return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	}
	return s
}

// separators are stripped when left dangling at either end of a title ("Code -" → "Code").
const separators = " -|:·–—"

// cleanTitle collapses white space, trims, strips dangling separators, and falls back to name.
func cleanTitle(s, name string) string {
	s = strings.Trim(collapseSpace(s), separators)
	if s == "" {
		return name
	}
	return s
}

// maxEvidence and maxLabel keep a block's description short.
const (
	maxEvidence = 5
	maxLabel    = 100
)

// evidence summarises a block's primary and supporting slices by label, longest first (ties:
// first seen), at most maxEvidence lines.
func (d *derivation) evidence(bs []blockSlice) []Evidence {
	var out []Evidence
	ids := d.lineIDs[:0] // per line: its label id
	for _, b := range bs {
		if b.tok != profile.Primary && b.tok != profile.Supporting {
			continue
		}
		id := d.labelID(b.state)
		slot := d.slotOf[id]
		if slot == 0 {
			out = append(out, Evidence{Kind: d.labels[id].kind, Label: d.labels[id].label})
			ids = append(ids, id)
			slot = int32(len(out))
			d.slotOf[id] = slot
		}
		out[slot-1].Duration += time.Duration(b.dur) * time.Microsecond
	}
	for _, id := range ids {
		d.slotOf[id] = 0
	}
	d.lineIDs = ids
	slices.SortStableFunc(out, func(a, b Evidence) int { return cmp.Compare(b.Duration, a.Duration) })
	if len(out) > maxEvidence {
		out = out[:maxEvidence]
	}
	return out
}

// evidenceKey is what one line of evidence sums: the time of states of one kind and label.
type evidenceKey struct {
	kind  activity.Kind
	label string
}

// labelID returns the id of the evidence line of an event's state. Kind and label depend only
// on the match (its bucket type and kind, and its data), so each match is labelled once.
func (d *derivation) labelID(ev int32) int32 {
	m := d.events[ev].match
	for int(m) >= len(d.labelOf) {
		d.labelOf = append(d.labelOf, -1)
	}
	if id := d.labelOf[m]; id >= 0 {
		return id
	}
	k := evidenceKey{d.events[ev].kind(), d.label(ev)}
	id, ok := d.labelIDs[k]
	if !ok {
		id = int32(len(d.labels))
		d.labelIDs[k] = id
		d.labels = append(d.labels, k)
		d.slotOf = append(d.slotOf, 0)
	}
	d.labelOf[m] = id
	return id
}

// label names what a state shows: "app — title" for a window, "site — page title" for a web tab,
// "project — file" for an editor, "away" for AFK; private values are redacted.
func (d *derivation) label(ev int32) string {
	data := d.dataOf(ev)
	get := func(key string) string {
		v, _ := d.titleValue(data, key)
		return v
	}
	var parts []string
	kind := d.events[ev].kind()
	switch kind {
	case activity.KindWindow:
		parts = []string{get("app"), get("title")}
	case activity.KindWeb:
		// The site and the page: "en.wikipedia.org — Go (programming language)".
		site := get("url")
		if h := d.urlHost(data); h != "" {
			site = strings.TrimPrefix(h, "www.")
		}
		parts = []string{site, get("title")}
	case activity.KindEditor:
		parts = []string{baseName(get("project")), baseName(get("file"))}
	case activity.KindAFK:
		parts = []string{"away"}
	default:
		for _, f := range profile.FallbackFields {
			if v := get(f); v != "" {
				parts = []string{v}
				break
			}
		}
	}
	var kept []string
	for _, p := range parts {
		if p = collapseSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	label := strings.Join(kept, " — ")
	if label == "" {
		label = d.buckets[d.events[ev].bucket].typ
	}
	if label == "" {
		label = kind.String()
	}
	if utf8.RuneCountInString(label) > maxLabel {
		r := []rune(label)
		label = string(r[:maxLabel-1]) + "…"
	}
	return label
}
