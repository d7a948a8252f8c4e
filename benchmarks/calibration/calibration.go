// Package calibration is a benchmark whose cost is a known amount of CPU
// work, so that comparisons can be checked against a known answer.
package calibration

import "strconv"

// Factor scales the work per operation. It is a string so that it can be set
// at build time: go test -c -ldflags=-X=metalbench/benchmarks/calibration.Factor=1.05
var Factor = "1"

// Rounds is the number of mixing rounds one operation performs at Factor 1.
const Rounds = 1000

// WorkRounds returns the rounds one operation performs under Factor.
func WorkRounds() int {
	f, err := strconv.ParseFloat(Factor, 64)
	if err != nil || f <= 0 {
		panic("calibration: Factor must be a positive number, got " + strconv.Quote(Factor))
	}
	return int(float64(Rounds)*f + 0.5)
}

// Spin performs n rounds of a dependent integer mix (xorshift-multiply);
// each round depends on the previous one, so the CPU cannot overlap them.
func Spin(seed uint64, n int) uint64 {
	x := seed | 1
	for i := 0; i < n; i++ {
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		x *= 0x2545F4914F6CDD1D
	}
	return x
}
