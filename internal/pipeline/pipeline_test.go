package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/secret"
)

// The CalDAV store keeps its web page visible ("Open calendar" in the tray uses it).
var _ interface{ WebURL() string } = davStore{}

func TestSourceSendsTheAPIKeyFromTheEnvironment(t *testing.T) {
	aw := awtest.New(t)
	aw.RequireAPIKey("k-1")
	aw.AddBucket(activity.Bucket{ID: "b", Type: activity.TypeWindow, Hostname: "h"})
	aw.AddEvents("b", activity.Event{Timestamp: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Duration: 60, Data: map[string]any{"app": "x"}})

	without := New(Env{Getenv: func(string) string { return "" }})
	_, err := without.Source(config.ActivityWatch{URL: aw.URL()}).Buckets(context.Background())
	require.Error(t, err, "the fake demands the key")

	with := New(Env{Getenv: func(k string) string { return map[string]string{EnvAWAPIKey: "k-1"}[k] }})
	bs, err := with.Source(config.ActivityWatch{URL: aw.URL()}).Buckets(context.Background())
	require.NoError(t, err)
	assert.Len(t, bs, 1)

	live := with.LiveSource(func() config.Config { return config.Config{ActivityWatch: config.ActivityWatch{URL: aw.URL()}} })
	_, err = live.Buckets(context.Background())
	assert.NoError(t, err, "the live source of a running app sends it too")
}

func TestEngineAppliesTheAlwaysActivePattern(t *testing.T) {
	cfg := config.Default(func(string) string { return "" })
	cfg.AFKMasking, cfg.AlwaysActivePattern = true, `(?i)mumble`
	o := EngineOptions(cfg)
	assert.Equal(t, `(?i)mumble`, o.AlwaysActive)
	assert.True(t, o.AFKMasking)
	assert.Equal(t, cfg.BrowserTable(), o.Browsers)
	assert.NotEmpty(t, o.Browsers)

	cfg.AlwaysActivePattern = "("
	_, err := Engine(cfg)
	var ce *ConfigError
	assert.ErrorAs(t, err, &ce, "a bad pattern is the user's to fix")
}

func TestOpenStoreNamesWhatTheConfigLacks(t *testing.T) {
	f := New(Env{Password: func(string) (string, error) { t.Fatal("no keyring lookup for an incomplete config"); return "", nil }})
	for _, tc := range []struct {
		cal  config.Calendar
		want string
	}{
		{config.Calendar{Kind: config.CalendarICS}, "calendar.path"},
		{config.Calendar{Kind: config.CalendarCalDAV, URL: "https://dav.example.org/", Username: "a"}, "calendarPath"},
		{config.Calendar{Kind: "outlook"}, `calendar.kind "outlook"`},
	} {
		_, err := f.OpenStore(context.Background(), tc.cal, "")
		var ce *ConfigError
		require.ErrorAs(t, err, &ce)
		assert.Contains(t, err.Error(), tc.want)
	}
}

func TestConnectionReadsTheCertificateAndTheKeyring(t *testing.T) {
	dav := caldavtest.StartMemory(t, caldavtest.MemoryOptions{TLS: true})
	cert := filepath.Join(t.TempDir(), "cert.pem")
	require.NoError(t, os.WriteFile(cert, dav.CertPEM, 0o600))
	var asked []string
	f := New(Env{Password: func(account string) (string, error) {
		asked = append(asked, account)
		return dav.Password, nil
	}})
	cal := config.Calendar{Kind: config.CalendarCalDAV, URL: dav.URL, Username: dav.Username, CalendarPath: dav.CalendarPath, TrustedCertificate: cert}

	st, err := f.OpenStore(context.Background(), cal, "")
	require.NoError(t, err)
	require.NoError(t, st.Close())
	cals, err := f.Discover(context.Background(), cal, "")
	require.NoError(t, err)
	assert.NotEmpty(t, cals)
	assert.Equal(t, []string{secret.Account(dav.Username, dav.URL), secret.Account(dav.Username, dav.URL)}, asked)

	_, _, err = f.Connection(cal, "given")
	require.NoError(t, err)
	assert.Len(t, asked, 2, "a given password skips the keyring")

	noCert := cal
	noCert.TrustedCertificate = ""
	_, err = f.Discover(context.Background(), noCert, "")
	assert.Error(t, err, "without the certificate the self-signed server is not trusted")

	missing := cal
	missing.TrustedCertificate = filepath.Join(t.TempDir(), "gone.pem")
	_, err = f.OpenStore(context.Background(), missing, "")
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "calendar.trustedCertificate")

	locked := New(Env{Password: func(string) (string, error) { return "", errors.New("keyring locked") }})
	_, err = locked.OpenStore(context.Background(), cal, "")
	assert.ErrorContains(t, err, "keyring locked")
}

func writeExport(t *testing.T, buckets []activity.BucketEvents) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, fakedata.WriteExport(&buf, buckets))
	p := filepath.Join(t.TempDir(), "export.json")
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o600))
	return p
}

func TestExportServesLikeAWServer(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := func(min, dur int, app string) activity.Event {
		return activity.Event{Timestamp: t0.Add(time.Duration(min) * time.Minute), Duration: float64(dur * 60), Data: map[string]any{"app": app}}
	}
	path := writeExport(t, []activity.BucketEvents{
		{Bucket: activity.Bucket{ID: "w_a", Type: activity.TypeWindow, Hostname: "a"}, Events: []activity.Event{ev(0, 30, "one"), ev(30, 30, "two"), ev(90, 10, "three")}},
		{Bucket: activity.Bucket{ID: "q_a", Type: "query", Hostname: "a"}},
	})
	x, err := OpenExport(path)
	require.NoError(t, err)
	info, err := x.Info(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "a", info.Hostname)
	from, to, ok := x.Range()
	require.True(t, ok)
	assert.Equal(t, t0, from)
	assert.Equal(t, t0.Add(100*time.Minute+time.Microsecond), to)

	evs, err := x.Events(context.Background(), "w_a", t0.Add(15*time.Minute), t0.Add(45*time.Minute))
	require.NoError(t, err)
	require.Len(t, evs.Events, 2, "the third event lies outside")
	assert.Equal(t, "two", evs.Events[0].Data["app"], "newest first")
	assert.Equal(t, t0.Add(30*time.Minute), evs.Events[0].Timestamp)
	assert.InDelta(t, 15*60, evs.Events[0].Duration, 1e-6, "trimmed to the range's end")
	assert.Equal(t, t0.Add(15*time.Minute), evs.Events[1].Timestamp, "trimmed to the range's start")
	assert.InDelta(t, 15*60, evs.Events[1].Duration, 1e-6)

	// The whole range: the file's events (oldest first here) come back newest first.
	evs, err = x.Events(context.Background(), "w_a", from, to)
	require.NoError(t, err)
	var apps []any
	for _, e := range evs.Events {
		apps = append(apps, e.Data["app"])
	}
	assert.Equal(t, []any{"three", "two", "one"}, apps)
	again, err := x.Events(context.Background(), "w_a", from, to)
	require.NoError(t, err)
	assert.Equal(t, evs.Events, again.Events, "asking again answers the same")

	_, err = x.Events(context.Background(), "nope", from, to)
	assert.Error(t, err)

	two := writeExport(t, []activity.BucketEvents{
		{Bucket: activity.Bucket{ID: "w_a", Type: activity.TypeWindow, Hostname: "a"}},
		{Bucket: activity.Bucket{ID: "w_b", Type: activity.TypeWindow, Hostname: "b"}},
	})
	x, err = OpenExport(two)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, x.Hosts())
	_, err = x.Info(context.Background())
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "activityWatch.hostnames")
}

// After HandOver an export hands a bucket asked for whole over (its own array, Owned) and
// holds it no more: asking for it again fails instead of answering nothing. Ranges that need
// trimming or sorting are still answered with copies, owned too, as often as asked.
func TestExportHandsBucketsOverOnce(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := func(min int, app string) activity.Event {
		return activity.Event{Timestamp: t0.Add(time.Duration(min) * time.Minute), Duration: 600, Data: map[string]any{"app": app}}
	}
	path := writeExport(t, []activity.BucketEvents{
		{Bucket: activity.Bucket{ID: "w_a", Type: activity.TypeWindow, Hostname: "a"}, Events: []activity.Event{ev(40, "three"), ev(20, "two"), ev(0, "one")}},
		{Bucket: activity.Bucket{ID: "w_b", Type: activity.TypeWindow, Hostname: "b"}, Events: []activity.Event{ev(40, "b2"), ev(0, "b1")}},
	})
	shared, err := OpenExport(path)
	require.NoError(t, err)
	x, err := OpenExport(path)
	require.NoError(t, err)
	from, to, ok := x.Range()
	require.True(t, ok)
	ctx := context.Background()
	want, err := shared.Events(ctx, "w_a", from, to)
	require.NoError(t, err)
	assert.False(t, want.Owned, "without HandOver the export's own events are shared")

	x.HandOver()
	part, err := x.Events(ctx, "w_b", t0.Add(5*time.Minute), to)
	require.NoError(t, err)
	assert.True(t, part.Owned, "a trimmed range is a copy")
	again, err := x.Events(ctx, "w_b", t0.Add(5*time.Minute), to)
	require.NoError(t, err)
	assert.Equal(t, part.Events, again.Events)

	got, err := x.Events(ctx, "w_a", from, to)
	require.NoError(t, err)
	assert.True(t, got.Owned)
	assert.Equal(t, want.Events, got.Events)
	_, err = x.Events(ctx, "w_a", from, to)
	assert.ErrorContains(t, err, "handed over already")
}

// Buckets are handed over concurrently, as the syncer reads them (run with -race).
func TestExportHandsBucketsOverConcurrently(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var buckets []activity.BucketEvents
	for i := range 8 {
		buckets = append(buckets, activity.BucketEvents{
			Bucket: activity.Bucket{ID: fmt.Sprintf("w_%d", i), Type: activity.TypeWindow, Hostname: "a"},
			Events: []activity.Event{{Timestamp: t0.Add(time.Minute), Duration: 60, Data: map[string]any{"app": "x"}}, {Timestamp: t0, Duration: 60, Data: map[string]any{"app": "y"}}},
		})
	}
	x, err := OpenExport(writeExport(t, buckets))
	require.NoError(t, err)
	from, to, ok := x.Range()
	require.True(t, ok)
	x.HandOver()
	var wg sync.WaitGroup
	got := make([]activitywatch.Events, len(buckets))
	for i := range buckets {
		wg.Go(func() {
			evs, err := x.Events(context.Background(), buckets[i].Bucket.ID, from, to)
			assert.NoError(t, err)
			got[i] = evs
			_, _ = x.Buckets(context.Background())
		})
	}
	wg.Wait()
	for i := range got {
		assert.True(t, got[i].Owned)
		assert.Len(t, got[i].Events, 2, "bucket %d", i)
	}
}
