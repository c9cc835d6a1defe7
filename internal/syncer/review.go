package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/corrections"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/review"
)

// Proposal is a block waiting for the person's review: held back in the proposals file (review
// mode "hold") or written to the calendar as tentative ("tentative").
type Proposal struct {
	calendar.Event
	// Held: the proposal is in the proposals file, not in the calendar.
	Held bool
}

// ErrUnknownProposal: an id names no pending proposal.
var ErrUnknownProposal = errors.New("no pending proposal has this id")

// reviewFrom and reviewTo are the range Pending reads for a zero from or to.
var reviewFrom, reviewTo = purgeFrom, purgeTo

// Pending returns the proposals overlapping [from, to) (a zero end leaves it open), sorted by
// start then UID: the held ones and the calendar's tentative events awcal wrote and the person
// has not approved. Both are listed whatever the current mode, so that switching modes never
// strands a proposal.
func (s *Syncer) Pending(ctx context.Context, from, to time.Time) ([]Proposal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, out, err := s.pending(ctx, from, to)
	return out, err
}

func (s *Syncer) pending(ctx context.Context, from, to time.Time) (*review.File, []Proposal, error) {
	if from.IsZero() {
		from = reviewFrom
	}
	if to.IsZero() {
		to = reviewTo
	}
	held, err := review.Load(s.proposalsPath)
	if err != nil {
		return nil, nil, &ConfigError{Err: err}
	}
	var out []Proposal
	for _, e := range held.Pending(from, to) {
		out = append(out, Proposal{Event: e, Held: true})
	}
	evs, err := s.store.Owned(ctx, from, to)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the calendar: %w", err)
	}
	for _, e := range evs {
		if e.Status == calendar.StatusTentative && !e.Locked {
			out = append(out, Proposal{Event: e})
		}
	}
	slices.SortFunc(out, func(a, b Proposal) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.UID, b.UID)
	})
	return held, out, nil
}

// ShortID is the id the review shows for a proposal: the first 8 characters of its UID. Any
// unique prefix of at least 4 characters, or the whole UID, names it.
func ShortID(uid string) string {
	if len(uid) > 8 {
		return uid[:8]
	}
	return uid
}

// resolve finds the proposals ids name.
func resolve(pending []Proposal, ids []string) ([]Proposal, error) {
	var out []Proposal
	for _, id := range ids {
		var found []Proposal
		for _, p := range pending {
			if p.UID == id || len(id) >= 4 && strings.HasPrefix(p.UID, id) {
				found = append(found, p)
			}
		}
		switch len(found) {
		case 0:
			return nil, fmt.Errorf("%q: %w", id, ErrUnknownProposal)
		case 1:
			out = append(out, found[0])
		default:
			return nil, fmt.Errorf("%q names %d pending proposals: give more of the id", id, len(found))
		}
	}
	return out, nil
}

// Approve books the named proposals (ids as ShortID shows them, or UIDs) as the person accepted
// them: a held one is written to the calendar, a tentative one confirmed. Either way it keeps its
// UID, becomes CONFIRMED and is locked: awcal never changes it again. It returns the approved.
func (s *Syncer) Approve(ctx context.Context, ids []string) ([]Proposal, error) {
	return s.review(ctx, ids, time.Time{}, func(held *review.File, p Proposal) error { return s.approve(ctx, held, p) })
}

// ApproveAll approves every pending proposal that ends by until (all of them when until is zero).
func (s *Syncer) ApproveAll(ctx context.Context, until time.Time) ([]Proposal, error) {
	return s.review(ctx, nil, until, func(held *review.File, p Proposal) error { return s.approve(ctx, held, p) })
}

// Reject drops the named proposals and leaves a tombstone for each: nothing is proposed or
// written in their spans again until the person forgets the corrections there.
func (s *Syncer) Reject(ctx context.Context, ids []string) ([]Proposal, error) {
	return s.review(ctx, ids, time.Time{}, func(held *review.File, p Proposal) error { return s.reject(ctx, held, p) })
}

// ProposalEdit is what the person changes in a proposal before approving it; zero fields stay.
type ProposalEdit struct {
	Title      string
	ProfileID  string
	Start, End time.Time
}

// Edit changes a proposal and approves it: a correction made in the review is the person's, and
// locked like one made in a calendar app.
func (s *Syncer) Edit(ctx context.Context, id string, edit ProposalEdit) (Proposal, error) {
	var out Proposal
	_, err := s.review(ctx, []string{id}, time.Time{}, func(held *review.File, p Proposal) error {
		if edit.Title != "" {
			p.Title = edit.Title
		}
		if edit.ProfileID != "" && edit.ProfileID != p.ProfileID {
			i := slices.IndexFunc(s.config().Profiles, func(pr profile.Profile) bool { return pr.ID == edit.ProfileID })
			if i < 0 {
				return &ConfigError{Err: fmt.Errorf("there is no profile %q: use the id of one in the config (awcal profiles list)", edit.ProfileID)}
			}
			pr := s.config().Profiles[i]
			p.ProfileID, p.Category, p.Color = pr.ID, pr.Category, pr.Color
		}
		if !edit.Start.IsZero() {
			p.Start = edit.Start
		}
		if !edit.End.IsZero() {
			p.End = edit.End
		}
		p.Start, p.End = roundSecond(p.Start), roundSecond(p.End)
		if !p.End.After(p.Start) {
			return &ConfigError{Err: fmt.Errorf("the proposal would end (%s) before it starts (%s): give an end after the start",
				p.End.Format(time.RFC3339), p.Start.Format(time.RFC3339))}
		}
		out = p
		return s.approve(ctx, held, p)
	})
	return out, err
}

// review runs do on the proposals ids name (or, with no ids, on every one ending by until),
// under the run lock.
func (s *Syncer) review(ctx context.Context, ids []string, until time.Time, do func(*review.File, Proposal) error) ([]Proposal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	held, pending, err := s.pending(ctx, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	chosen := pending
	if ids != nil {
		if chosen, err = resolve(pending, ids); err != nil {
			return nil, err
		}
	} else if !until.IsZero() {
		chosen = slices.DeleteFunc(chosen, func(p Proposal) bool { return p.End.After(until) })
	}
	var done []Proposal
	for _, p := range chosen {
		if err := do(held, p); err != nil {
			return done, err
		}
		done = append(done, p)
	}
	return done, nil
}

// approve writes p to the calendar as the person's: confirmed and locked, under its UID.
func (s *Syncer) approve(ctx context.Context, held *review.File, p Proposal) error {
	e := p.Event
	e.Status, e.Locked = calendar.StatusConfirmed, true
	if !p.Held {
		if err := s.store.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: e}}); err != nil {
			return fmt.Errorf("approving %s: %w", ShortID(p.UID), err)
		}
		return nil
	}
	e.Version = ""
	err := s.store.Apply(ctx, []calendar.Change{{Op: calendar.Create, Event: e}})
	if errors.Is(err, calendar.ErrConflict) {
		// A create interrupted before the proposal was dropped: the calendar holds it already.
		evs, rerr := s.store.Owned(ctx, e.Start, e.End)
		if rerr == nil && slices.ContainsFunc(evs, func(o calendar.Event) bool { return o.UID == e.UID }) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("approving %s: %w", ShortID(p.UID), err)
	}
	return held.Remove(p.UID)
}

// reject tombstones p's span, then drops it (from the file, or deletes it from the calendar).
func (s *Syncer) reject(ctx context.Context, held *review.File, p Proposal) error {
	ledger, err := corrections.Load(s.correctionsPath)
	if err != nil {
		return &ConfigError{Err: err}
	}
	delete(ledger.Known, p.UID)
	ledger.Tomb(corrections.Tombstone{UID: p.UID, ProfileID: p.ProfileID, Start: p.Start, End: p.End, Reason: corrections.ReasonRejected})
	if err := corrections.Save(s.correctionsPath, ledger); err != nil {
		return err
	}
	if p.Held {
		return held.Remove(p.UID)
	}
	if err := s.store.Apply(ctx, []calendar.Change{{Op: calendar.Delete, Event: p.Event}}); err != nil {
		return fmt.Errorf("rejecting %s: %w", ShortID(p.UID), err)
	}
	return nil
}
