package calibration

import "math/rand/v2"

// NewCycle returns a random single cycle over entries slots (Sattolo's
// algorithm, fixed seed): following next[i] from any slot visits every slot
// once before returning. Random order defeats the hardware prefetchers, so
// each step of Chase is a dependent load from a random line.
func NewCycle(entries int, seed uint64) []uint32 {
	next := make([]uint32, entries)
	for i := range next {
		next[i] = uint32(i)
	}
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for i := entries - 1; i > 0; i-- {
		j := r.IntN(i)
		next[i], next[j] = next[j], next[i]
	}
	return next
}

// Chase follows the cycle for n steps from start and returns where it ends.
func Chase(next []uint32, start uint32, n int) uint32 {
	x := start
	for i := 0; i < n; i++ {
		x = next[x]
	}
	return x
}
