package reliability_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/privacy"
	"github.com/awcal/awcal/internal/profile"
)

// privateDay is a morning whose private parts carry unique markers:
//
//	09:00–09:40  online banking in Firefox: url and titles redacted, the custom Finance profile
//	             matches the redacted url and titles its block by its name only;
//	09:40–10:50  coding, with ten minutes on a file a drop rule removes;
//	10:50–11:10  a Signal chat whose title a redact rule hides; the Chat profile titles its
//	             blocks with {title}, so the block is titled "(private)";
//	11:10–12:00  Go documentation in Firefox with a private window in the middle: an incognito
//	             tab, whose title is also the browser window's ("… — Mozilla Firefox Private
//	             Browsing" in the window bucket).
type privateDay struct {
	markers map[string]string // what → marker
	buckets []activity.BucketEvents
	from    time.Time
	to      time.Time
}

func newPrivateDay(t testing.TB) privateDay {
	t.Helper()
	x := randomHex(t, 6)
	d := privateDay{from: monday.Add(9 * time.Hour), to: monday.Add(13 * time.Hour), markers: map[string]string{
		"redacted url":             "MARK-RU-" + x,
		"redacted title":           "MARK-RT-" + x,
		"dropped title":            "MARK-D-" + x,
		"redacted chat title":      "MARK-C-" + x,
		"incognito tab":            "MARK-I-" + x,
		"incognito url":            "mark-iu-" + x,
		"dropped title (in a url)": "MARK-DU-" + x,
	}}
	m := d.markers
	at := func(h, min int) time.Time {
		return monday.Add(time.Duration(h)*time.Hour + time.Duration(min)*time.Minute)
	}
	ev := func(from, to time.Time, data map[string]any) activity.Event {
		return activity.Event{Timestamp: from, Duration: to.Sub(from).Seconds(), Data: data}
	}
	win := func(from, to time.Time, app, title string) activity.Event {
		return ev(from, to, map[string]any{"app": app, "title": title})
	}
	web := func(from, to time.Time, url, title string, incognito bool) activity.Event {
		return ev(from, to, map[string]any{"url": url, "title": title, "audible": false, "incognito": incognito, "tabCount": 3.0})
	}
	window := []activity.Event{
		win(at(9, 0), at(9, 40), "Firefox", "Account overview "+m["redacted title"]+" — Mozilla Firefox"),
		win(at(9, 40), at(10, 10), "Code", "main.go - awcal - Visual Studio Code"),
		win(at(10, 10), at(10, 20), "Code", "salary-"+m["dropped title"]+".txt - Visual Studio Code"),
		win(at(10, 20), at(10, 50), "Code", "main.go - awcal - Visual Studio Code"),
		win(at(10, 50), at(11, 10), "Signal", m["redacted chat title"]+" chat with Alex"),
		win(at(11, 10), at(11, 20), "Firefox", "Go documentation — Mozilla Firefox"),
		// Firefox titles a private window with its tab's title: the incognito tab shows in
		// the window bucket too.
		win(at(11, 20), at(11, 50), "Firefox", m["incognito tab"]+" — Mozilla Firefox Private Browsing"),
		win(at(11, 50), at(12, 0), "Firefox", "Go documentation — Mozilla Firefox"),
	}
	webEvents := []activity.Event{
		web(at(9, 0), at(9, 40), "https://mybank.example/accounts/"+m["redacted url"], "Account overview "+m["redacted title"], false),
		web(at(10, 12), at(10, 14), "https://intranet.example/salary-"+m["dropped title (in a url)"], "salary-"+m["dropped title"], false),
		web(at(11, 10), at(11, 20), "https://go.dev/doc/", "Go documentation", false),
		web(at(11, 20), at(11, 50), "https://"+m["incognito url"]+".example/", m["incognito tab"], true),
		web(at(11, 50), at(12, 0), "https://go.dev/doc/", "Go documentation", false),
	}
	afk := []activity.Event{ev(at(8, 55), at(12, 30), map[string]any{"status": "not-afk"})}
	bucket := func(prefix, typ, client string, evs []activity.Event) activity.BucketEvents {
		return activity.BucketEvents{Bucket: activity.Bucket{ID: prefix + host, Type: typ, Client: client, Hostname: host,
			Created: monday}, Events: evs}
	}
	d.buckets = []activity.BucketEvents{
		bucket("aw-watcher-window_", activity.TypeWindow, "aw-watcher-window", window),
		bucket("aw-watcher-afk_", activity.TypeAFK, "aw-watcher-afk", afk),
		bucket("aw-watcher-web-firefox_", activity.TypeWeb, "aw-client-web", webEvents),
	}
	return d
}

// privacyConfig adds the privacy rules and the Finance and Chat profiles to cfg.
func privacyConfig(cfg *config.Config) {
	cfg.Privacy = privacy.Settings{DropIncognito: true, Rules: []privacy.Rule{
		{Bucket: "web", Field: "url", Pattern: "mybank", Action: privacy.Redact},
		{Bucket: "any", Field: "title", Pattern: "account overview", Action: privacy.Redact},
		{Bucket: "any", Field: "title", Pattern: `^salary-`, Regex: true, Action: privacy.Drop},
		{Bucket: "window", Field: "title", Pattern: "chat with", Action: privacy.Redact},
	}}
	finance := profile.Profile{ID: "finance", Name: "Finance", Category: "Private", Color: "#795548", Threshold: 5, SoftBreak: 3,
		TitleTemplate: "{title}", TitleDetail: profile.TitleName, Enabled: true,
		Primary: []profile.Rule{{Bucket: "web", Field: "url", Pattern: "mybank.example"}}}
	chat := profile.Profile{ID: "chat", Name: "Chat", Category: "Communication", Color: "#1e8e3e", Threshold: 2, SoftBreak: 2,
		TitleTemplate: "{title}", Enabled: true,
		Primary: []profile.Rule{{Bucket: "window", Field: "app", Pattern: "signal"}}}
	cfg.Profiles = append([]profile.Profile{finance, chat}, profile.Starters()...)
}

// TestPrivacyEndToEnd is issue #8's proof: activity whose titles and urls carry markers goes
// through awcal preview and awcal sync (an .ics file and a real CalDAV server), and no byte awcal
// wrote or printed — calendar, state, config folder, temp files, --json and text output, logs —
// holds a dropped value, a redacted value or an incognito tab. The redacted bank url still
// classifies the morning as Finance (a block titled by the profile name), and the redacted chat
// title gives a block titled "(private)".
func TestPrivacyEndToEnd(t *testing.T) {
	day := newPrivateDay(t)
	t.Run("ics", func(t *testing.T) {
		privacyRun(t, day, func(h *home) target { return newICSTarget(h) })
	})
	t.Run("radicale", func(t *testing.T) {
		srv := startRadicale(t)
		privacyRun(t, day, func(*home) target { return newDAVTarget(t, srv, srv.URL) })
	})
}

func privacyRun(t *testing.T, day privateDay, mk func(*home) target) {
	aw := awtest.New(t)
	loadAll(aw, day.buckets)
	h := newHome(t)
	cal := mk(h)
	cfg := h.defaultConfig(aw.URL())
	cal.configure(&cfg)
	privacyConfig(&cfg)
	h.writeConfig(t, cfg)

	var outs []result
	run := func(args ...string) result {
		t.Helper()
		r := h.run(t, append(args, "--config", h.config)...)
		require.Equal(t, 0, r.code, "%s", r)
		outs = append(outs, r)
		return r
	}
	mid, end := monday.Add(10*time.Hour+30*time.Minute), day.to
	run("preview", "--from", stamp(day.from), "--to", stamp(end))
	preview := run("preview", "--from", stamp(day.from), "--to", stamp(end), "--json")
	run("sync", "--now", stamp(mid))
	run("sync", "--now", stamp(end), "--json")
	run("sync", "--now", stamp(end), "--dry-run", "--json")
	run("sync", "--from", stamp(day.from), "--to", stamp(end), "--now", stamp(end), "--json")

	// What must be there: classification on the hidden values.
	evs := cal.owned(t)
	byTitle := map[string][]calendar.Event{}
	for _, e := range evs {
		byTitle[e.ProfileID+"/"+e.Title] = append(byTitle[e.ProfileID+"/"+e.Title], e)
	}
	t.Logf("calendar: %v", briefs(evs))
	if assert.Len(t, byTitle["finance/Finance"], 1, "a Finance block titled by the profile name") {
		f := byTitle["finance/Finance"][0]
		assert.WithinDuration(t, monday.Add(9*time.Hour), f.Start, 2*time.Minute)
		assert.WithinDuration(t, monday.Add(9*time.Hour+40*time.Minute), f.End, 2*time.Minute)
	}
	assert.NotEmpty(t, byTitle["chat/"+activity.RedactedValue], "a Chat block titled %q", activity.RedactedValue)
	assert.Contains(t, preview.stdout, `"title": "Finance"`, "the preview classifies on the redacted url too")
	assertWellFormed(t, evs)

	// What must be nowhere.
	var raw []string
	for _, r := range outs {
		raw = append(raw, r.stdout, r.stderr)
	}
	if dav, ok := cal.(*davTarget); ok {
		for _, p := range dav.srv.Resources(t, dav.cal) {
			status, body, _ := dav.srv.Do(t, http.MethodGet, p, nil, "")
			require.Equal(t, http.StatusOK, status)
			raw = append(raw, body)
		}
	}
	leaks := findMarkers(t, day.markers, h.dir, raw)
	for _, e := range evs {
		for what, m := range day.markers {
			if strings.Contains(strings.ToLower(e.Title+"\n"+e.Description), strings.ToLower(m)) {
				t.Logf("the %s is in event %v: title %q, description %q", what, briefs([]calendar.Event{e})[0], e.Title, e.Description)
			}
		}
	}
	for what := range day.markers {
		t.Run(what, func(t *testing.T) {
			var found []string
			for _, l := range leaks {
				if strings.HasPrefix(l, what+" (") {
					found = append(found, l)
				}
			}
			assert.Empty(t, found, "the %s reached awcal's output", what)
		})
	}
	figure(t, "privacy/"+filepath.Base(t.Name()), map[string]any{"markers": len(day.markers), "ownedEvents": len(evs),
		"commands": len(outs), "leaks": len(leaks)})
}

// findMarkers lists, case-insensitively, every marker found in a file under dir or in texts.
func findMarkers(t testing.TB, markers map[string]string, dir string, texts []string) []string {
	t.Helper()
	var leaks []string
	check := func(where string, b []byte) {
		lower := bytes.ToLower(b)
		for what, m := range markers {
			if bytes.Contains(lower, []byte(strings.ToLower(m))) {
				leaks = append(leaks, fmt.Sprintf("%s (%s) in %s", what, m, where))
			}
		}
	}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil {
			check(strings.TrimPrefix(p, dir), b)
		}
		return err
	}))
	for i, s := range texts {
		check(fmt.Sprintf("output %d", i), []byte(s))
	}
	return leaks
}

// TestPrivacyPreviewOfExport: `awcal preview --export` reads an ActivityWatch export file (the
// web UI's "Export all buckets as JSON") and prints blocks and their evidence; the default
// privacy setting — incognito tabs never shown — must hold there too.
func TestPrivacyPreviewOfExport(t *testing.T) {
	day := newPrivateDay(t)
	export := filepath.Join(t.TempDir(), "export.json") // outside HOME: it holds the markers
	var b bytes.Buffer
	require.NoError(t, fakedata.WriteExport(&b, day.buckets))
	require.NoError(t, os.WriteFile(export, b.Bytes(), 0o600))
	h := newHome(t)
	r := h.mustRun(t, "preview", "--export", export, "--json")
	var out struct{ Blocks []json.RawMessage }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out), r.stdout)
	require.NotEmpty(t, out.Blocks)
	incognito := map[string]string{}
	for _, k := range []string{"incognito tab", "incognito url"} {
		incognito[k] = day.markers[k]
	}
	assert.Empty(t, findMarkers(t, incognito, h.dir, []string{r.stdout, r.stderr}), "incognito tabs in the preview of an export")
}
