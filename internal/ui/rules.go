package ui

import (
	"errors"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/profile"
)

// choices are the values offered in a rule row's bucket and field boxes: the bucket words and
// types aw-server has, and for each bucket type the data keys seen in its events.
type choices struct {
	types  []string            // bucket types seen, sorted
	fields map[string][]string // bucket type → data keys seen, sorted
}

// defaultFields are offered before any data was seen, per standard bucket type.
var defaultFields = map[string][]string{
	activity.TypeWindow: {"app", "title"},
	activity.TypeWeb:    {"url", "title", "audible", "incognito"},
	activity.TypeAFK:    {"status"},
	activity.TypeEditor: {"file", "project", "language"},
}

func newChoices() *choices {
	c := &choices{fields: map[string][]string{}}
	for t, f := range defaultFields {
		c.addFields(t, f)
	}
	return c
}

// addBuckets records bucket types (and keys of each bucket's events, when given).
func (c *choices) addBuckets(bs []activity.BucketEvents) {
	for _, b := range bs {
		seen := map[string]bool{}
		var keys []string
		for _, e := range b.Events {
			for k := range e.Data {
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
		c.addFields(b.Bucket.Type, keys)
	}
}

func (c *choices) addFields(bucketType string, keys []string) {
	if bucketType == "" {
		return
	}
	if _, ok := c.fields[bucketType]; !ok {
		c.types = append(c.types, bucketType)
		sort.Strings(c.types)
	}
	c.fields[bucketType] = mergeSorted(c.fields[bucketType], keys)
}

// bucketOptions are the bucket box's choices: "any", the short words, and the full types.
func (c *choices) bucketOptions() []string {
	return append([]string{"any", "window", "web", "editor", "afk"}, c.types...)
}

// fieldOptions are the keys seen in the buckets a bucket word selects (ENGINE.md §3.2:
// a case-insensitive substring of the type; "" and "any" select all).
func (c *choices) fieldOptions(bucketWord string) []string {
	w := strings.ToLower(strings.TrimSpace(bucketWord))
	var out []string
	for _, t := range c.types {
		if w == "" || w == "any" || strings.Contains(t, w) {
			out = mergeSorted(out, c.fields[t])
		}
	}
	return out
}

// dataKeys are all keys seen anywhere: the {keys} a title template can use.
func (c *choices) dataKeys() []string { return c.fieldOptions("") }

func mergeSorted(a, b []string) []string {
	set := map[string]bool{}
	for _, s := range a {
		set[s] = true
	}
	for _, s := range b {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// ruleProblem is the message shown on a rule row, or "" when the rule is valid. It uses the
// profile package's own compile step, so the editor and a sync agree on what is valid.
func ruleProblem(r profile.Rule) string {
	_, err := r.Compile()
	if err == nil {
		return ""
	}
	// Name the field unless the message already does ("pattern is empty", "unknown bucket").
	var re *profile.RuleError
	if errors.As(err, &re) && !strings.Contains(re.Error(), re.Field) {
		return re.Field + ": " + re.Error()
	}
	return err.Error()
}

// Privacy rule actions as the row's action box shows them.
var privacyActions = map[string]string{privacy.Drop: "Drop", privacy.Redact: "Redact"}

// ruleList edits one list of rules. The same row editor serves profile rules and privacy rules
// (which have an action instead of a negate toggle).
type ruleList struct {
	rules    []profile.Rule
	actions  []string // privacy lists only, parallel to rules
	privacy  bool
	choices  *choices
	onChange func()
	// fresh is the index of a rule just added and not typed in yet (-1: none): its row shows
	// no error until the person types.
	fresh int

	rows []*ruleRow
	add  *widget.Button
	box  *fyne.Container
	root fyne.CanvasObject
}

// ruleRow is one rule's widgets.
type ruleRow struct {
	bucket, field *widget.SelectEntry
	pattern       *patternEntry
	regex, negate *widget.Check
	action        *widget.Select
	up, down, del *widget.Button
	problem       *widget.Label
	content       fyne.CanvasObject
}

func newRuleList(title string, rules []profile.Rule, c *choices, onChange func()) *ruleList {
	l := &ruleList{rules: rules, choices: c, onChange: onChange, fresh: -1}
	l.build(title)
	return l
}

func newPrivacyRuleList(rules []privacy.Rule, c *choices, onChange func()) *ruleList {
	l := &ruleList{privacy: true, choices: c, onChange: onChange, fresh: -1}
	for _, r := range rules {
		l.rules = append(l.rules, profile.Rule{Bucket: r.Bucket, Field: r.Field, Pattern: r.Pattern, Regex: r.Regex})
		l.actions = append(l.actions, r.Action)
	}
	l.build("Privacy rules")
	return l
}

func (l *ruleList) build(title string) {
	l.box = container.NewVBox()
	add := widget.NewButtonWithIcon("Add rule", theme.ContentAddIcon(), func() {
		l.rules = append(l.rules, profile.Rule{Bucket: "window", Field: "app"})
		if l.privacy {
			l.actions = append(l.actions, privacy.Drop)
		}
		l.fresh = len(l.rules) - 1
		l.rebuild()
		l.changed()
		l.focusFresh()
	})
	add.Importance = widget.LowImportance
	l.add = add
	head := container.NewHBox(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), add)
	l.root = container.NewVBox(head, l.box)
	l.rebuild()
}

// privacyRules returns the list as config privacy rules.
func (l *ruleList) privacyRules() []privacy.Rule {
	out := make([]privacy.Rule, len(l.rules))
	for i, r := range l.rules {
		out[i] = privacy.Rule{Bucket: r.Bucket, Field: r.Field, Pattern: r.Pattern, Regex: r.Regex, Action: l.actions[i]}
	}
	return out
}

// appendPrivacyRules adds rules at the end of a privacy list.
func (l *ruleList) appendPrivacyRules(rs []privacy.Rule) {
	for _, r := range rs {
		l.rules = append(l.rules, r.Rule())
		l.actions = append(l.actions, r.Action)
	}
	l.rebuild()
	l.changed()
}

// focusFresh puts the focus in the new rule's pattern, the field to type first.
func (l *ruleList) focusFresh() {
	if l.fresh < 0 || l.fresh >= len(l.rows) {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(l.box); c != nil {
		c.Focus(l.rows[l.fresh].pattern)
	}
}

// freshRule is the index of the rule just added and not typed in yet, or -1.
func (l *ruleList) freshRule() int { return l.fresh }

func (l *ruleList) changed() {
	if l.onChange != nil {
		l.onChange()
	}
}

// refreshChoices updates the bucket and field boxes after new data arrived.
func (l *ruleList) refreshChoices() {
	for i, row := range l.rows {
		row.bucket.SetOptions(l.choices.bucketOptions())
		row.field.SetOptions(l.choices.fieldOptions(l.rules[i].Bucket))
	}
}

func (l *ruleList) rebuild() {
	l.rows = l.rows[:0]
	objs := make([]fyne.CanvasObject, 0, len(l.rules)+1)
	if len(l.rules) == 0 {
		empty := widget.NewLabel("No rules.")
		empty.Importance = widget.LowImportance
		objs = append(objs, empty)
	}
	for i := range l.rules {
		row := l.newRow(i)
		l.rows = append(l.rows, row)
		objs = append(objs, row.content)
	}
	l.box.Objects = objs
	l.box.Refresh()
}

func (l *ruleList) newRow(i int) *ruleRow {
	r := l.rules[i]
	row := &ruleRow{}
	row.bucket = widget.NewSelectEntry(l.choices.bucketOptions())
	row.bucket.SetPlaceHolder("bucket")
	row.bucket.SetText(r.Bucket)
	row.field = widget.NewSelectEntry(l.choices.fieldOptions(r.Bucket))
	row.field.SetPlaceHolder("field (auto)")
	row.field.SetText(r.Field)
	row.pattern = newPatternEntry()
	row.pattern.SetPlaceHolder("pattern")
	row.pattern.SetText(r.Pattern)
	row.pattern.Validator = func(string) error {
		if i == l.fresh {
			return nil // not typed in yet
		}
		if p := ruleProblem(l.rules[i]); p != "" {
			return errors.New(p)
		}
		return nil
	}
	row.regex = widget.NewCheck("regex", nil)
	row.regex.SetChecked(r.Regex)
	row.problem = widget.NewLabel("")
	row.problem.Importance = widget.DangerImportance
	row.problem.Wrapping = fyne.TextWrapWord

	update := func() {
		if l.fresh == i {
			l.fresh = -1 // typed in: its problems show from now on
		}
		l.rules[i] = profile.Rule{
			Bucket: row.bucket.Text, Field: row.field.Text, Pattern: row.pattern.Text,
			Regex: row.regex.Checked, Negate: row.negate != nil && row.negate.Checked,
		}
		l.showProblem(row, l.rules[i])
		l.changed()
	}
	row.bucket.OnChanged = func(string) {
		row.field.SetOptions(l.choices.fieldOptions(row.bucket.Text))
		update()
	}
	row.field.OnChanged = func(string) { update() }
	row.pattern.OnChanged = func(string) {
		update()
		row.pattern.showFull()
	}
	row.regex.OnChanged = func(bool) { update() }

	toggles := []fyne.CanvasObject{row.regex}
	if l.privacy {
		labels := []string{privacyActions[privacy.Drop], privacyActions[privacy.Redact]}
		row.action = widget.NewSelect(labels, nil)
		row.action.SetSelected(privacyActions[l.actions[i]])
		row.action.OnChanged = func(s string) {
			for k, v := range privacyActions {
				if v == s {
					l.actions[i] = k
				}
			}
			l.changed()
		}
		toggles = append(toggles, row.action)
	} else {
		row.negate = widget.NewCheck("not", nil)
		row.negate.SetChecked(r.Negate)
		row.negate.OnChanged = func(bool) { update() }
		toggles = append(toggles, row.negate)
	}
	row.up = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { l.move(i, -1) })
	row.down = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { l.move(i, 1) })
	row.del = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		l.rules = append(l.rules[:i], l.rules[i+1:]...)
		l.fresh = -1
		if l.privacy {
			l.actions = append(l.actions[:i], l.actions[i+1:]...)
		}
		l.rebuild()
		l.changed()
	})
	if i == 0 {
		row.up.Disable()
	}
	if i == len(l.rules)-1 {
		row.down.Disable()
	}
	for _, b := range []*widget.Button{row.up, row.down, row.del} {
		b.Importance = widget.LowImportance
	}
	buttons := container.NewHBox(append(toggles, row.up, row.down, row.del)...)
	// Bucket and field are short words beside the toggles and buttons; the pattern has a line
	// of its own (at least 40 characters at the default size), and a longer one shows whole
	// under it while it is edited.
	choice := fyne.NewSize(118, row.pattern.MinSize().Height)
	head := container.NewBorder(nil, nil, container.NewHBox(
		container.NewGridWrap(choice, row.bucket), container.NewGridWrap(choice, row.field)), buttons)
	row.content = container.NewVBox(head, row.pattern, row.pattern.full, row.problem, widget.NewSeparator())
	if i == l.fresh {
		row.problem.Hide()
	} else {
		l.showProblem(row, r)
	}
	return row
}

// showProblem flags the row as the rule is typed: the message under the row and the entry's
// error state.
func (l *ruleList) showProblem(row *ruleRow, r profile.Rule) {
	p := ruleProblem(r)
	row.problem.SetText(p)
	if p == "" {
		row.problem.Hide()
	} else {
		row.problem.Show()
	}
	_ = row.pattern.Validate()
}

func (l *ruleList) move(i, d int) {
	j := i + d
	if j < 0 || j >= len(l.rules) {
		return
	}
	l.rules[i], l.rules[j] = l.rules[j], l.rules[i]
	l.fresh = -1
	if l.privacy {
		l.actions[i], l.actions[j] = l.actions[j], l.actions[i]
	}
	l.rebuild()
	l.changed()
}
