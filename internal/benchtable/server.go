//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/activitywatch/awfake"
	"github.com/awcal/awcal/internal/fakedata"
)

// serverDays is the server-mode workload: 14 generated heavy days.
const serverDays = 14

// serverData is the server-mode workload's options.
var serverData = fakedata.Options{Days: serverDays, Seed: 1, Intensity: fakedata.Heavy}

// measureServer runs `awcal preview` against the fake aw-server of each flavour, over HTTP on
// the loopback, and against the aw-server at external when it is set (which must hold
// serverData, imported from `awcal fakedata --days 14 --seed 1 --intensity heavy`), and the
// HTTP floor: the same requests (recorded from awcal's first run) fetched with one curl
// process, one after another on a kept connection, bodies discarded.
func measureServer(awcal, dir, external string) ([]row, error) {
	start, err := measure(awcal, "version")
	if err != nil {
		return nil, err
	}
	curlStart, err := measure("curl", "--version")
	if err != nil {
		return nil, err
	}
	rows := []row{{what: "process start-up (awcal version), wall", value: dur(start.wall), floor: dur(curlStart.wall),
		floorName: "curl --version", ratio: ratio(start.wall, curlStart.wall), target: "–"}}
	for _, f := range []struct {
		name    string
		flavour awfake.Flavour
	}{{"aw-server-rust", awfake.Rust}, {"Python aw-server", awfake.Python}} {
		h := awfake.New(f.flavour)
		h.SetInfo(awfake.Info{Hostname: fakedata.DefaultHostname, Version: "benchtable"})
		for _, b := range fakedata.Generate(serverData) {
			h.AddBucket(b.Bucket)
			h.AddEvents(b.Bucket.ID, b.Events...)
		}
		r, err := measureAgainst(awcal, dir, f.name, h, "", start)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	if external != "" {
		u, err := url.Parse(external)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("-aw-server %q is not a URL like http://127.0.0.1:5600", external)
		}
		proxy := httputil.NewSingleHostReverseProxy(u)
		r, err := measureAgainst(awcal, dir, "aw-server at "+u.Host, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Host = u.Host
			proxy.ServeHTTP(w, r)
		}), u.String(), start)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

// measureAgainst measures the preview against h, served on the loopback: awcal's first run
// goes through h and its request URIs are recorded; the timed runs and curl ask direct, or h
// when direct is empty. start is awcal's start-up (awcal version).
func measureAgainst(awcal, dir, name string, h http.Handler, direct string, start usage) ([]row, error) {
	from, _ := fakedata.Day(serverData, 0)
	_, to := fakedata.Day(serverData, serverDays-1)
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
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	served := direct == ""
	if served {
		direct = base
	}
	preview := func(url, file string) ([]string, error) {
		cfg := filepath.Join(dir, file)
		raw, err := json.Marshal(map[string]any{
			"activitywatch": map[string]any{"url": url, "hostnames": []string{fakedata.DefaultHostname}},
			"calendar":      map[string]any{"kind": "ics", "path": filepath.Join(dir, "unused.ics")}})
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(cfg, raw, 0o600); err != nil {
			return nil, err
		}
		return []string{"preview", "--config", cfg, "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--json"}, nil
	}
	recorded, err := preview(base, "recorded.json")
	if err != nil {
		return nil, err
	}
	args, err := preview(direct, "config.json")
	if err != nil {
		return nil, err
	}
	cfgPath := args[2] // preview's --config
	if _, err := measureOnce(awcal, recorded...); err != nil {
		return nil, err
	}
	mu.Lock()
	recording = false
	curlArgs := []string{"-s", "--fail"}
	for _, p := range paths {
		curlArgs = append(curlArgs, "-o", "/dev/null", direct+p)
	}
	n := len(paths)
	mu.Unlock()
	aw, err := measure(awcal, args...)
	if err != nil {
		return nil, err
	}
	floor, err := measure("curl", curlArgs...)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("preview from %s, %d heavy days (%d requests)", name, serverDays, n)
	rows := []row{
		{what: what + ", wall", value: dur(aw.wall), floor: dur(floor.wall), floorName: "curl, same requests",
			ratio: ratio(aw.wall, floor.wall), target: "≤ 1.5×"},
		{what: what + ", CPU", value: dur(aw.cpu), floor: dur(floor.cpu), floorName: "curl, same requests",
			ratio: ratio(aw.cpu, floor.cpu), target: "–"},
	}
	if !served {
		return rows, nil // its connections are not this program's to close, nor its CPU ours to read
	}
	cores := runtime.NumCPU()
	least := leastWall(start, aw, cores)
	rows = append(rows, row{what: fmt.Sprintf("%s, whole process, least possible on %d cores", what, cores), value: dur(least),
		floor: dur(floor.wall), floorName: "curl, same requests", ratio: ratio(least, floor.wall), target: "(≤ 1.5×)"})
	// The same derivation inside a running awcal, as the tray and the daemon make it: no
	// process start-up, the profiles compiled already; connections dialled anew each run.
	inApp, err := measureDerivation(cfgPath, from, to, func() {
		srv.SetKeepAlivesEnabled(false) // closes the idle connections
		srv.SetKeepAlivesEnabled(true)
	})
	if err != nil {
		return nil, err
	}
	return append(rows, row{what: fmt.Sprintf("the same derivation inside running awcal (%s), wall", name), value: dur(inApp),
		floor: dur(floor.wall), floorName: "curl, same requests", ratio: ratio(inApp, floor.wall), target: "–"}), nil
}

// leastWall is the shortest wall time a whole process (run, with an in-process server's CPU
// in run.hostCPU) could take on this many cores: its start-up (start, a run of the same
// binary that does nothing else; nothing else runs meanwhile) followed by the rest of its CPU
// time and the server's, spread over every core.
func leastWall(start, run usage, cores int) time.Duration {
	rest := max(run.cpu-start.cpu, 0) + run.hostCPU
	return start.wall + rest/time.Duration(max(cores, 1))
}

// measureOnce runs a command once.
func measureOnce(name string, args ...string) (usage, error) {
	saved := runsOverride
	runsOverride = 1
	defer func() { runsOverride = saved }()
	return measure(name, args...)
}
