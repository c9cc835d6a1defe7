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
func (r *run) takenSpans(owned []calendar.Event, from, to time.Time) []span {
	present := make(map[string]bool, len(owned))
	for _, e := range owned {
		present[e.UID] = true
	}
	for _, uid := range r.ledger.Vanished(from, to, present) {
		r.ledger.Bury(uid, corrections.ReasonDeleted)
		r.rep.Buried++
		r.ledgerDirty = true
	}
	for _, e := range owned {
		r.know(e)
	}
	var taken []span
	for _, t := range r.ledger.In(from, to) {
		taken = append(taken, span{roundSecond(t.Start), roundSecond(t.End)})
	}
	return taken
}

// know records e as in the calendar. When the person moved or trimmed a known event (it is
// locked and its span changed), the part of its old span it gave up becomes a tombstone: the
// block the person moved away is not written there again.
func (r *run) know(e calendar.Event) {
	k := corrections.Known{ProfileID: e.ProfileID, Start: e.Start, End: e.End}
	old, ok := r.ledger.Known[e.UID]
	if ok && old.ProfileID == k.ProfileID && old.Start.Equal(k.Start) && old.End.Equal(k.End) {
		return
	}
	if ok && e.Locked {
		for _, f := range cut(span{old.Start, old.End}, []span{spanOf(e)}) {
			r.ledger.Tomb(corrections.Tombstone{UID: e.UID, ProfileID: e.ProfileID, Start: f.start, End: f.end,
				Reason: corrections.ReasonEdited})
		}
	}
	r.ledger.Known[e.UID] = k
	r.ledgerDirty = true
}

// forgetDeletes takes the events a plan deletes out of the ledger, and saves it, before the
// plan is applied: awcal's own deletes must never read as the person's, even when the process
// dies between writing the calendar and saving the ledger. A delete that then fails leaves the
// event in the calendar, and the next read knows it again.
func (r *run) forgetDeletes(changes []calendar.Change) error {
	changed := false
	for _, c := range changes {
		if _, ok := r.ledger.Known[c.Event.UID]; ok && c.Op == calendar.Delete {
			delete(r.ledger.Known, c.Event.UID)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	r.ledgerDirty = true
	return corrections.Save(r.s.correctionsPath, r.ledger)
}

// recordWrites records the events an applied plan created or updated.
func (r *run) recordWrites(changes []calendar.Change) {
	for _, c := range changes {
		if c.Op != calendar.Delete {
			r.know(c.Event)
		}
	}
}
