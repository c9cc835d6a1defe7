package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/awcal/awcal/internal/profile"
)

const M = int64(60_000_000) // one minute in µs

// TestFSMTransitions covers every row of the transition table of ENGINE.md §4, gap handling,
// the end of the timeline and the invariants (equality does not break; hard-break and overflow
// slices are consumed).
func TestFSMTransitions(t *testing.T) {
	idleM := fsm{threshold: 5 * M, softBreak: 3 * M, lastEvidenceSlice: -1}
	warm := fsm{threshold: 5 * M, softBreak: 3 * M, state: warmup, sessionStart: 0, sessionEnd: 2 * M,
		lastEvidenceEnd: 2 * M, target: 2 * M, fitness: 2 * M, firstSlice: 0, lastEvidenceSlice: 0}
	act := fsm{threshold: 5 * M, softBreak: 3 * M, state: active, sessionStart: 0, sessionEnd: 6 * M,
		lastEvidenceEnd: 6 * M, target: 6 * M, fitness: 6 * M, firstSlice: 0, lastEvidenceSlice: 1}
	with := func(f fsm, change func(*fsm)) fsm {
		change(&f)
		return f
	}
	commit06 := []candidate{{start: 0, end: 6 * M, fitness: 6 * M, sliceLo: 0, slice: 2}}

	tests := []struct {
		name       string
		before     fsm
		tok        profile.Token
		start, end int64 // the slice, in µs
		want       fsm
		wantCands  []candidate
	}{
		{"idle primary below threshold starts a warmup", idleM, profile.Primary, 10 * M, 12 * M,
			with(idleM, func(f *fsm) {
				*f = fsm{threshold: 5 * M, softBreak: 3 * M, state: warmup, sessionStart: 10 * M, sessionEnd: 12 * M,
					lastEvidenceEnd: 12 * M, target: 2 * M, fitness: 2 * M, firstSlice: 7, lastEvidenceSlice: 7}
			}), nil},
		{"idle primary reaching the threshold activates at once", idleM, profile.Primary, 10 * M, 15 * M,
			fsm{threshold: 5 * M, softBreak: 3 * M, state: active, sessionStart: 10 * M, sessionEnd: 15 * M,
				lastEvidenceEnd: 15 * M, target: 5 * M, fitness: 5 * M, firstSlice: 7, lastEvidenceSlice: 7}, nil},
		{"idle primary with threshold 0 activates instantly", with(idleM, func(f *fsm) { f.threshold = 0 }), profile.Primary, 0, minOpening,
			fsm{softBreak: 3 * M, state: active, sessionEnd: minOpening, lastEvidenceEnd: minOpening, target: minOpening, fitness: minOpening,
				firstSlice: 7, lastEvidenceSlice: 7}, nil},
		{"idle primary sliver opens a session, not yet active even with threshold 0", with(idleM, func(f *fsm) { f.threshold = 0 }), profile.Primary, 0, 400,
			fsm{softBreak: 3 * M, state: warmup, sessionEnd: 400, lastEvidenceEnd: 400, target: 400, fitness: 400,
				opening: true, firstSlice: 7, lastEvidenceSlice: 7}, nil},
		{"idle supporting cannot start a session", idleM, profile.Supporting, 0, M, idleM, nil},
		{"idle mismatch stays idle", idleM, profile.Mismatch, 0, M, idleM, nil},
		{"idle hard break stays idle", idleM, profile.HardBreak, 0, M, idleM, nil},

		{"warmup hard break resets without commit", warm, profile.HardBreak, 2 * M, 3 * M, idleM, nil},
		{"warmup mismatch within the soft break", warm, profile.Mismatch, 2 * M, 5 * M,
			with(warm, func(f *fsm) { f.buffer, f.sessionEnd = 3*M, 5*M }), nil},
		{"warmup mismatch over the soft break resets without commit", warm, profile.Mismatch, 2 * M, 5*M + 1, idleM, nil},
		{"warmup supporting keeps target and fitness", with(warm, func(f *fsm) { f.buffer = M }), profile.Supporting, 2 * M, 4 * M,
			with(warm, func(f *fsm) { f.sessionEnd, f.lastEvidenceEnd, f.lastEvidenceSlice = 4*M, 4*M, 7 }), nil},
		{"warmup primary below the threshold", with(warm, func(f *fsm) { f.buffer = M }), profile.Primary, 2 * M, 4 * M,
			with(warm, func(f *fsm) {
				f.target, f.fitness, f.sessionEnd, f.lastEvidenceEnd, f.lastEvidenceSlice = 4*M, 4*M, 4*M, 4*M, 7
			}), nil},
		{"warmup primary reaching the threshold activates", warm, profile.Primary, 2 * M, 5 * M,
			with(warm, func(f *fsm) {
				f.state, f.target, f.fitness, f.sessionEnd, f.lastEvidenceEnd, f.lastEvidenceSlice = active, 5*M, 5*M, 5*M, 5*M, 7
			}), nil},

		{"active hard break commits and resets", act, profile.HardBreak, 6 * M, 7 * M, idleM, commit06},
		{"active mismatch equal to the soft break does not break", act, profile.Mismatch, 6 * M, 9 * M,
			with(act, func(f *fsm) { f.buffer, f.sessionEnd = 3*M, 9*M }), nil},
		{"active mismatch over the soft break commits without trailing mismatch", with(act, func(f *fsm) { f.buffer, f.sessionEnd = 2*M, 8*M }),
			profile.Mismatch, 8 * M, 9*M + 1, idleM, commit06},
		{"active supporting extends the evidence, not the fitness", with(act, func(f *fsm) { f.buffer, f.sessionEnd = 2*M, 8*M }),
			profile.Supporting, 8 * M, 20 * M,
			with(act, func(f *fsm) { f.sessionEnd, f.lastEvidenceEnd, f.lastEvidenceSlice = 20*M, 20*M, 7 }), nil},
		{"active primary adds fitness", act, profile.Primary, 6 * M, 8 * M,
			with(act, func(f *fsm) { f.fitness, f.sessionEnd, f.lastEvidenceEnd, f.lastEvidenceSlice = 8*M, 8*M, 8*M, 7 }), nil},

		{"a gap equal to the soft break does not break", act, profile.Primary, 9 * M, 10 * M,
			with(act, func(f *fsm) { f.fitness, f.sessionEnd, f.lastEvidenceEnd, f.lastEvidenceSlice = 7*M, 10*M, 10*M, 7 }), nil},
		{"gap and mismatch add up", with(act, func(f *fsm) { f.buffer, f.sessionEnd = 2*M, 8*M }), profile.Mismatch, 9*M + 1, 10 * M,
			idleM, commit06},
		{"after a gap break a primary slice starts a new session at once", act, profile.Primary, 20 * M, 22 * M,
			fsm{threshold: 5 * M, softBreak: 3 * M, state: warmup, sessionStart: 20 * M, sessionEnd: 22 * M,
				lastEvidenceEnd: 22 * M, target: 2 * M, fitness: 2 * M, firstSlice: 7, lastEvidenceSlice: 7}, commit06},
		{"a gap break in warmup commits nothing", warm, profile.Mismatch, 20 * M, 21 * M, idleM, nil},
		{"gap time is not consumed by an idle profile", idleM, profile.Mismatch, 50 * M, 51 * M, idleM, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.before
			cands := f.step(tt.tok, tt.start, tt.end, 7, nil)
			assert.Equal(t, tt.want, f)
			assert.Equal(t, tt.wantCands, cands)
		})
	}
}

// TestFSMOpening: a session must open on a second of uninterrupted primary evidence
// (ENGINE.md §4); a sub-second sliver followed by anything else, or by a gap, is no session.
func TestFSMOpening(t *testing.T) {
	sliver := fsm{threshold: 5 * M, softBreak: 3 * M, state: warmup, sessionEnd: 400, lastEvidenceEnd: 400,
		target: 400, fitness: 400, opening: true, firstSlice: 0, lastEvidenceSlice: 0}
	idle := fsm{threshold: 5 * M, softBreak: 3 * M, lastEvidenceSlice: -1}
	tests := []struct {
		name       string
		tok        profile.Token
		start, end int64
		want       fsm
	}{
		{"supporting evidence after a sliver: abandoned", profile.Supporting, 400, 10 * M, idle},
		{"a mismatch after a sliver: abandoned", profile.Mismatch, 400, 500, idle},
		{"a hard break after a sliver: abandoned", profile.HardBreak, 400, 500, idle},
		{"a gap, then primary: a new session opens at the new slice", profile.Primary, 1000, 2 * M,
			fsm{threshold: 5 * M, softBreak: 3 * M, state: warmup, sessionStart: 1000, sessionEnd: 2 * M, lastEvidenceEnd: 2 * M,
				target: 2*M - 1000, fitness: 2*M - 1000, firstSlice: 3, lastEvidenceSlice: 3}},
		{"more primary evidence: the session has opened", profile.Primary, 400, minOpening,
			fsm{threshold: 5 * M, softBreak: 3 * M, state: warmup, sessionEnd: minOpening, lastEvidenceEnd: minOpening,
				target: minOpening, fitness: minOpening, firstSlice: 0, lastEvidenceSlice: 3}},
		{"more primary, still under a second: still opening", profile.Primary, 400, 900,
			fsm{threshold: 5 * M, softBreak: 3 * M, state: warmup, sessionEnd: 900, lastEvidenceEnd: 900,
				target: 900, fitness: 900, opening: true, firstSlice: 0, lastEvidenceSlice: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := sliver
			assert.Nil(t, f.step(tt.tok, tt.start, tt.end, 3, nil), "a sliver never commits")
			assert.Equal(t, tt.want, f)
		})
	}
	assert.True(t, sliver.brokenAt(401), "an opening session breaks at any gap")
	assert.False(t, sliver.brokenAt(400), "…but may go on without one")
}

func TestFSMFinishAndSeed(t *testing.T) {
	f := fsm{threshold: 5 * M, softBreak: 3 * M, state: warmup, sessionEnd: 4 * M, lastEvidenceEnd: 4 * M, target: 4 * M}
	assert.Nil(t, f.finish(nil), "a warmup at the end of the timeline is dropped")
	f = fsm{threshold: 5 * M, softBreak: 3 * M, state: active, sessionEnd: 9 * M, lastEvidenceEnd: 6 * M, fitness: 6 * M, lastEvidenceSlice: 1}
	assert.Equal(t, []candidate{{end: 6 * M, fitness: 6 * M, slice: 2}}, f.finish(nil), "an active session is committed")
	f = fsm{state: active, sessionStart: 5 * M, sessionEnd: 5 * M, lastEvidenceEnd: 5 * M}
	assert.Nil(t, f.commit(nil), "no commit without evidence after the start")

	var s fsm
	s.threshold = 5 * M
	s.seed(Seed{Active: false, SessionStart: base, LastEvidenceEnd: at(20), Target: 1, Fitness: -5})
	assert.Equal(t, warmup, s.state)
	assert.Equal(t, base.UnixMicro(), s.sessionStart)
	assert.Equal(t, at(20).UnixMicro(), s.sessionEnd)
	assert.Equal(t, at(20).UnixMicro(), s.lastEvidenceEnd)
	assert.Equal(t, 5*M, s.target, "target is at least the threshold")
	assert.Equal(t, int64(0), s.fitness, "fitness is at least 0")
	assert.Equal(t, int32(-1), s.lastEvidenceSlice)
}

func TestQuiescentCondition(t *testing.T) {
	f := fsm{softBreak: 3 * M, state: active, sessionEnd: 10 * M, buffer: M}
	assert.False(t, f.brokenAt(12*M), "2 + 1 minutes equal the soft break")
	assert.True(t, f.brokenAt(12*M+1))
	assert.True(t, (&fsm{}).brokenAt(0), "idle")
}
