package profile

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
)

// Problems a validation reports; test for them with errors.Is.
var (
	ErrInvalidRegex   = errors.New("invalid regex")
	ErrEmptyPattern   = errors.New("pattern is empty: a rule with an empty pattern never matches")
	ErrUnknownBucket  = errors.New("unknown bucket")
	ErrBadMinutes     = errors.New("bad minutes")
	ErrDuplicateID    = errors.New("duplicate id")
	ErrMissingID      = errors.New("id is empty")
	ErrMissingName    = errors.New("name is empty")
	ErrBadColor       = errors.New("bad colour")
	ErrBadTitleDetail = errors.New("bad title detail")
)

// Rule lists of a profile, as Problem.List names them.
const (
	ListPrimary    = "primary"
	ListSupporting = "supporting"
	ListHardBreak  = "hardBreak"
)

// Problem is one validation failure, located precisely enough for an editor to highlight it.
type Problem struct {
	Index int    // position of the profile in the list
	ID    string // profile id
	Name  string // profile name
	// List and Rule locate a rule problem: List is ListPrimary, ListSupporting or ListHardBreak,
	// Rule is 1-based. List is "" for a problem of the profile itself.
	List  string
	Rule  int
	Field string // JSON name of the offending field ("pattern", "threshold", "color", …)
	Err   error
}

func (p *Problem) Error() string {
	prefix := fmt.Sprintf("profile %q (%s)", p.Name, p.ID)
	if p.List == "" {
		return prefix + ": " + p.Err.Error()
	}
	list := p.List
	if list == ListHardBreak {
		list = "hard-break"
	}
	return fmt.Sprintf("%s: %s rule %d: %v", prefix, list, p.Rule, p.Err)
}

func (p *Problem) Unwrap() error { return p.Err }

// ValidationError holds every problem found in a list of profiles.
type ValidationError struct {
	Problems []*Problem
}

// Error lists the problems, one per line.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 0 {
		return "no problems"
	}
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each problem to errors.Is and errors.As.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

var hexColor = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// Validate checks every profile and returns all problems as a *ValidationError, or nil. Checked:
// id present and unique, name present, colour empty or #rgb/#rrggbb, minutes finite and within
// [0, MaxMinutes], a known TitleDetail, and for every rule a known bucket word (see
// KnownBucketWord), a non-empty pattern and, for regex rules, a pattern Go's RE2 accepts.
// Disabled profiles are checked too: enabling one must not reveal an old mistake.
func Validate(ps []Profile) error {
	return validate(ps, patterns{})
}

// validate is Validate, parsing the rules' patterns through pats.
func validate(ps []Profile, pats patterns) error {
	var probs []*Problem
	firstByID := make(map[string]int, len(ps))
	for i, p := range ps {
		add := func(list string, rule int, field string, err error) {
			probs = append(probs, &Problem{Index: i, ID: p.ID, Name: p.Name, List: list, Rule: rule, Field: field, Err: err})
		}
		switch j, dup := firstByID[p.ID]; {
		case strings.TrimSpace(p.ID) == "":
			add("", 0, "id", ErrMissingID)
		case dup:
			add("", 0, "id", fmt.Errorf("%w: %q is also the id of profile %q", ErrDuplicateID, p.ID, ps[j].Name))
		default:
			firstByID[p.ID] = i
		}
		if strings.TrimSpace(p.Name) == "" {
			add("", 0, "name", ErrMissingName)
		}
		if p.Color != "" && !hexColor.MatchString(p.Color) {
			add("", 0, "color", fmt.Errorf("%w %q: use #rgb or #rrggbb", ErrBadColor, p.Color))
		}
		for _, f := range []struct {
			name string
			v    float64
		}{{"threshold", p.Threshold}, {"softBreak", p.SoftBreak}} {
			if math.IsNaN(f.v) || f.v < 0 || f.v > MaxMinutes {
				add("", 0, f.name, fmt.Errorf("%w: %s is %v minutes; it must be between 0 and %d",
					ErrBadMinutes, f.name, f.v, MaxMinutes))
			}
		}
		switch p.TitleDetail {
		case "", TitleFull, TitleApp, TitleName:
		default:
			add("", 0, "titleDetail", fmt.Errorf("%w %q: use full, app or name", ErrBadTitleDetail, p.TitleDetail))
		}
		for _, l := range []struct {
			name  string
			rules []Rule
		}{{ListPrimary, p.Primary}, {ListSupporting, p.Supporting}, {ListHardBreak, p.HardBreak}} {
			for k, r := range l.rules {
				if err := r.check(pats); err != nil {
					var re *RuleError
					field := ""
					if errors.As(err, &re) {
						field = re.Field
					}
					add(l.name, k+1, field, err)
				}
			}
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return &ValidationError{Problems: probs}
}
