package demo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/awimport"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/privacy"
)

func TestServerSemantics(t *testing.T) {
	base := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	bs := []activity.BucketEvents{{
		Bucket: activity.Bucket{ID: "aw-watcher-window_h", Type: activity.TypeWindow, Hostname: "h"},
		Events: []activity.Event{ // newest first
			{ID: 3, Timestamp: base.Add(2 * time.Hour), Duration: 3600, Data: map[string]any{"app": "future"}},
			{ID: 2, Timestamp: base.Add(30 * time.Minute), Duration: 3600, Data: map[string]any{"app": "b"}},
			{ID: 1, Timestamp: base, Duration: 1800, Data: map[string]any{"app": "a"}},
		},
	}}
	now := base.Add(time.Hour) // 10:00: "future" has not happened, "b" is half done
	srv := httptest.NewServer(NewServer(bs, func() time.Time { return now }))
	t.Cleanup(srv.Close)
	c := activitywatch.New(srv.URL)
	ctx := context.Background()

	info, err := c.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, Hostname, info.Hostname)

	got, err := c.Buckets(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, activity.TypeWindow, got[0].Type)

	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     []string
		durs     []float64
	}{
		{"only what has happened, trimmed at now", base, base.Add(4 * time.Hour), []string{"b", "a"}, []float64{1800, 1800}},
		{"trimmed to the range", base.Add(15 * time.Minute), base.Add(45 * time.Minute), []string{"b", "a"}, []float64{900, 900}},
		{"nothing before", base.Add(-2 * time.Hour), base.Add(-time.Hour), nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := c.Events(ctx, "aw-watcher-window_h", tc.from, tc.to)
			require.NoError(t, err)
			var apps []string
			var durs []float64
			for _, e := range evs.Events {
				apps = append(apps, e.Data["app"].(string))
				durs = append(durs, e.Duration)
			}
			assert.Equal(t, tc.want, apps, "newest first")
			assert.InDeltaSlice(t, tc.durs, durs, 0.01)
		})
	}

	resp, err := http.Get(srv.URL + "/api/0/buckets/nope/events")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestStart(t *testing.T) {
	now := time.Now()
	d, err := Start(func() time.Time { return now })
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, d.Close()) })

	cfg, err := config.Load(d.ConfigPath)
	require.NoError(t, err, "the demo config is valid")
	assert.Equal(t, d.URL, cfg.ActivityWatch.URL)
	assert.Equal(t, d.CalendarPath, cfg.Calendar.Path)
	assert.True(t, cfg.AutoSyncEnabled())
	assert.NotEmpty(t, cfg.Profiles, "starter profiles")

	c := activitywatch.New(d.URL)
	bs, err := c.Buckets(context.Background())
	require.NoError(t, err)
	assert.Len(t, bs, 5, "window, afk, two browsers and an editor")
	total := 0
	for _, b := range bs {
		evs, err := c.Events(context.Background(), b.ID, now.AddDate(0, 0, -Days), now)
		require.NoError(t, err)
		total += len(evs.Events)
		for _, e := range evs.Events {
			assert.False(t, e.End().After(now.Add(time.Millisecond)), "nothing from the future")
		}
	}
	assert.Greater(t, total, 500, "a week of activity")
}

func TestPreviewDay(t *testing.T) {
	for _, tc := range []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"workday afternoon: today", time.Date(2026, 3, 11, 15, 0, 0, 0, time.Local), time.Date(2026, 3, 11, 0, 0, 0, 0, time.Local)},
		{"workday morning: yesterday", time.Date(2026, 3, 11, 8, 0, 0, 0, time.Local), time.Date(2026, 3, 10, 0, 0, 0, 0, time.Local)},
		{"sunday: friday", time.Date(2026, 3, 15, 15, 0, 0, 0, time.Local), time.Date(2026, 3, 13, 0, 0, 0, 0, time.Local)},
		{"monday morning: friday", time.Date(2026, 3, 16, 7, 0, 0, 0, time.Local), time.Date(2026, 3, 13, 0, 0, 0, 0, time.Local)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, PreviewDay(tc.now))
		})
	}
}

func TestServerSettingsHaveSomethingToImport(t *testing.T) {
	srv := httptest.NewServer(NewServer(nil, time.Now))
	t.Cleanup(srv.Close)
	st, err := activitywatch.New(srv.URL).Settings(context.Background())
	require.NoError(t, err)

	profiles, skipped := awimport.Profiles(st.Categories, nil)
	assert.Empty(t, skipped)
	var names []string
	for _, p := range profiles {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"Work > Programming", "Comms", "Media > Video"}, names)

	rules, skipped := awimport.PrivacyRules(st.PrivacyFilters, nil, nil)
	assert.Empty(t, skipped)
	assert.Equal(t, []privacy.Rule{
		{Bucket: "web", Field: "url", Pattern: `(?-i)health\.example`, Regex: true, Action: privacy.Drop},
		{Bucket: "any", Field: "title", Pattern: "(?i)gift ideas", Regex: true, Action: privacy.Redact},
	}, rules)
}
