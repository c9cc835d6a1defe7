package activitywatch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Settings is what awcal uses of aw-server's /api/0/settings, where aw-webui keeps its
// settings.
type Settings struct {
	// Categories are aw-webui's categories ("classes"), in their stored order.
	Categories []Category
	// AlwaysActivePattern is aw-webui's "always_active_pattern": a JavaScript regular
	// expression for windows that count as active while the person is away ("" = none).
	AlwaysActivePattern string
	// PrivacyFilters are the "privacy_filters" rules aw-server-rust applies when events are
	// stored (aw-webui edits them); nil when none are stored.
	PrivacyFilters []PrivacyFilter
	// Raw holds every setting as stored, including those above.
	Raw map[string]json.RawMessage
}

// Category is one aw-webui category. Name is its path from the top ("Work", "Programming");
// a parent category is stored as its own entry, often with rule type "none".
type Category struct {
	Name  []string
	Rule  CategoryRule
	Color string // "#RRGGBB" or a CSS colour; "" = inherited from the parent
}

// CategoryRule says which events belong to a category.
type CategoryRule struct {
	Type string // "regex", or "none" (also for aw-webui's null type)
	// Regex is a JavaScript regular expression; aw-webui matches it against the app and
	// title of events.
	Regex      string
	IgnoreCase bool
}

// PrivacyFilter is one of aw-server-rust's privacy filter rules.
type PrivacyFilter struct {
	// Enabled is true when the stored rule leaves "enabled" out, as aw-server-rust reads it.
	Enabled bool `json:"enabled"`
	// BucketPrefix limits the rule to buckets whose id starts with it ("" = every bucket).
	BucketPrefix string `json:"bucket_prefix,omitempty"`
	// Field is a dotted path into the event data ("title"); aw-server never applies a rule
	// without one.
	Field string `json:"field,omitempty"`
	// Pattern is a regular expression (Rust regex syntax, like RE2).
	Pattern string `json:"pattern"`
	// Action is "drop" or "redact".
	Action string `json:"action"`
	// Replacement is the value a redact rule writes.
	Replacement string `json:"replacement,omitempty"`
}

// UnmarshalJSON reads a stored rule; a missing "enabled" means enabled, as in aw-server-rust.
func (f *PrivacyFilter) UnmarshalJSON(b []byte) error {
	type plain PrivacyFilter
	p := plain{Enabled: true}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*f = PrivacyFilter(p)
	return nil
}

// Settings reads aw-server's settings.
func (c *Client) Settings(ctx context.Context) (Settings, error) {
	body, err := c.get(ctx, "/api/0/settings", nil)
	if err != nil {
		return Settings{}, err
	}
	s, err := decodeSettings(body)
	if err != nil {
		return Settings{}, fmt.Errorf("aw-server at %s sent settings awcal cannot read: %w", c.URL(), err)
	}
	return s, nil
}

func decodeSettings(body []byte) (Settings, error) {
	var s Settings
	if err := json.Unmarshal(replaceNonFinite(body), &s.Raw); err != nil {
		return Settings{}, fmt.Errorf("not a JSON object: %w", err)
	}
	if raw, ok := s.Raw["classes"]; ok {
		cats, err := decodeCategories(unquoteJSON(raw))
		if err != nil {
			return Settings{}, fmt.Errorf("classes: %w", err)
		}
		s.Categories = cats
	}
	if raw, ok := s.Raw["always_active_pattern"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &s.AlwaysActivePattern); err != nil {
			return Settings{}, fmt.Errorf("always_active_pattern: not a string: %s", abbreviate(raw))
		}
	}
	if raw, ok := s.Raw["privacy_filters"]; ok && !isNull(unquoteJSON(raw)) {
		if err := json.Unmarshal(unquoteJSON(raw), &s.PrivacyFilters); err != nil {
			return Settings{}, fmt.Errorf("privacy_filters: %w", err)
		}
	}
	return s, nil
}

// unquoteJSON returns the JSON inside raw when raw is a string holding a JSON list or object:
// settings written by older aw-webui versions through localStorage were stored as text.
func unquoteJSON(raw json.RawMessage) json.RawMessage {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return raw
	}
	t := bytes.TrimSpace([]byte(s))
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') && json.Valid(t) {
		return t
	}
	return raw
}

// rawCategory is a category as aw-webui stores it; everything else it stores (id, data's
// other keys) is of no use here.
type rawCategory struct {
	Name []string `json:"name"`
	Rule struct {
		Type       *string `json:"type"`
		Regex      string  `json:"regex"`
		IgnoreCase bool    `json:"ignore_case"`
	} `json:"rule"`
	Data struct {
		Color string `json:"color"`
	} `json:"data"`
	Color string `json:"color"` // some exports keep it at the top level
}

func decodeCategories(raw json.RawMessage) ([]Category, error) {
	if isNull(raw) {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("not a list of categories: %w", err)
	}
	cats := make([]Category, 0, len(items))
	for i, item := range items {
		var r rawCategory
		if err := json.Unmarshal(item, &r); err != nil {
			return nil, fmt.Errorf("category %d: %w", i+1, err)
		}
		if len(r.Name) == 0 {
			return nil, fmt.Errorf("category %d has no name", i+1)
		}
		typ := "none"
		if r.Rule.Type != nil && *r.Rule.Type != "" {
			typ = *r.Rule.Type
		}
		color := r.Data.Color
		if color == "" {
			color = r.Color
		}
		cats = append(cats, Category{
			Name:  r.Name,
			Rule:  CategoryRule{Type: typ, Regex: r.Rule.Regex, IgnoreCase: r.Rule.IgnoreCase},
			Color: color,
		})
	}
	return cats, nil
}
