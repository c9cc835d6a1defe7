package report

import (
	"github.com/awcal/awcal/internal/activity"
)

// ActiveSpans is the active time in buckets: the "not-afk" events of the AFK buckets, or,
// when no AFK bucket was read, the window events.
func ActiveSpans(buckets []activity.BucketEvents) []Span {
	var afk, window []Span
	hasAFK := false
	for _, be := range buckets {
		switch activity.KindOf(be.Bucket) {
		case activity.KindAFK:
			hasAFK = true
			for _, e := range be.Events {
				if e.Data["status"] == "not-afk" && e.Duration > 0 {
					afk = append(afk, Span{e.Timestamp, e.End()})
				}
			}
		case activity.KindWindow:
			for _, e := range be.Events {
				if e.Duration > 0 {
					window = append(window, Span{e.Timestamp, e.End()})
				}
			}
		}
	}
	if hasAFK {
		return union(afk)
	}
	return union(window)
}
