package reliability_test

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// figures are the measurements docs/RELIABILITY.md reports. Each test logs its own as
// "FIGURE name key=value …" and, when AWCAL_FIGURES names a file, appends them there as one
// JSON object per line, so that the document's numbers come from a run, not from memory.
var figuresMu sync.Mutex

func figure(t testing.TB, name string, kv map[string]any) {
	t.Helper()
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, kv[k])
	}
	t.Logf("FIGURE %s%s", name, b.String())
	path := os.Getenv("AWCAL_FIGURES")
	if path == "" {
		return
	}
	rec := map[string]any{"figure": name, "at": time.Now().UTC().Format(time.RFC3339), "stress": stress()}
	for k, v := range kv {
		if d, ok := v.(time.Duration); ok {
			v = d.String()
		}
		rec[k] = v
	}
	line, err := json.Marshal(rec)
	if err != nil {
		t.Errorf("figure %s: %v", name, err)
		return
	}
	figuresMu.Lock()
	defer figuresMu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Errorf("figure %s: %v", name, err)
		return
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		t.Errorf("figure %s: %v", name, err)
	}
}

// mib formats bytes as MiB with one decimal.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
