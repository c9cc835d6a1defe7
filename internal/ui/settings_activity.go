package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
)

// activityTab is the ActivityWatch tab: the aw-server URL with a connection check, and the
// hosts and buckets to read.
type activityTab struct {
	*form
	root    fyne.CanvasObject
	url     *widget.Entry
	status  *widget.Label
	hosts   *widget.CheckGroup
	buckets *widget.CheckGroup
	demo    *widget.Button
	// offerDemo tells whether an unreachable aw-server offers the demo; tryDemo starts it.
	offerDemo func() bool
	tryDemo   func()
	// onBuckets runs after a successful check, once the field choices know the buckets.
	onBuckets func()
}

func newActivityTab(f *form, offerDemo func() bool, tryDemo, onBuckets func()) *activityTab {
	t := &activityTab{form: f, offerDemo: offerDemo, tryDemo: tryDemo, onBuckets: onBuckets}
	t.url = widget.NewEntry()
	t.url.SetText(f.cfg.ActivityWatch.URL)
	t.url.SetPlaceHolder(config.DefaultActivityWatchURL)
	t.url.OnChanged = func(v string) { f.cfg.ActivityWatch.URL = strings.TrimSpace(v); f.changed() }
	f.bind(t.url, "$.activitywatch.url")
	test := widget.NewButtonWithIcon("Test connection", theme.ConfirmIcon(), t.testConnection)
	t.status = widget.NewLabel("Not checked yet.")
	t.status.Wrapping = fyne.TextWrapWord
	t.demo = widget.NewButtonWithIcon("Try with demo data", theme.MediaPlayIcon(), t.tryDemo)
	t.demo.Hide()

	t.hosts = widget.NewCheckGroup(nil, func(sel []string) {
		f.cfg.ActivityWatch.Hostnames = sel
		f.changed()
	})
	t.hosts.Horizontal = true
	t.buckets = widget.NewCheckGroup(nil, func(sel []string) {
		f.cfg.ActivityWatch.Buckets = sel
		f.changed()
	})
	t.setBucketOptions(nil)
	hostHint := hint("No host ticked: the host aw-server runs on.")
	bucketHint := hint("No bucket ticked: every window, AFK, web and editor bucket of the chosen hosts, " +
		"including buckets synced from other devices (…-synced-from-…).")
	fields := widget.NewForm(
		widget.NewFormItem("aw-server URL", container.NewBorder(nil, nil, nil, test, t.url)),
		widget.NewFormItem("", container.NewVBox(t.status, container.NewHBox(t.demo))),
		widget.NewFormItem("Hosts", container.NewVBox(t.hosts, hostHint)),
		widget.NewFormItem("Buckets", container.NewVBox(bucketHint, t.buckets)),
	)
	t.root = container.NewVScroll(container.NewPadded(fields))
	return t
}

// setBucketOptions lists the hosts and buckets aw-server has, keeping the configured ones
// (even when the server no longer lists them, so nothing is dropped silently).
func (t *activityTab) setBucketOptions(bs []activity.Bucket) {
	hosts := append([]string(nil), t.cfg.ActivityWatch.Hostnames...)
	ids := append([]string(nil), t.cfg.ActivityWatch.Buckets...)
	for _, b := range bs {
		hosts = append(hosts, b.Hostname)
		ids = append(ids, b.ID)
	}
	t.hosts.Options = uniqueSorted(hosts)
	t.hosts.Selected = append([]string(nil), t.cfg.ActivityWatch.Hostnames...)
	t.hosts.Refresh()
	t.buckets.Options = uniqueSorted(ids)
	t.buckets.Selected = append([]string(nil), t.cfg.ActivityWatch.Buckets...)
	t.buckets.Refresh()
}

// testConnection lists aw-server's buckets in the background.
func (t *activityTab) testConnection() {
	if t.deps.Activity == nil {
		return
	}
	url := t.cfg.ActivityWatch.URL
	t.status.SetText("Connecting to " + url + "…")
	ctx := t.life.Context()
	t.async(func() {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		bs, err := t.deps.Activity(url).Buckets(ctx)
		fyne.Do(func() { t.connectionResult(bs, err) })
	})
}

func (t *activityTab) connectionResult(bs []activity.Bucket, err error) {
	if err != nil {
		t.status.SetText(err.Error())
		t.status.Importance = widget.DangerImportance
		t.status.Refresh()
		if t.offerDemo() {
			t.demo.Show()
		}
		return
	}
	t.status.Importance = widget.SuccessImportance
	hosts := map[string]bool{}
	for _, b := range bs {
		hosts[b.Hostname] = true
	}
	t.status.SetText(fmt.Sprintf("Connected: %s on %s.", count(len(bs), "bucket", ""), count(len(hosts), "host", "")))
	t.demo.Hide()
	t.setBucketOptions(bs)
	for _, b := range bs {
		t.choices.addFields(b.Type, nil)
	}
	t.onBuckets()
}
