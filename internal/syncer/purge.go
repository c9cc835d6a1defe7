package syncer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/corrections"
)

// The range PurgeProfile uses for a zero from or to: wide enough for any block awcal wrote.
var (
	purgeFrom = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	purgeTo   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// PurgeProfile deletes the calendar events awcal owns for one profile (X-AWCAL-PROFILE equal
// to profileID) that overlap [from, to), and returns them sorted by start then UID. A zero
// from or to leaves that end open (1970 and 2100). Runs never delete the events of a profile
// that is gone (SYNC.md §3: its past stays unless the person asks); this is the asking, for
// the settings window's "Also delete its N past events?" and `awcal profiles purge`.
//
// Only that profile's owned events are deleted: foreign events stay byte-identical and other
// profiles' events untouched, because the deletes name owned UIDs with the versions just read
// (the store refuses anything else). A dry run returns the events it would delete and writes
// nothing. When the calendar changes between the read and the write (calendar.ErrConflict), it
// reads again and retries, a bounded number of times. On an error the result is nil; some
// events may already be gone (CalDAV deletes one by one), and running it again finishes.
//
// It is meant for a profile that was deleted or disabled: for an enabled profile, the next run
// writes its blocks in the run's window again.
//
// Events the person edited or approved (calendar.Event.Locked) stay unless opts.IncludeEdited;
// kept counts them. The deleted events are taken out of the corrections file, when one is given,
// so that the next sync does not take them for events the person deleted.
func PurgeProfile(ctx context.Context, store Store, profileID string, from, to time.Time, opts PurgeOptions) (deleted []calendar.Event, kept int, err error) {
	if profileID == "" {
		return nil, 0, errors.New("deleting a profile's events: no profile id given")
	}
	if from.IsZero() {
		from = purgeFrom
	}
	if to.IsZero() {
		to = purgeTo
	}
	if !from.Before(to) {
		return nil, 0, fmt.Errorf("deleting the events of profile %s: the start %s is not before the end %s: swap them",
			profileID, from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	// gone holds every event of the profile the purge read, by UID: after a conflict, the ones
	// a re-read no longer finds went with the deletes applied before the conflict (or with a
	// concurrent run's), and are gone all the same.
	var ledger *corrections.File
	if opts.CorrectionsPath != "" && !opts.DryRun {
		if ledger, err = corrections.Load(opts.CorrectionsPath); err != nil {
			return nil, 0, fmt.Errorf("deleting the events of profile %s: %w", profileID, err)
		}
	}
	gone := map[string]calendar.Event{}
	for attempt := 1; ; attempt++ {
		owned, err := store.Owned(ctx, from, to)
		if err != nil {
			return nil, 0, fmt.Errorf("deleting the events of profile %s: reading the calendar: %w", profileID, err)
		}
		var changes []calendar.Change
		kept = 0
		for _, e := range owned {
			switch {
			case e.ProfileID != profileID:
			case e.Locked && !opts.IncludeEdited:
				kept++
			default:
				changes = append(changes, calendar.Change{Op: calendar.Delete, Event: e})
				gone[e.UID] = e
			}
		}
		if opts.DryRun {
			events := make([]calendar.Event, len(changes))
			for i, c := range changes {
				events[i] = c.Event
			}
			return events, kept, nil
		}
		if len(changes) == 0 {
			break
		}
		if err := forgetKnown(ledger, changes); err != nil {
			return nil, 0, fmt.Errorf("deleting the events of profile %s: %w", profileID, err)
		}
		err = store.Apply(ctx, changes)
		if err == nil {
			break
		}
		if !errors.Is(err, calendar.ErrConflict) || attempt >= maxAttempts {
			return nil, 0, fmt.Errorf("deleting the events of profile %s: writing the calendar: %w", profileID, err)
		}
	}
	events := make([]calendar.Event, 0, len(gone))
	for _, e := range gone {
		events = append(events, e)
	}
	calendar.SortEvents(events)
	return events, kept, nil
}

// PurgeOptions tune PurgeProfile.
type PurgeOptions struct {
	// DryRun returns the events that would be deleted and writes nothing.
	DryRun bool
	// IncludeEdited deletes the events the person edited or approved too.
	IncludeEdited bool
	// CorrectionsPath is the corrections file ("" when there is none to keep up to date).
	CorrectionsPath string
}

// forgetKnown takes the events a purge is about to delete out of the corrections file, before
// deleting them, so that they are never taken for events the person deleted (even when the
// process dies in between). One whose delete does not happen is still in the calendar, and the
// next sync knows it again.
func forgetKnown(ledger *corrections.File, deletes []calendar.Change) error {
	if ledger == nil || len(deletes) == 0 {
		return nil
	}
	for _, c := range deletes {
		if err := ledger.Unknow(c.Event.UID, c.Event.Start, c.Event.End); err != nil {
			return err
		}
	}
	return ledger.Save()
}

// PurgeProfile is the package's PurgeProfile on the Syncer's calendar, never at the same time
// as a run: it waits for a running one to finish, and runs wait for it.
// Events the person edited or approved stay.
func (s *Syncer) PurgeProfile(ctx context.Context, profileID string, from, to time.Time, dryRun bool) ([]calendar.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	events, _, err := PurgeProfile(ctx, s.store, profileID, from, to, PurgeOptions{DryRun: dryRun, CorrectionsPath: s.correctionsPath})
	if err == nil && !dryRun {
		s.log.Info("deleted a profile's events", "profile", profileID, "deleted", len(events))
	}
	return events, err
}
