package engine

import "github.com/awcal/awcal/internal/profile"

// Phase 1 states (§4).
const (
	idle uint8 = iota
	warmup
	active
)

// minOpening is how much uninterrupted primary evidence a session must open with (§4, "A
// session opens on a second of evidence"): a shorter run followed by anything else is not a
// session. Sub-second slivers appear where the Python aw-server's millisecond timestamps let
// neighbouring events overlap by a few µs; one must not start a session that an AFK period
// then keeps alive, since the same activity read from an export has no sliver there.
const minOpening = int64(1_000_000) // µs

// fsm is one profile's state machine (§4). Times and durations are µs.
type fsm struct {
	profile   int32
	threshold int64
	softBreak int64

	state           uint8
	sessionStart    int64
	sessionEnd      int64 // end of the last slice taken, mismatches included
	lastEvidenceEnd int64 // end of the last primary or supporting slice
	target          int64 // primary time, for activation
	fitness         int64 // primary time, for allocation
	buffer          int64 // mismatch + gap time since the last evidence
	// opening: the session has seen only primary slices, without a gap, and fewer than
	// minOpening µs of them. Anything else now abandons it.
	opening bool
	// The session's slices are consecutive in the timeline: [firstSlice, lastEvidenceSlice]
	// is what a commit keeps (trailing mismatches are cut off).
	firstSlice        int32
	lastEvidenceSlice int32
}

// candidate is a committed session: [start, end) with its fitness and the slices it keeps.
type candidate struct {
	profile        int32
	start, end     int64
	fitness        int64
	sliceLo, slice int32 // slices [sliceLo, slice) of the timeline
}

func (f *fsm) reset() {
	f.state = idle
	f.sessionStart, f.sessionEnd, f.lastEvidenceEnd = 0, 0, 0
	f.target, f.fitness, f.buffer = 0, 0, 0
	f.opening = false
	f.firstSlice, f.lastEvidenceSlice = 0, -1
}

// seed sets the machine from a warm-start seed, before the first slice (§4 Seeds).
func (f *fsm) seed(s Seed) {
	f.reset()
	f.state = warmup
	if s.Active {
		f.state = active
	}
	f.sessionStart = s.SessionStart.UnixMicro()
	f.sessionEnd = s.LastEvidenceEnd.UnixMicro()
	f.lastEvidenceEnd = f.sessionEnd
	f.target = max(s.Target.Microseconds(), f.threshold)
	f.fitness = max(0, s.Fitness.Microseconds())
}

// commit emits the session as a candidate if it has evidence after its start.
func (f *fsm) commit(out []candidate) []candidate {
	if f.lastEvidenceEnd > f.sessionStart {
		out = append(out, candidate{
			profile: f.profile, start: f.sessionStart, end: f.lastEvidenceEnd, fitness: f.fitness,
			sliceLo: f.firstSlice, slice: f.lastEvidenceSlice + 1,
		})
	}
	return out
}

// step runs gap handling and then the transition table for slice idx = [start, end) with the
// token the profile's rules give it.
func (f *fsm) step(tok profile.Token, start, end int64, idx int32, out []candidate) []candidate {
	if f.opening && (start > f.sessionEnd || tok != profile.Primary) {
		f.reset() // a sliver of evidence, interrupted: no session (minOpening)
	}
	if f.state != idle && start > f.sessionEnd {
		f.buffer += start - f.sessionEnd
		if f.buffer > f.softBreak {
			if f.state == active {
				out = f.commit(out)
			}
			f.reset()
		}
	}
	d := end - start
	switch f.state {
	case idle:
		if tok == profile.Primary {
			f.state = warmup
			f.sessionStart, f.sessionEnd, f.lastEvidenceEnd = start, end, end
			f.target, f.fitness, f.buffer = d, d, 0
			f.firstSlice, f.lastEvidenceSlice = idx, idx
			f.opening = d < minOpening
			if !f.opening && f.target >= f.threshold {
				f.state = active
			}
		}
		// Supporting evidence cannot start a session.
	case warmup, active:
		switch tok {
		case profile.HardBreak:
			if f.state == active {
				out = f.commit(out)
			}
			f.reset()
		case profile.Mismatch:
			f.buffer += d
			f.sessionEnd = end
			if f.buffer > f.softBreak {
				if f.state == active {
					out = f.commit(out)
				}
				f.reset()
			}
		case profile.Supporting:
			f.buffer = 0
			f.sessionEnd, f.lastEvidenceEnd, f.lastEvidenceSlice = end, end, idx
		case profile.Primary:
			if f.state == warmup {
				f.target += d
			}
			f.fitness += d
			f.buffer = 0
			f.sessionEnd, f.lastEvidenceEnd, f.lastEvidenceSlice = end, end, idx
			f.opening = f.opening && f.fitness < minOpening
			if !f.opening && f.target >= f.threshold {
				f.state = active
			}
		}
	}
	return out
}

// finish ends the timeline: only an active session is committed; a warmup is dropped.
func (f *fsm) finish(out []candidate) []candidate {
	if f.state == active {
		out = f.commit(out)
	}
	f.reset()
	return out
}

// brokenAt reports whether, at instant q with no slice after the last one taken, the machine is
// idle or certain to break at its next slice (§4 Quiescent points).
func (f *fsm) brokenAt(q int64) bool {
	return f.state == idle || (f.opening && q > f.sessionEnd) || (q-f.sessionEnd)+f.buffer > f.softBreak
}
