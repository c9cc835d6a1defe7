package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDisplayProblem(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	tests := []struct {
		name    string
		goos    string
		vars    map[string]string
		problem bool
	}{
		{"x11", "linux", map[string]string{"DISPLAY": ":0"}, false},
		{"wayland", "linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, false},
		{"ssh session", "linux", nil, true},
		{"bsd without X", "freebsd", nil, true},
		{"macOS needs no variable", "darwin", nil, false},
		{"windows needs no variable", "windows", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := displayProblem(tt.goos, env(tt.vars))
			if tt.problem {
				assert.Contains(t, got, "awcal sync", "the message must say what to do without a desktop")
				assert.Contains(t, got, "awcal daemon")
			} else {
				assert.Empty(t, got)
			}
		})
	}
}
