package report

import (
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/engine"
)

// Lead is how long before the report's start the activity is read and derived, so that a block
// under way at the start is derived whole, as a sync derived it, before its part inside the
// range is counted. It is the longest lookback of a sync (SYNC.md §2).
const Lead = 6 * time.Hour

// Derive derives the blocks of buckets with eng over [opts.From − Lead, opts.To) and builds the
// report. buckets hold the activity of that span (a sync's read: selected buckets, privacy
// filter applied).
func Derive(eng *engine.Engine, buckets []activity.BucketEvents, opts Options) Report {
	res := eng.Derive(engine.Input{From: opts.From.Add(-Lead), To: opts.To, Buckets: buckets})
	return Build(res.Blocks, ActiveSpans(buckets), opts)
}
