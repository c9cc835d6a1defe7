package syncer

import (
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/corrections"
)

// takenSpans keeps the corrections ledger in step with the owned events just read from
// [from, to) and returns the spans the person took away there. A known event that is gone was
// deleted by the person (or moved out of the range): its span becomes a tombstone. Every event
// read is known from now on, with its span as read, so that events written by a run whose
// bookkeeping was cut short are known all the same.
func (r *run) takenSpans(owned []calendar.Event, from, to time.Time) ([]span, error) {
	present := make(map[string]bool, len(owned))
	for _, e := range owned {
		present[e.UID] = true
	}
	gone, spans, err := r.ledger.Vanished(from, to, present)
	if err != nil {
		return nil, err
	}
	for _, uid := range gone {
		if err := r.ledger.Bury(uid, spans[uid], corrections.ReasonDeleted); err != nil {
			return nil, err
		}
		r.rep.Buried++
		r.ledgerDirty = true
	}
	for _, e := range owned {
		if err := r.know(e); err != nil {
			return nil, err
		}
	}
	var taken []span
	for _, t := range r.ledger.In(from, to) {
		taken = append(taken, span{roundSecond(t.Start), roundSecond(t.End)})
	}
	return taken, nil
}

// know records e as in the calendar. When the person moved or trimmed a known event (it is
// locked and its span changed), the part of its old span it gave up becomes a tombstone: the
// block the person moved away is not written there again.
func (r *run) know(e calendar.Event) error {
	k := corrections.Known{ProfileID: e.ProfileID, Start: e.Start, End: e.End}
	old, ok, err := r.ledger.Lookup(e.UID, e.Start)
	if err != nil {
		return err
	}
	if ok && old.ProfileID == k.ProfileID && old.Start.Equal(k.Start) && old.End.Equal(k.End) {
		return nil
	}
	if ok && e.Locked {
		for _, f := range cut(span{old.Start, old.End}, []span{spanOf(e)}) {
			r.ledger.Tomb(corrections.Tombstone{UID: e.UID, ProfileID: e.ProfileID, Start: f.start, End: f.end,
				Reason: corrections.ReasonEdited})
		}
	}
	r.ledgerDirty = true
	return r.ledger.Know(e.UID, k)
}

// forgetDeletes takes the events a plan deletes out of the ledger, and saves it, before the
// plan is applied: awcal's own deletes must never read as the person's, even when the process
// dies between writing the calendar and saving the ledger. A delete that then fails leaves the
// event in the calendar, and the next read knows it again.
func (r *run) forgetDeletes(changes []calendar.Change) error {
	deletes := false
	for _, c := range changes {
		if c.Op == calendar.Delete {
			if err := r.ledger.Unknow(c.Event.UID, c.Event.Start, c.Event.End); err != nil {
				return err
			}
			deletes = true
		}
	}
	if !deletes {
		return nil
	}
	r.ledgerDirty = true
	return r.ledger.Save()
}

// recordWrites records the events an applied plan created or updated.
func (r *run) recordWrites(changes []calendar.Change) error {
	for _, c := range changes {
		if c.Op != calendar.Delete {
			if err := r.know(c.Event); err != nil {
				return err
			}
		}
	}
	return nil
}
