package config

import (
	"reflect"
	"sort"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/profile"
)

// Defaults of a new config (SYNC.md, ENGINE.md).
const (
	DefaultActivityWatchURL       = "http://127.0.0.1:5600"
	DefaultIntervalMinutes        = 10
	DefaultFirstSyncLookbackHours = 24
	DefaultContinuityCapHours     = 6
)

// Default returns the config of a first run: aw-server on this machine, an .ics calendar in the
// user data folder (see DefaultCalendarPath; left empty when getenv gives no data folder), sync
// from last checked every 10 minutes, AFK masking, the built-in browser table, incognito tabs
// dropped and the starter profiles.
func Default(getenv func(string) string) Config {
	path, err := DefaultCalendarPath(getenv)
	if err != nil {
		path = ""
	}
	return defaults(path)
}

// defaults is Default with the calendar path given; Load decodes files on top of it, so that a
// key left out means its default.
func defaults(calendarPath string) Config {
	return Config{
		Version:       CurrentVersion,
		ActivityWatch: ActivityWatch{URL: DefaultActivityWatchURL},
		Calendar:      Calendar{Kind: CalendarICS, Path: calendarPath},
		Sync: Sync{
			Strategy:               StrategyLastChecked,
			AutoSync:               true,
			IntervalMinutes:        DefaultIntervalMinutes,
			FirstSyncLookbackHours: DefaultFirstSyncLookbackHours,
			ContinuityCapHours:     DefaultContinuityCapHours,
			Review:                 ReviewOff,
		},
		AFKMasking: true,
		Browsers:   defaultBrowsers(),
		Privacy:    privacy.Settings{DropIncognito: true},
		Profiles:   profile.Starters(),
		Feed:       Feed{Port: DefaultFeedPort},
	}
}

// defaultBrowsers lists the engine's built-in browser table (ENGINE.md D1) by name, so that
// the file shows it in a stable order and there is one copy of the table.
func defaultBrowsers() []Browser {
	table := activity.DefaultBrowsers()
	bs := make([]Browser, 0, len(table))
	for name, apps := range table {
		bs = append(bs, Browser{Name: name, Apps: append([]string(nil), apps...)})
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].Name < bs[j].Name })
	return bs
}

// elementDefaults holds the list element types whose defaults are not their zero value. A
// profile written by hand without some keys gets the defaults of a new profile (ENGINE.md
// §3.1): a missing "enabled" must not silently disable it. Id and name have no default;
// Validate asks for them.
var elementDefaults = map[reflect.Type]func() any{
	reflect.TypeFor[profile.Profile](): func() any {
		return profile.Profile{
			Category:      profile.DefaultCategory,
			Threshold:     profile.DefaultThreshold,
			SoftBreak:     profile.DefaultSoftBreak,
			TitleTemplate: profile.DefaultTitleTemplate,
			Enabled:       true,
		}
	},
}
