package ui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/awcal/awcal/internal/config"
)

// Names of config fields as the settings window shows them.
var (
	fieldNames = map[string]string{
		"$.activitywatch.url":           "ActivityWatch → aw-server URL",
		"$.alwaysActivePattern":         "always-active pattern",
		"$.calendar.kind":               "Calendar → kind",
		"$.calendar.path":               "Calendar → calendar file",
		"$.calendar.url":                "Calendar → server URL",
		"$.calendar.username":           "Calendar → user name",
		"$.feed.port":                   "Calendar → feed port",
		"$.feed.token":                  "Calendar → feed token",
		"$.sync.intervalMinutes":        "Sync → every (minutes)",
		"$.sync.firstSyncLookbackHours": "Sync → first sync looks back (hours)",
		"$.sync.customStart":            "Sync → custom range start",
		"$.sync.customEnd":              "Sync → custom range end",
		"$.sync.review":                 "Sync → review",
		"$.sync.strategy":               "Sync → strategy",
	}
	profileFields = map[string]string{
		"name": "name", "category": "category", "color": "colour", "threshold": "threshold",
		"softBreak": "soft break", "titleTemplate": "title template", "titleDetail": "title detail",
	}
	ruleGroups = map[string]string{"primary": "primary rule", "supporting": "supporting rule", "hardBreak": "hard-break rule"}
)

var (
	profileProblem = regexp.MustCompile(`^\$\.profiles\[(\d+)\](?:\.(\w+)(?:\[(\d+)\](?:\.(\w+))?)?)?$`)
	listProblem    = regexp.MustCompile(`^\$\.(privacy\.rules|browsers)\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?)?$`)
)

// describe names a problem as a person sees it in the window: `Coding → primary rule 3:
// pattern: …` rather than `$.profiles[0].primary[2].pattern: …`. Paths it does not know keep
// their config name.
func (s *Settings) describe(p config.Problem) string {
	return s.where(p.Path) + ": " + p.Message
}

func (s *Settings) where(path string) string {
	if n, ok := fieldNames[path]; ok {
		return n
	}
	if m := profileProblem.FindStringSubmatch(path); m != nil {
		i, _ := strconv.Atoi(m[1])
		name := fmt.Sprintf("Profile %d", i+1)
		if i < len(s.cfg.Profiles) && strings.TrimSpace(s.cfg.Profiles[i].Name) != "" {
			name = s.cfg.Profiles[i].Name
		}
		switch field, group := m[2], ruleGroups[m[2]]; {
		case field == "":
			return name
		case group != "" && m[3] != "":
			j, _ := strconv.Atoi(m[3])
			out := fmt.Sprintf("%s → %s %d", name, group, j+1)
			if m[4] != "" {
				out += ": " + m[4]
			}
			return out
		case profileFields[field] != "":
			return name + " → " + profileFields[field]
		}
		return name + " → " + strings.TrimPrefix(path, "$.profiles["+m[1]+"].")
	}
	if m := listProblem.FindStringSubmatch(path); m != nil {
		j, _ := strconv.Atoi(m[2])
		out := fmt.Sprintf("Privacy → rule %d", j+1)
		if m[1] == "browsers" {
			out = fmt.Sprintf("Sync → browser %d", j+1)
		}
		if m[3] != "" {
			out += ": " + m[3]
		}
		return out
	}
	return strings.TrimPrefix(path, "$.")
}
