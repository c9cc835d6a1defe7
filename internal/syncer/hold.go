package syncer

import (
	"context"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/review"
)

// holdStore is the calendar as a sync in review mode "hold" sees it: the calendar's events stay
// as they are (they read as locked, so the plan goes around them) and the pending proposals are
// what the plan creates, updates and deletes. Nothing reaches the calendar until approved.
type holdStore struct {
	calendar Store
	pending  *review.File
}

func (h holdStore) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	evs, err := h.calendar.Owned(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for i := range evs {
		evs[i].Locked = true
	}
	pending, err := h.pending.Owned(ctx, from, to)
	if err != nil {
		return nil, err
	}
	evs = append(evs, pending...)
	calendar.SortEvents(evs)
	return evs, nil
}

// Apply changes the pending proposals only (the plan never changes a locked event, and the
// proposals file refuses a UID it does not hold).
func (h holdStore) Apply(ctx context.Context, changes []calendar.Change) error {
	return h.pending.Apply(ctx, changes)
}
