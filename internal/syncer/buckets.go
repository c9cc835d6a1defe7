package syncer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/privacy"
)

// ReadActivity reads what a sync with cfg reads over [from, to]: the selected buckets (see
// SelectBuckets), their events trimmed to the range, with cfg's privacy filter applied. The
// preview (command line and timeline) derives its blocks from it.
func ReadActivity(ctx context.Context, src Source, cfg config.Config, from, to time.Time) (Activity, error) {
	filter, err := pipeline.Privacy(cfg)
	if err != nil {
		return Activity{}, err
	}
	a, err := FetchActivity(ctx, src, cfg.ActivityWatch, from, to)
	if err != nil {
		return Activity{}, err
	}
	a.Buckets, a.Privacy = filter.ApplyOwned(a.Buckets, a.owned)
	a.owned = nil // filtered in place: the arrays now hold what the filter kept
	return a, nil
}

// FetchActivity is ReadActivity without the privacy filter: the selected buckets' events as
// the source sent them. The settings window's preview keeps them and filters each edit of the
// privacy rules anew.
func FetchActivity(ctx context.Context, src Source, aw config.ActivityWatch, from, to time.Time) (Activity, error) {
	buckets, err := selectBuckets(ctx, src, aw)
	if err != nil {
		return Activity{}, err
	}
	a := Activity{Malformed: map[string]int{}}
	if a.Buckets, a.owned, err = fetchBuckets(ctx, src, buckets, from, to, a.Malformed); err != nil {
		return Activity{}, err
	}
	return a, nil
}

// Activity is what ReadActivity read.
type Activity struct {
	// Buckets holds each selected bucket with its events, newest first, privacy filter applied.
	Buckets []activity.BucketEvents
	// Malformed counts the events aw-server sent that could not be decoded, per bucket id.
	Malformed map[string]int
	// Privacy says what the privacy filter hid or redacted.
	Privacy privacy.Stats
	// owned says, per bucket, that the source handed its event array over (see
	// activitywatch.Events.Owned), so that ReadActivity's filter may work in it.
	owned []bool
}

// selectBuckets reads the bucket list (and, when neither buckets nor hostnames are
// configured, which host aw-server runs on) and picks the buckets to read.
func selectBuckets(ctx context.Context, src Source, aw config.ActivityWatch) ([]activity.Bucket, error) {
	all, err := src.Buckets(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading activity: %w", err)
	}
	host := ""
	if len(aw.Buckets) == 0 && len(aw.Hostnames) == 0 {
		info, err := src.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading activity: %w", err)
		}
		host = info.Hostname
	}
	return SelectBuckets(all, aw, host)
}

// fetchConcurrency bounds how many buckets are read at once.
const fetchConcurrency = 4

// fetchBuckets reads the buckets' events over [from, to], up to fetchConcurrency buckets at
// once, adding the malformed counts to malformed. When reads fail, the error is the first
// failing bucket's in the list's order, and the reads still under way are cancelled.
func fetchBuckets(ctx context.Context, src Source, buckets []activity.Bucket, from, to time.Time, malformed map[string]int) ([]activity.BucketEvents, []bool, error) {
	out := make([]activity.BucketEvents, 0, len(buckets))
	owned := make([]bool, 0, len(buckets))
	if !from.Before(to) {
		return out, owned, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]activitywatch.Events, len(buckets))
	errs := make([]error, len(buckets))
	sem := make(chan struct{}, fetchConcurrency)
	var wg sync.WaitGroup
	for _, i := range readOrder(buckets) {
		b := buckets[i]
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if results[i], errs[i] = src.Events(ctx, b.ID, from, to); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	if err := firstError(errs); err != nil {
		return nil, nil, fmt.Errorf("reading activity: %w", err)
	}
	for i, b := range buckets {
		if results[i].Malformed > 0 {
			malformed[b.ID] += results[i].Malformed
		}
		out = append(out, activity.BucketEvents{Bucket: b, Events: results[i].Events})
		owned = append(owned, results[i].Owned)
	}
	return out, owned, nil
}

// readOrder is the order in which the buckets' reads start: window buckets first, as they
// hold the most events (every change of focus is one) and so take longest, then web, editor
// and other buckets, and AFK buckets, the sparsest, last; the list's order otherwise. Started
// first, the longest reads do not wait for a free slot while short ones run.
func readOrder(buckets []activity.Bucket) []int {
	rank := func(b activity.Bucket) int {
		if k := activity.KindOf(b); k != activity.KindAFK {
			return int(k)
		}
		return int(activity.KindOther) + 1
	}
	order := make([]int, len(buckets))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(rank(buckets[x]), rank(buckets[y])) })
	return order
}

// firstError is the first error in errs that is not a cancellation (which another read's
// failure causes); else the first error (the caller's context was cancelled).
func firstError(errs []error) error {
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if first == nil {
			first = err
		}
		if !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return first
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
				return nil, &ConfigError{Err: &activitywatch.BucketNotFoundError{ID: id, Existing: existing}}
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
		return nil, &ConfigError{Err: fmt.Errorf("aw-server has no window, afk, web or editor buckets for host %s: check that the ActivityWatch watchers run there, or pick hosts or buckets in the settings",
			strings.Join(hosts, ", "))}
	}
	return out, nil
}
