package config

import (
	"math"
	"time"
)

// Normalize enforces the strategy contract (SYNC.md §1) in the model itself: while the custom
// range is the strategy, automatic sync is off, whatever the UI or the file said. Load and Save
// call it, and so does SetStrategy.
func (c *Config) Normalize() {
	if c.Sync.Strategy == StrategyCustom {
		c.Sync.AutoSync = false
	}
}

// SetStrategy selects a sync strategy (StrategyLastChecked or StrategyCustom). Choosing custom
// turns auto sync off; choosing last-checked leaves auto sync off until the user turns it on.
func (c *Config) SetStrategy(s string) {
	c.Sync.Strategy = s
	c.Normalize()
}

// AutoSyncEnabled reports whether the scheduler may start automatic runs: only with the
// last-checked strategy and auto sync on.
func (c Config) AutoSyncEnabled() bool {
	return c.Sync.Strategy == StrategyLastChecked && c.Sync.AutoSync
}

// Interval is the time between automatic runs.
func (c Config) Interval() time.Duration { return duration(c.Sync.IntervalMinutes, time.Minute) }

// FirstSyncLookback is how far before now the very first last-checked run starts.
func (c Config) FirstSyncLookback() time.Duration {
	return duration(c.Sync.FirstSyncLookbackHours, time.Hour)
}

// ContinuityCap bounds the quiescent restart and the continuity rewrite (SYNC.md §2).
func (c Config) ContinuityCap() time.Duration {
	return duration(c.Sync.ContinuityCapHours, time.Hour)
}

// BrowserTable returns the browser table in the engine's shape (engine.Options.Browsers): nil
// when the config lists none, which means the built-in table.
func (c Config) BrowserTable() map[string][]string {
	if len(c.Browsers) == 0 {
		return nil
	}
	m := make(map[string][]string, len(c.Browsers))
	for _, b := range c.Browsers {
		m[b.Name] = append([]string(nil), b.Apps...)
	}
	return m
}

// duration converts a possibly fractional count of units, rounded to the nanosecond. Values
// that Validate rejects (NaN, ≤ 0, too large) give 0 or the largest duration rather than
// whatever an overflowing conversion would.
func duration(n float64, unit time.Duration) time.Duration {
	d := n * float64(unit)
	switch {
	case !(d > 0):
		return 0
	case d >= math.MaxInt64:
		return math.MaxInt64
	}
	return time.Duration(math.Round(d))
}
