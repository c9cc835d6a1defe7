//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/activitywatch/awfake"
	"github.com/awcal/awcal/internal/fakedata"
)

// serverDays is the server-mode workload: 14 generated heavy days.
const serverDays = 14

// measureServer runs `awcal preview` against the fake aw-server of each flavour, over HTTP on
// the loopback, and the HTTP floor: the same requests (recorded from awcal's first run) fetched
// with one curl process, one after another on a kept connection, bodies discarded.
func measureServer(awcal, dir string) ([]row, error) {
	opts := fakedata.Options{Days: serverDays, Seed: 1, Intensity: fakedata.Heavy}
	data := fakedata.Generate(opts)
	from, _ := fakedata.Day(opts, 0)
	_, to := fakedata.Day(opts, serverDays-1)
	var rows []row
	for _, f := range []struct {
		name    string
		flavour awfake.Flavour
	}{{"aw-server-rust", awfake.Rust}, {"Python aw-server", awfake.Python}} {
		h := awfake.New(f.flavour)
		h.SetInfo(awfake.Info{Hostname: fakedata.DefaultHostname, Version: "benchtable"})
		for _, b := range data {
			h.AddBucket(b.Bucket)
			h.AddEvents(b.Bucket.ID, b.Events...)
		}
		var (
			mu        sync.Mutex
			recording = true
			paths     []string
		)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("listening for the fake aw-server: %w", err)
		}
		srv := &http.Server{ReadHeaderTimeout: time.Minute, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			if recording {
				paths = append(paths, r.URL.RequestURI())
			}
			mu.Unlock()
			h.ServeHTTP(w, r)
		})}
		go func() { _ = srv.Serve(ln) }()
		base := "http://" + ln.Addr().String()
		cfg := filepath.Join(dir, "config.json")
		raw, err := json.Marshal(map[string]any{"activitywatch": map[string]any{"url": base},
			"calendar": map[string]any{"kind": "ics", "path": filepath.Join(dir, "unused.ics")}})
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(cfg, raw, 0o600); err != nil {
			return nil, err
		}
		args := []string{"preview", "--config", cfg, "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--json"}
		first, err := measureOnce(awcal, args...)
		if err != nil {
			srv.Close()
			return nil, err
		}
		mu.Lock()
		recording = false
		curlArgs := []string{"-s", "--fail"}
		for _, p := range paths {
			curlArgs = append(curlArgs, "-o", "/dev/null", base+p)
		}
		mu.Unlock()
		aw, err := measure(awcal, args...)
		if err == nil {
			aw.wall, aw.cpu = min(aw.wall, first.wall), min(aw.cpu, first.cpu)
		}
		var floor usage
		if err == nil {
			floor, err = measure("curl", curlArgs...)
		}
		srv.Close()
		if err != nil {
			return nil, err
		}
		what := fmt.Sprintf("preview from %s, %d heavy days (%d requests)", f.name, serverDays, len(paths))
		rows = append(rows,
			row{what: what + ", wall", value: dur(aw.wall), floor: dur(floor.wall), floorName: "curl, same requests",
				ratio: ratio(aw.wall, floor.wall), target: "≤ 1.5×"},
			row{what: what + ", CPU", value: dur(aw.cpu), floor: dur(floor.cpu), floorName: "curl, same requests",
				ratio: ratio(aw.cpu, floor.cpu), target: "–"})
	}
	return rows, nil
}

// measureOnce runs a command once.
func measureOnce(name string, args ...string) (usage, error) {
	saved := runsOverride
	runsOverride = 1
	defer func() { runsOverride = saved }()
	return measure(name, args...)
}
