package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// detailsPanel shows what a click on the timeline selected: a block (its profile, times, the
// rules that matched with their minutes, its top evidence) or a raw activity, which offers
// "Make a rule…".
type detailsPanel struct {
	text     *widget.Label
	makeRule *widget.Button
	root     *widget.Card
	// selected is the raw activity shown, for Make a rule…
	selected Segment
}

func newDetailsPanel(onMakeRule func(Segment)) *detailsPanel {
	d := &detailsPanel{text: widget.NewLabel("Click a block for why it exists, or an activity to make a rule from it.")}
	d.text.Wrapping = fyne.TextWrapWord
	d.text.TextStyle.Monospace = false
	d.makeRule = widget.NewButtonWithIcon("Make a rule…", theme.ContentAddIcon(), func() { onMakeRule(d.selected) })
	d.makeRule.Hide()
	d.root = widget.NewCard("Details", "", container.NewVBox(container.NewHBox(d.makeRule), d.text))
	return d
}

// show describes the selected segment.
func (d *detailsPanel) show(s Segment, cfg config.Config, bs []activity.BucketEvents) {
	switch {
	case s.Block != nil:
		d.text.SetText(blockDetails(cfg, s.Block, bs))
		d.makeRule.Hide()
	case s.Event != nil:
		d.selected = s
		d.text.SetText(s.Detail)
		d.makeRule.Show()
	default:
		d.text.SetText(s.Detail)
		d.makeRule.Hide()
	}
}

// blockDetails is the details panel's text for a block.
func blockDetails(cfg config.Config, b *engine.Block, bs []activity.BucketEvents) string {
	var p profile.Profile
	for _, q := range cfg.Profiles {
		if q.ID == b.ProfileID {
			p = q
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s · %s–%s (%s)\n%s\n", cmpName(p, b.ProfileID), clock(b.Start), clock(b.End),
		minutes(b.End.Sub(b.Start)), b.Title)
	stats := ruleStats(p, bs, b.Start, b.End)
	if len(stats) > 0 {
		sb.WriteString("\nRules that matched:\n")
		for _, st := range stats {
			fmt.Fprintf(&sb, "  %s: %s, %s\n", st.Name, count(st.Events, "event", ""), minutes(st.Time))
		}
	}
	if len(b.Evidence) > 0 {
		sb.WriteString("\nTop apps, pages and files:\n")
		for _, e := range b.Evidence {
			fmt.Fprintf(&sb, "  %s: %s\n", e.Label, minutes(e.Duration))
		}
	}
	return strings.TrimRight(sb.String(), "\n")
}

func cmpName(p profile.Profile, id string) string {
	if p.Name != "" {
		return p.Name
	}
	return id
}

// ruleStat is what one rule matched in a range: how many events, and their time in it.
type ruleStat struct {
	Name   string // "primary rule 1 (window app "code")"
	Events int
	Time   time.Duration
}

// ruleStats tests each rule of p against the events of bs that overlap [from, to) and counts
// the events each matches and their time inside the range, rules in the profile's order.
// Rules that match nothing are left out.
func ruleStats(p profile.Profile, bs []activity.BucketEvents, from, to time.Time) []ruleStat {
	var out []ruleStat
	for _, group := range []struct {
		kind  string
		rules []profile.Rule
	}{{"primary", p.Primary}, {"supporting", p.Supporting}, {"hard break", p.HardBreak}} {
		for i, r := range group.rules {
			m, err := r.Compile()
			if err != nil {
				continue // an invalid rule is flagged in the editor
			}
			st := ruleStat{Name: fmt.Sprintf("%s rule %d (%s)", group.kind, i+1, ruleText(r))}
			for _, b := range bs {
				if !m.MatchesBucket(b.Bucket.Type) {
					continue
				}
				for _, e := range b.Events {
					ov := overlapOf(e.Timestamp, e.End(), from, to)
					if ov <= 0 || !m.MatchData(e.Data) {
						continue
					}
					st.Events++
					st.Time += ov
				}
			}
			if st.Events > 0 {
				out = append(out, st)
			}
		}
	}
	return out
}

// ruleText names a rule as a person reads it: `window app "code"`.
func ruleText(r profile.Rule) string {
	field := r.Field
	if field == "" {
		field = "any field"
	}
	op := ""
	if r.Negate {
		op = "not "
	}
	if r.Regex {
		op += "regex "
	}
	bucket := r.Bucket
	if bucket == "" {
		bucket = "any bucket"
	}
	pattern := r.Pattern
	if rs := []rune(pattern); len(rs) > 40 {
		pattern = string(rs[:39]) + "…" // the rule editor shows it whole
	}
	return fmt.Sprintf("%s %s %s%q", bucket, field, op, pattern)
}

func overlapOf(s1, e1, s2, e2 time.Time) time.Duration {
	a, b := s1, e1
	if s2.After(a) {
		a = s2
	}
	if e2.Before(b) {
		b = e2
	}
	return max(b.Sub(a), 0)
}
