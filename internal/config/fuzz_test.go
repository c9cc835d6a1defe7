package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load's parser (seeded from every fixture, its paths
// expanded): it must never panic, and whatever it accepts must be a valid config that survives
// a save and reload.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/valid/*.json", "testdata/migrations/*.json"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(expandRoot(f, data))
		}
	}
	f.Add(expandRoot(f, []byte(`{"version": 1, "calendar": {"kind": "ics", "path": "@ROOT@/a.ics"}, "sync": {"strategy": "custom", "autoSync": true}}`)))
	f.Add([]byte(`{"caldav": {"url": "https://x/", "password": "p"}, "icsFile": 3}`))
	f.Add([]byte(`[{"version": null}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parse(data, "fuzz.json")
		if err != nil {
			if c != nil {
				t.Fatalf("an error and a config: %v", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted an invalid config: %v", err)
		}
		if c.Sync.Strategy == StrategyCustom && c.Sync.AutoSync {
			t.Fatal("custom strategy with auto sync on")
		}
		out, err := marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := parse(out, "again.json")
		if err != nil {
			t.Fatalf("the saved form does not load: %v\n%s", err, out)
		}
		out2, err := marshal(again)
		if err != nil || string(out) != string(out2) {
			t.Fatalf("save → load → save is not stable:\n%s\n%s", out, out2)
		}
	})
}
