package pipeline

import (
	"testing"

	"github.com/awcal/awcal/internal/config"
)

// BenchmarkCompileDefaults is what every headless command pays at start: the default
// configuration's profiles, always-active pattern and browser table compiled into an engine.
func BenchmarkCompileDefaults(b *testing.B) {
	cfg := config.Default(func(string) string { return "" })
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Engine(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
