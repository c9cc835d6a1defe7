package ui

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/awcal/awcal/internal/activity"
)

func TestCount(t *testing.T) {
	assert.Equal(t, "1 block", count(1, "block", ""))
	assert.Equal(t, "3 blocks", count(3, "block", ""))
	assert.Equal(t, "0 blocks", count(0, "block", ""))
	assert.Equal(t, "2 entries", count(2, "entry", "entries"))
}

func TestPreviewSummaryPlurals(t *testing.T) {
	one := PreviewResult{Blocks: 1, Buckets: []activity.BucketEvents{{Events: []activity.Event{{}}}}}
	assert.Equal(t, "Mon 2 Mar: 1 block · 1 event in 1 bucket", previewSummary(time.Date(2026, 3, 2, 0, 0, 0, 0, time.Local), one))
	two := PreviewResult{Blocks: 2, Buckets: []activity.BucketEvents{{Events: []activity.Event{{}, {}}}, {}}}
	assert.Equal(t, "Mon 2 Mar: 2 blocks · 2 events in 2 buckets", previewSummary(time.Date(2026, 3, 2, 0, 0, 0, 0, time.Local), two))
}
