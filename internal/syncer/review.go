package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
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

// countWindow is how far back PendingCount looks for tentative events in the calendar.
const countWindow = 90 * 24 * time.Hour

// PendingCount counts the proposals waiting for review cheaply enough to run after every sync
// (the tray's "Review N pending…"): the held ones, and in review mode "tentative" the tentative
// events of the last 90 days. The calendar is not read at all in the other modes.
func (s *Syncer) PendingCount(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	held, err := review.Load(s.proposalsPath)
	if err != nil {
		return 0, &ConfigError{Err: err}
	}
	n := len(held.Pending(time.Time{}, time.Time{}))
	if s.config().Sync.Review != config.ReviewTentative {
		return n, nil
	}
	now := s.now()
	evs, err := s.store.Owned(ctx, now.Add(-countWindow), now.Add(time.Hour))
	if err != nil {
		return 0, fmt.Errorf("reading the calendar: %w", err)
	}
	for _, e := range evs {
		if e.Status == calendar.StatusTentative && !e.Locked {
			n++
		}
	}
	return n, nil
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

// ReviewResult is what a review action did: the proposals it took (as they were), and how to
// undo it.
type ReviewResult struct {
	Done []Proposal
	Undo Undo
}

// Undo reverts one review action (Syncer.Undo).
type Undo struct {
	// Before are the proposals the action took, as they were.
	Before []Proposal
	// Written are the UIDs of the events the action wrote to the calendar.
	Written []string
}

// Approve books the named proposals (ids as ShortID shows them, or UIDs) as the person accepted
// them: a held one is written to the calendar, a tentative one confirmed. Either way it keeps its
// UID, becomes CONFIRMED and is locked: awcal never changes it again.
func (s *Syncer) Approve(ctx context.Context, ids []string) (ReviewResult, error) {
	return s.review(ctx, ids, time.Time{}, s.approveOne(ctx))
}

// ApproveAll approves every pending proposal that ends by until (all of them when until is zero).
func (s *Syncer) ApproveAll(ctx context.Context, until time.Time) (ReviewResult, error) {
	return s.review(ctx, nil, until, s.approveOne(ctx))
}

func (s *Syncer) approveOne(ctx context.Context) func(*review.File, Proposal, *Undo) error {
	return func(held *review.File, p Proposal, u *Undo) error {
		u.Written = append(u.Written, p.UID)
		return s.approve(ctx, held, p)
	}
}

// Reject drops the named proposals and leaves a tombstone for each: nothing is proposed or
// written in their spans again until the person forgets the corrections there.
func (s *Syncer) Reject(ctx context.Context, ids []string) (ReviewResult, error) {
	return s.review(ctx, ids, time.Time{}, func(held *review.File, p Proposal, _ *Undo) error {
		return s.reject(ctx, held, p, true)
	})
}

// ProposalEdit is what the person changes in a proposal before approving it; zero fields stay.
type ProposalEdit struct {
	Title      string
	ProfileID  string
	Start, End time.Time
}

// Edit changes a proposal and approves it: a correction made in the review is the person's, and
// locked like one made in a calendar app. Done holds the proposal as approved.
func (s *Syncer) Edit(ctx context.Context, id string, edit ProposalEdit) (ReviewResult, error) {
	var out Proposal
	res, err := s.review(ctx, []string{id}, time.Time{}, func(held *review.File, p Proposal, u *Undo) error {
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
		u.Written = append(u.Written, p.UID)
		return s.approve(ctx, held, p)
	})
	if err == nil {
		res.Done = []Proposal{out}
	}
	return res, err
}

// Split cuts a proposal at at into two, and approves both: the first part keeps the UID.
func (s *Syncer) Split(ctx context.Context, id string, at time.Time) (ReviewResult, error) {
	at = roundSecond(at)
	var parts []Proposal
	res, err := s.review(ctx, []string{id}, time.Time{}, func(held *review.File, p Proposal, u *Undo) error {
		if !at.After(p.Start) || !at.Before(p.End) {
			return &ConfigError{Err: fmt.Errorf("split at %s: pick a time between the proposal's start (%s) and end (%s)",
				at.Local().Format("15:04:05"), p.Start.Local().Format("15:04:05"), p.End.Local().Format("15:04:05"))}
		}
		first, second := p, p
		first.End, second.Start = at, at
		second.UID, second.Held, second.Version = s.newUID(), true, ""
		u.Written = append(u.Written, first.UID)
		if err := s.approve(ctx, held, first); err != nil {
			return err
		}
		u.Written = append(u.Written, second.UID)
		parts = []Proposal{first, second}
		// The second part is new to the calendar: approve writes it as a held proposal would be.
		return s.approve(ctx, nil, second)
	})
	if err == nil {
		res.Done = parts
	}
	return res, err
}

// Merge joins two proposals into the first, spanning both, and approves it; the second is
// dropped (its span is the first's now, so it leaves no tombstone).
func (s *Syncer) Merge(ctx context.Context, first, second string) (ReviewResult, error) {
	var a, b *Proposal
	res, err := s.review(ctx, []string{first, second}, time.Time{}, func(held *review.File, p Proposal, u *Undo) error {
		if a == nil {
			a = &p
			return nil
		}
		b = &p
		if a.UID == b.UID {
			return &ConfigError{Err: errors.New("merge needs two different proposals")}
		}
		m := *a
		m.Start, m.End = minTime(a.Start, b.Start), maxTime(a.End, b.End)
		if err := s.reject(ctx, held, *b, false); err != nil {
			return err
		}
		u.Written = append(u.Written, m.UID)
		res := s.approve(ctx, held, m)
		if res == nil {
			a = &m
		}
		return res
	})
	if err == nil && a != nil {
		res.Done = []Proposal{*a}
	}
	return res, err
}

// review runs do on the proposals ids name (or, with no ids, on every one ending by until),
// under the run lock. What do did so far is in the result even when it fails.
func (s *Syncer) review(ctx context.Context, ids []string, until time.Time, do func(*review.File, Proposal, *Undo) error) (ReviewResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res ReviewResult
	held, pending, err := s.pending(ctx, time.Time{}, time.Time{})
	if err != nil {
		return res, err
	}
	chosen := pending
	if ids != nil {
		if chosen, err = resolve(pending, ids); err != nil {
			return res, err
		}
	} else if !until.IsZero() {
		chosen = slices.DeleteFunc(chosen, func(p Proposal) bool { return p.End.After(until) })
	}
	for _, p := range chosen {
		res.Undo.Before = append(res.Undo.Before, p)
		if err := do(held, p, &res.Undo); err != nil {
			return res, err
		}
		res.Done = append(res.Done, p)
	}
	return res, nil
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
	if held == nil {
		return nil
	}
	return held.Remove(p.UID)
}

// reject drops p (from the file, or deletes it from the calendar), after leaving a tombstone of
// its span when tomb is set.
func (s *Syncer) reject(ctx context.Context, held *review.File, p Proposal, tomb bool) error {
	ledger, err := corrections.Load(s.correctionsPath)
	if err != nil {
		return &ConfigError{Err: err}
	}
	if err := ledger.Unknow(p.UID, p.Start, p.End); err != nil {
		return &ConfigError{Err: err}
	}
	if tomb {
		ledger.Tomb(corrections.Tombstone{UID: p.UID, ProfileID: p.ProfileID, Start: p.Start, End: p.End, Reason: corrections.ReasonRejected})
	}
	if err := ledger.Save(); err != nil {
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

// Undo reverts a review action: the events it wrote to the calendar go (a tentative proposal
// it confirmed goes back to tentative), the proposals it took come back as they were, and the
// tombstones of the ones it rejected are forgotten.
func (s *Syncer) Undo(ctx context.Context, u Undo) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(u.Before) == 0 {
		return nil
	}
	from, to := u.Before[0].Start, u.Before[0].End
	before := map[string]Proposal{}
	for _, p := range u.Before {
		from, to = minTime(from, p.Start), maxTime(to, p.End)
		before[p.UID] = p
	}
	ledger, err := corrections.Load(s.correctionsPath)
	if err != nil {
		return &ConfigError{Err: err}
	}
	ledger.Untomb(func(t corrections.Tombstone) bool {
		_, ok := before[t.UID]
		return ok && t.Reason == corrections.ReasonRejected
	})
	for _, uid := range u.Written {
		if err := ledger.Unknow(uid, from, to); err != nil { // awcal's own delete, never the person's
			return &ConfigError{Err: err}
		}
	}
	if err := ledger.Save(); err != nil {
		return err
	}
	evs, err := s.store.Owned(ctx, from, to)
	if err != nil {
		return fmt.Errorf("undoing: reading the calendar: %w", err)
	}
	inCalendar := map[string]calendar.Event{}
	for _, e := range evs {
		inCalendar[e.UID] = e
	}
	var changes []calendar.Change
	for _, uid := range u.Written {
		cur, ok := inCalendar[uid]
		if !ok {
			continue
		}
		if p, was := before[uid]; was && !p.Held {
			e := p.Event
			e.Version = cur.Version
			changes = append(changes, calendar.Change{Op: calendar.Update, Event: e})
			continue
		}
		changes = append(changes, calendar.Change{Op: calendar.Delete, Event: cur})
	}
	var proposals []calendar.Change
	for _, p := range u.Before {
		_, present := inCalendar[p.UID]
		switch {
		case p.Held:
			e := p.Event
			e.Version = ""
			proposals = append(proposals, calendar.Change{Op: calendar.Create, Event: e})
		case !present:
			e := p.Event
			e.Version = ""
			changes = append(changes, calendar.Change{Op: calendar.Create, Event: e})
		}
	}
	if len(changes) > 0 {
		if err := s.store.Apply(ctx, changes); err != nil {
			return fmt.Errorf("undoing: %w", err)
		}
	}
	if len(proposals) > 0 {
		held, err := review.Load(s.proposalsPath)
		if err != nil {
			return &ConfigError{Err: err}
		}
		if err := held.Apply(ctx, proposals); err != nil {
			return fmt.Errorf("undoing: %w", err)
		}
	}
	return nil
}
