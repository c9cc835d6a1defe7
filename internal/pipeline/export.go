package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
)

// Export is an ActivityWatch export file read into memory, serving the calls of aw-server's
// client (Info, Buckets, Events) so that everything built on a source (bucket selection, the
// privacy filter, a preview) treats it exactly as the server it came from.
type Export struct {
	buckets []activity.BucketEvents
	hosts   []string // hosts of the window, web, editor and AFK buckets, sorted

	mu        sync.Mutex
	malformed map[string]int  // per bucket id, until Events first reports them
	handOver  bool            // Events hands whole buckets over (HandOver)
	handed    map[string]bool // the buckets handed over
}

// OpenExport reads an export file (aw-server's /api/0/export or the web UI's export).
func OpenExport(path string) (*Export, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening the export: %w", err)
	}
	defer f.Close()
	buckets, stats, err := activitywatch.ReadExport(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	x := &Export{buckets: buckets, malformed: stats.Malformed}
	for _, b := range buckets {
		if activity.KindOf(b.Bucket) != activity.KindOther && b.Bucket.Hostname != "" && !slices.Contains(x.hosts, b.Bucket.Hostname) {
			x.hosts = append(x.hosts, b.Bucket.Hostname)
		}
	}
	slices.Sort(x.hosts)
	return x, nil
}

// HandOver makes Events hand a bucket's own events over (activitywatch.Events.Owned) when it
// is asked for them whole, already in range and order, instead of sharing them: the caller may
// then filter them in place, and the export no longer holds them. A bucket handed over cannot
// be asked for again, and Range no longer sees it. A preview, which takes the range first and
// then reads each bucket once, calls it.
func (x *Export) HandOver() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.handOver = true
}

// Hosts lists the hosts whose window, web, editor or AFK buckets the export holds, sorted.
func (x *Export) Hosts() []string { return slices.Clone(x.hosts) }

// Range is [the first event's start, the last event's end] over every bucket, the end
// included (the engine's window is half-open and microsecond-precise); ok is false when the
// export holds no event.
func (x *Export) Range() (from, to time.Time, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, b := range x.buckets {
		for _, e := range b.Events {
			if e.Timestamp.IsZero() || !(e.Duration >= 0) {
				continue
			}
			if !ok || e.Timestamp.Before(from) {
				from = e.Timestamp
			}
			if end := e.End(); !ok || end.After(to) {
				to = end
			}
			ok = true
		}
	}
	return from, to.Add(time.Microsecond), ok
}

// Info names the host the export came from, as aw-server's /api/0/info names its own: the
// only host with window, web, editor or AFK buckets. An export of several hosts names none;
// then the config must list the hosts (activityWatch.hostnames) or buckets.
func (x *Export) Info(context.Context) (activitywatch.Info, error) {
	if len(x.hosts) != 1 {
		return activitywatch.Info{}, &ConfigError{Err: fmt.Errorf("the export holds the activity of %d hosts (%s): name the ones to read in activityWatch.hostnames, or the buckets in activityWatch.buckets",
			len(x.hosts), strings.Join(x.hosts, ", "))}
	}
	return activitywatch.Info{Hostname: x.hosts[0]}, nil
}

// Buckets lists the export's buckets, sorted by id.
func (x *Export) Buckets(context.Context) ([]activity.Bucket, error) {
	out := make([]activity.Bucket, len(x.buckets))
	for i := range x.buckets {
		out[i] = x.buckets[i].Bucket // not the events, which Events may be handing over
	}
	return out, nil
}

// Events returns the bucket's events that overlap [from, to], trimmed to it, newest first (a
// tie keeps the file's order), as aw-server answers. The events the export file could not
// decode are counted in the first answer for the bucket. An event with an invalid duration
// is passed on untrimmed when it starts in the range, for the engine to count.
func (x *Export) Events(_ context.Context, bucketID string, from, to time.Time) (activitywatch.Events, error) {
	x.mu.Lock() // HandOver lets Events change x.buckets while other buckets are read
	i := slices.IndexFunc(x.buckets, func(b activity.BucketEvents) bool { return b.Bucket.ID == bucketID })
	if i < 0 {
		x.mu.Unlock()
		return activitywatch.Events{}, &activitywatch.BucketNotFoundError{ID: bucketID}
	}
	if x.handed[bucketID] {
		x.mu.Unlock()
		return activitywatch.Events{}, fmt.Errorf("the export's bucket %s was handed over already: it is read once", bucketID)
	}
	out, owned := x.buckets[i].Events, false // the usual preview: the whole export, already newest first
	inOrder := inRangeAndSorted(out, from, to)
	if inOrder && x.handOver {
		x.buckets[i].Events, owned = nil, true
		if x.handed == nil {
			x.handed = map[string]bool{}
		}
		x.handed[bucketID] = true
	}
	n := x.malformed[bucketID]
	delete(x.malformed, bucketID)
	x.mu.Unlock()
	if !inOrder {
		out, owned = inRange(out, from, to), true
		slices.SortStableFunc(out, func(a, b activity.Event) int { return cmp.Compare(b.Timestamp.UnixNano(), a.Timestamp.UnixNano()) })
	}
	return activitywatch.Events{Events: out, Malformed: n, Owned: owned}, nil
}

// inRange returns a copy of the events that overlap [from, to], trimmed to it; an event with
// an invalid duration is kept untrimmed when it starts in the range.
func inRange(evs []activity.Event, from, to time.Time) []activity.Event {
	var out []activity.Event
	for _, e := range evs {
		if !(e.Duration >= 0) || math.IsInf(e.Duration, 0) {
			if !e.Timestamp.Before(from) && !e.Timestamp.After(to) {
				out = append(out, e)
			}
			continue
		}
		start, end := e.Timestamp, e.End()
		if end.Before(from) || start.After(to) {
			continue
		}
		if start.Before(from) || end.After(to) {
			if start.Before(from) {
				start = from
			}
			if end.After(to) {
				end = to
			}
			e.Timestamp, e.Duration = start, end.Sub(start).Seconds()
		}
		out = append(out, e)
	}
	return out
}

// inRangeAndSorted reports whether Events would answer evs as they are: every event inside
// [from, to] (none to trim or leave out) and newest first already. Then the answer shares
// the export's events (callers never modify events they are given).
func inRangeAndSorted(evs []activity.Event, from, to time.Time) bool {
	for j, e := range evs {
		if !(e.Duration >= 0) || math.IsInf(e.Duration, 0) || e.Timestamp.Before(from) || e.End().After(to) {
			return false
		}
		if j > 0 && e.Timestamp.UnixNano() > evs[j-1].Timestamp.UnixNano() {
			return false
		}
	}
	return len(evs) > 0
}
