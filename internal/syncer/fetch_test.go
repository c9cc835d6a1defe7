package syncer

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
)

// gateSource answers Events only when the test releases the call; failing names the buckets
// whose read fails (after the release).
type gateSource struct {
	entered chan string
	release chan struct{}
	failing map[string]error
}

func (g *gateSource) Info(context.Context) (activitywatch.Info, error) {
	return activitywatch.Info{}, nil
}

func (g *gateSource) Buckets(context.Context) ([]activity.Bucket, error) { return nil, nil }

func (g *gateSource) Events(ctx context.Context, id string, from, _ time.Time) (activitywatch.Events, error) {
	g.entered <- id
	select {
	case <-g.release:
	case <-ctx.Done():
		return activitywatch.Events{}, ctx.Err()
	}
	if err := g.failing[id]; err != nil {
		return activitywatch.Events{}, err
	}
	return activitywatch.Events{Events: []activity.Event{{Timestamp: from, Duration: 1, Data: map[string]any{"b": id}}}, Malformed: 1}, nil
}

func gateBuckets(n int) []activity.Bucket {
	var bs []activity.Bucket
	for i := range n {
		bs = append(bs, activity.Bucket{ID: fmt.Sprintf("b%d", i)})
	}
	return bs
}

var fetchFrom = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func TestFetchBucketsConcurrentlyWithABound(t *testing.T) {
	g := &gateSource{entered: make(chan string, 16), release: make(chan struct{})}
	buckets := gateBuckets(6)
	type answer struct {
		out []activity.BucketEvents
		err error
	}
	done := make(chan answer, 1)
	malformed := map[string]int{}
	go func() {
		out, _, err := fetchBuckets(context.Background(), g, buckets, fetchFrom, fetchFrom.Add(time.Hour), malformed)
		done <- answer{out, err}
	}()
	for range fetchConcurrency {
		<-g.entered
	}
	select {
	case id := <-g.entered:
		t.Fatalf("bucket %s is read while %d reads are under way", id, fetchConcurrency)
	default:
	}
	close(g.release) // the rest go through
	a := <-done
	require.NoError(t, a.err)
	require.Len(t, a.out, 6)
	for i, be := range a.out {
		assert.Equal(t, buckets[i], be.Bucket, "in the buckets' order")
		assert.Equal(t, buckets[i].ID, be.Events[0].Data["b"])
		assert.Equal(t, 1, malformed[buckets[i].ID])
	}
}

// TestFetchBucketsStartsTheLongestReadsFirst: of an AFK, an unknown, an editor, a web and a
// window bucket, listed in that order, the four read first are all but the AFK bucket; the
// results keep the list's order.
func TestFetchBucketsStartsTheLongestReadsFirst(t *testing.T) {
	require.Equal(t, 4, fetchConcurrency)
	buckets := []activity.Bucket{
		{ID: "aw-watcher-afk_h", Type: activity.TypeAFK}, {ID: "aw-watcher-input_h", Type: "os.hid.input"},
		{ID: "aw-watcher-vscode_h", Type: activity.TypeEditor}, {ID: "aw-watcher-web-firefox_h", Type: activity.TypeWeb},
		{ID: "aw-watcher-window_h", Type: activity.TypeWindow},
	}
	g := &gateSource{entered: make(chan string, 16), release: make(chan struct{})}
	done := make(chan []activity.BucketEvents, 1)
	go func() {
		out, _, err := fetchBuckets(context.Background(), g, buckets, fetchFrom, fetchFrom.Add(time.Hour), map[string]int{})
		assert.NoError(t, err)
		done <- out
	}()
	var first []string
	for range fetchConcurrency {
		first = append(first, <-g.entered)
	}
	assert.ElementsMatch(t, []string{"aw-watcher-window_h", "aw-watcher-web-firefox_h", "aw-watcher-vscode_h", "aw-watcher-input_h"}, first)
	close(g.release)
	out := <-done
	require.Len(t, out, len(buckets))
	for i, be := range out {
		assert.Equal(t, buckets[i], be.Bucket, "in the buckets' order")
	}
}

func TestFetchBucketsReportsTheFirstFailure(t *testing.T) {
	boom := errors.New("boom b1")
	g := &gateSource{entered: make(chan string, 16), release: make(chan struct{}),
		failing: map[string]error{"b1": boom, "b3": errors.New("boom b3")}}
	done := make(chan error, 1)
	go func() {
		_, _, err := fetchBuckets(context.Background(), g, gateBuckets(6), fetchFrom, fetchFrom.Add(time.Hour), map[string]int{})
		done <- err
	}()
	for range fetchConcurrency {
		<-g.entered
	}
	close(g.release)
	err := <-done
	require.ErrorIs(t, err, boom, "the first failing bucket in the list's order")
	assert.Contains(t, err.Error(), "reading activity")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = fetchBuckets(ctx, &gateSource{entered: make(chan string, 16), release: make(chan struct{})}, gateBuckets(3),
		fetchFrom, fetchFrom.Add(time.Hour), map[string]int{})
	assert.ErrorIs(t, err, context.Canceled, "a cancelled run says so")
}
