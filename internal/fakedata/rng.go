package fakedata

import "math/rand/v2"

// rng draws every random decision with integer arithmetic only. Floating point would let the
// compiler fuse multiply-adds differently per architecture (arm64 does, amd64 does not), and the
// output must be byte-identical for the same Options everywhere. PCG's output is specified by
// math/rand/v2, so the stream itself is stable across Go releases.
type rng struct{ src *rand.PCG }

// newRNG returns the stream of one generated day. It depends only on the seed, the civil date
// and the intensity, so a day looks the same whatever range it is generated in.
func newRNG(seed int64, dayNumber int64, in Intensity) *rng {
	stream := uint64(dayNumber)<<2 | intensityCode(in)
	return &rng{src: rand.NewPCG(uint64(seed), stream^0x9e3779b97f4a7c15)}
}

func intensityCode(in Intensity) uint64 {
	if in == Heavy {
		return 1
	}
	return 0
}

// intn returns a value in [0, n); n ≤ 0 gives 0. The modulo bias (n/2⁶⁴) is negligible here.
func (r *rng) intn(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return int64(r.src.Uint64() % uint64(n))
}

// between returns a value in [lo, hi].
func (r *rng) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// chance reports true with probability perMille/1000.
func (r *rng) chance(perMille int64) bool { return r.intn(1000) < perMille }

// weighted returns an index into weights, each chosen with probability weight/sum. A zero
// weight is never chosen.
func (r *rng) weighted(weights []int64) int {
	var sum int64
	for _, w := range weights {
		sum += w
	}
	x := r.intn(sum)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// pick returns a random index into a list of n items.
func (r *rng) pick(n int) int { return int(r.intn(int64(n))) }
