package awimport

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAlwaysActive(t *testing.T) {
	tests := []struct {
		name, pattern, current string
		next                   string
		changed                bool
		note                   string
	}{
		{name: "aw-server has none", pattern: "", current: "zoom", next: "zoom"},
		{name: "same as the config", pattern: "zoom|Teams", current: "zoom|Teams", next: "zoom|Teams"},
		{name: "replaces the default", pattern: "zoom|Teams", current: "", next: "zoom|Teams", changed: true,
			note: "Always-active pattern set to /zoom|Teams/ (was the built-in default for calls)."},
		{name: "replaces the person's own", pattern: "Jitsi", current: "zoom", next: "Jitsi", changed: true,
			note: "Always-active pattern set to /Jitsi/ (was /zoom/)."},
		{name: "JavaScript-only syntax is refused", pattern: "call(?=ing)", current: "zoom", next: "zoom",
			note: "always-active pattern /call(?=ing)/ not imported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, note, changed := AlwaysActive(tt.pattern, tt.current)
			assert.Equal(t, tt.next, next)
			assert.Equal(t, tt.changed, changed)
			if tt.note == "" {
				assert.Empty(t, note)
			} else {
				assert.Contains(t, note, tt.note)
			}
		})
	}
}
