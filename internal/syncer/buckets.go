package syncer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/config"
)

// selectBuckets reads the bucket list (and, when no hostname is configured, which host
// aw-server runs on) and picks the buckets this run reads.
func (r *run) selectBuckets(ctx context.Context) ([]activity.Bucket, error) {
	all, err := r.s.source.Buckets(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading activity: %w", err)
	}
	host := ""
	if len(r.cfg.ActivityWatch.Buckets) == 0 && len(r.cfg.ActivityWatch.Hostnames) == 0 {
		info, err := r.s.source.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading activity: %w", err)
		}
		host = info.Hostname
	}
	return SelectBuckets(all, r.cfg.ActivityWatch, host)
}

// SelectBuckets picks the buckets a sync reads (ENGINE.md §1.2): the configured bucket ids in
// their order, or else every window, afk, web and editor bucket of the configured hostnames
// (serverHost, the host aw-server runs on, when none are configured) plus the web buckets whose
// hostname is empty or "unknown" (aw-watcher-web writes that when it cannot tell). A configured
// id that does not exist is an *activitywatch.BucketNotFoundError listing those that do.
func SelectBuckets(all []activity.Bucket, aw config.ActivityWatch, serverHost string) ([]activity.Bucket, error) {
	if len(aw.Buckets) > 0 {
		byID := make(map[string]activity.Bucket, len(all))
		for _, b := range all {
			byID[b.ID] = b
		}
		var out []activity.Bucket
		for _, id := range aw.Buckets {
			b, ok := byID[id]
			if !ok {
				existing := make([]string, len(all))
				for i, b := range all {
					existing[i] = b.ID
				}
				slices.Sort(existing)
				return nil, &ConfigError{&activitywatch.BucketNotFoundError{ID: id, Existing: existing}}
			}
			if !slices.ContainsFunc(out, func(o activity.Bucket) bool { return o.ID == id }) {
				out = append(out, b)
			}
		}
		return out, nil
	}
	hosts := aw.Hostnames
	if len(hosts) == 0 {
		hosts = []string{serverHost}
	}
	var out []activity.Bucket
	for _, b := range all {
		kind := activity.KindOf(b)
		switch {
		case kind == activity.KindOther:
		case slices.Contains(hosts, b.Hostname):
			out = append(out, b)
		case kind == activity.KindWeb && (b.Hostname == "" || strings.EqualFold(b.Hostname, "unknown")):
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		return nil, &ConfigError{fmt.Errorf("aw-server has no window, afk, web or editor buckets for host %s: check that the ActivityWatch watchers run there, or pick hosts or buckets in the settings",
			strings.Join(hosts, ", "))}
	}
	return out, nil
}
