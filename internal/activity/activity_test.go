package activity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		b    Bucket
		want Kind
	}{
		{"window by type", Bucket{ID: "x", Type: TypeWindow}, KindWindow},
		{"afk by type", Bucket{ID: "x", Type: TypeAFK}, KindAFK},
		{"web by type", Bucket{ID: "x", Type: TypeWeb}, KindWeb},
		{"editor by type", Bucket{ID: "x", Type: TypeEditor}, KindEditor},
		{"window by id", Bucket{ID: "aw-watcher-window_host", Type: "custom"}, KindWindow},
		{"afk by id", Bucket{ID: "aw-watcher-afk_host"}, KindAFK},
		{"web by id", Bucket{ID: "aw-watcher-web-firefox"}, KindWeb},
		{"type wins over id", Bucket{ID: "aw-watcher-window_x", Type: TypeAFK}, KindAFK},
		{"android passes through", Bucket{ID: "aw-watcher-android-unlock", Type: "os.lockscreen.unlocks"}, KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, KindOf(tt.b))
		})
	}
}

func TestBrowserOf(t *testing.T) {
	tests := map[string]string{
		"aw-watcher-web-firefox_host":                   "firefox",
		"aw-watcher-web-Chrome":                         "chrome",
		"aw-watcher-web-chrome-synced-from-laptop":      "chrome",
		"aw-watcher-web-edge_host-synced-from-laptop_x": "edge",
		"aw-watcher-window_host":                        "",
		"aw-watcher-web-unknown":                        "unknown",
	}
	for id, want := range tests {
		assert.Equal(t, want, BrowserOf(id), id)
	}
}

func TestEventEndRoundsToNanosecond(t *testing.T) {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	e := Event{Timestamp: start, Duration: 7.363}
	assert.Equal(t, 7363*time.Millisecond, e.End().Sub(start), "float truncation must not lose a nanosecond")
}
