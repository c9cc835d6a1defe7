package reliability_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch"
)

// TestExportBucketIDsAreUnique: an export file whose "buckets" object names one bucket id under
// two keys (a hand-merged export of two machines, say) must not become two buckets with the
// same id — every consumer keys buckets by id — but an error or a single bucket. Found by
// activitywatch's FuzzReadExport.
func TestExportBucketIDsAreUnique(t *testing.T) {
	const file = `{"buckets":{
	  "a":{"id":"aw-watcher-window_x","type":"currentwindow","hostname":"x","events":[{"timestamp":"2026-03-02T09:00:00Z","duration":60,"data":{"app":"Code","title":"a"}}]},
	  "b":{"id":"aw-watcher-window_x","type":"currentwindow","hostname":"x","events":[{"timestamp":"2026-03-02T10:00:00Z","duration":60,"data":{"app":"Code","title":"b"}}]}}}`
	buckets, _, err := activitywatch.ReadExport(strings.NewReader(file))
	if err != nil {
		assert.Contains(t, err.Error(), "aw-watcher-window_x", "the error should name the bucket")
		return
	}
	ids := map[string]int{}
	for _, b := range buckets {
		ids[b.Bucket.ID]++
	}
	require.NotEmpty(t, ids)
	for id, n := range ids {
		assert.Equal(t, 1, n, "bucket id %q appears %d times in what ReadExport returned", id, n)
	}
}
