package ui

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/report"
)

// ruleSuggestion is one way to turn a raw activity into a rule.
type ruleSuggestion struct {
	Label string
	Rule  profile.Rule
}

// suggestRules lists the rules a raw activity suggests: its app or a keyword of its title
// (window), its site (web), its project or file (editor).
func suggestRules(seg Segment) []ruleSuggestion {
	if seg.Event == nil || seg.Bucket == nil {
		return nil
	}
	e := *seg.Event
	var out []ruleSuggestion
	switch activity.KindOf(*seg.Bucket) {
	case activity.KindWindow:
		if app := field(e, "app"); app != "" && app != activity.RedactedValue {
			out = append(out, ruleSuggestion{"App is " + app,
				profile.Rule{Bucket: "window", Field: "app", Pattern: "^" + regexp.QuoteMeta(app) + "$", Regex: true}})
		}
		if kw := titleKeyword(field(e, "title")); kw != "" {
			out = append(out, ruleSuggestion{fmt.Sprintf("Title contains %q", kw),
				profile.Rule{Bucket: "window", Field: "title", Pattern: kw}})
		}
	case activity.KindWeb:
		if u, err := url.Parse(field(e, "url")); err == nil && u.Hostname() != "" {
			host := strings.TrimPrefix(u.Hostname(), "www.")
			out = append(out, ruleSuggestion{"Site is " + host, profile.Rule{Bucket: "web", Field: "url", Pattern: host}})
		}
	case activity.KindEditor:
		if p := lastElement(field(e, "project")); p != "" && p != activity.RedactedValue {
			out = append(out, ruleSuggestion{"Project is " + p, profile.Rule{Bucket: "editor", Field: "project", Pattern: p}})
		}
		if f := lastElement(field(e, "file")); f != "" && f != activity.RedactedValue {
			out = append(out, ruleSuggestion{"File is " + f, profile.Rule{Bucket: "editor", Field: "file", Pattern: f}})
		}
	}
	return out
}

// titleKeyword is the longest word of a title (at least 4 letters), or "".
func titleKeyword(title string) string {
	if title == activity.RedactedValue {
		return ""
	}
	best := ""
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '_' }) {
		w = strings.Trim(w, ".")
		if len([]rune(w)) >= 4 && len([]rune(w)) > len([]rune(best)) {
			best = w
		}
	}
	return best
}

func lastElement(p string) string {
	p = strings.TrimRight(p, `/\`)
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// makeRuleDialog is "Make a rule…": a rule prefilled from a raw activity for a profile the
// person picks, and the change it would make, live: minutes gained and lost per profile on the
// previewed day and over the seven days up to it.
type makeRuleDialog struct {
	s        *Settings
	sugg     []ruleSuggestion
	profile  *widget.Select
	match    *widget.Select
	pattern  *widget.Entry
	impact   *widget.Label
	dlg      dialog.Dialog
	gen      int
	mu       sync.Mutex                         // guards days: computations run in goroutines
	days     map[string][]activity.BucketEvents // raw activity of the last 7 days, by date
	onImpact func(string)                       // tests watch the impact text
}

// makeRule opens Make a rule… for a clicked raw activity.
func (s *Settings) makeRule(seg Segment) {
	m := s.newMakeRule(seg)
	if m == nil {
		return
	}
	m.dlg.Show()
	m.update()
}

func (s *Settings) newMakeRule(seg Segment) *makeRuleDialog {
	sugg := suggestRules(seg)
	if len(sugg) == 0 {
		return nil
	}
	m := &makeRuleDialog{s: s, sugg: sugg, days: map[string][]activity.BucketEvents{}}
	var names []string
	for _, p := range s.cfg.Profiles {
		names = append(names, p.Name)
	}
	m.profile = widget.NewSelect(names, func(string) { m.update() })
	if seg.Start.IsZero() || len(names) == 0 {
		return nil
	}
	m.profile.SetSelectedIndex(0)
	var labels []string
	for _, sg := range sugg {
		labels = append(labels, sg.Label)
	}
	m.pattern = widget.NewEntry()
	m.match = widget.NewSelect(labels, func(string) {
		m.pattern.SetText(m.sugg[m.match.SelectedIndex()].Rule.Pattern)
	})
	m.pattern.OnChanged = func(string) { m.update() }
	m.match.SetSelectedIndex(0)
	m.impact = widget.NewLabel("")
	m.impact.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Profile", m.profile),
		widget.NewFormItem("Match", m.match),
		widget.NewFormItem("Pattern", m.pattern),
		widget.NewFormItem("Change", m.impact),
	)
	m.dlg = dialog.NewCustomConfirm("Make a rule", "Add rule", "Cancel", form, func(ok bool) {
		if ok {
			m.add()
		}
	}, s.win)
	m.dlg.Resize(fyne.NewSize(620, 360))
	return m
}

// rule is the rule as the dialog shows it now.
func (m *makeRuleDialog) rule() profile.Rule {
	r := m.sugg[max(m.match.SelectedIndex(), 0)].Rule
	r.Pattern = m.pattern.Text
	return r
}

// withRule is the config being edited with the rule added to the chosen profile's primary rules.
func (m *makeRuleDialog) withRule() (config.Config, int) {
	cfg := *cloneConfig(m.s.cfg)
	i := m.profile.SelectedIndex()
	if i >= 0 && i < len(cfg.Profiles) {
		cfg.Profiles[i].Primary = append(cfg.Profiles[i].Primary, m.rule())
	}
	return cfg, i
}

// add puts the rule into the profile editor, like a rule typed there.
func (m *makeRuleDialog) add() {
	i := m.profile.SelectedIndex()
	e := m.s.profiles
	if i < 0 || i >= len(e.profiles) {
		return
	}
	e.profiles[i].Primary = append(e.profiles[i].Primary, m.rule())
	if e.selected == i {
		e.selectProfile(i)
	}
	e.changed()
}

// update recomputes the change in the background: the previewed day, then the last 7 days.
func (m *makeRuleDialog) update() {
	if m.impact == nil || m.match == nil || m.match.SelectedIndex() < 0 {
		return
	}
	m.gen++
	gen := m.gen
	before := *cloneConfig(m.s.cfg)
	after, _ := m.withRule()
	day := m.s.preview.Day()
	m.setImpact("Working out the change…")
	m.s.async(func() {
		text := m.compute(before, after, day)
		fyne.Do(func() {
			if gen == m.gen {
				m.setImpact(text)
			}
		})
	})
}

func (m *makeRuleDialog) setImpact(text string) {
	m.impact.SetText(text)
	if m.onImpact != nil {
		m.onImpact(text)
	}
}

// compute derives the days with and without the rule and says what moves.
func (m *makeRuleDialog) compute(before, after config.Config, day time.Time) string {
	if err := profile.Validate(after.Profiles); err != nil {
		return "Not a valid rule yet: " + err.Error()
	}
	var lines []string
	weekBefore, weekAfter := map[string]time.Duration{}, map[string]time.Duration{}
	for i := 6; i >= 0; i-- {
		d := day.AddDate(0, 0, -i)
		raw, err := m.rawDay(before, d)
		if err != nil {
			return "Cannot work out the change: " + err.Error()
		}
		b, errB := ComputePreview(m.s.deps, before, raw, d)
		a, errA := ComputePreview(m.s.deps, after, raw, d)
		if errB != nil || errA != nil {
			return "Cannot work out the change with these profiles."
		}
		tb, ta := totalsByProfile(b.Totals), totalsByProfile(a.Totals)
		if i == 0 {
			lines = append(lines, "This day: "+diffText(tb, ta))
		}
		for k, v := range tb {
			weekBefore[k] += v
		}
		for k, v := range ta {
			weekAfter[k] += v
		}
	}
	lines = append(lines, "Last 7 days: "+diffText(weekBefore, weekAfter))
	return strings.Join(lines, "\n")
}

// rawDay reads a day's activity once per dialog (the previewed day comes from the preview).
func (m *makeRuleDialog) rawDay(cfg config.Config, d time.Time) ([]activity.BucketEvents, error) {
	key := d.Format(time.DateOnly)
	m.mu.Lock()
	raw, ok := m.days[key]
	m.mu.Unlock()
	if ok {
		return raw, nil
	}
	raw, err := fetchDay(m.s.preview.ctx(), m.s.deps.Activity(cfg.ActivityWatch.URL), cfg.ActivityWatch, d)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.days[key] = raw
	m.mu.Unlock()
	return raw, nil
}

func totalsByProfile(t dayTotals) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, p := range t.Profiles {
		out[p.Name] = p.Duration
	}
	out["Unassigned"] = t.Unassigned
	return out
}

// diffText says what each profile gains or loses: "Coding +25m · Research −20m".
func diffText(before, after map[string]time.Duration) string {
	names := map[string]bool{}
	for k := range before {
		names[k] = true
	}
	for k := range after {
		names[k] = true
	}
	var keys []string
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		d := after[k] - before[k]
		if d.Round(time.Minute) == 0 {
			continue
		}
		sign := "+"
		if d < 0 {
			sign, d = "−", -d
		}
		parts = append(parts, k+" "+sign+report.Duration(d))
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, " · ")
}
