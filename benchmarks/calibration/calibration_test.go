package calibration

import "testing"

var sink uint64

func BenchmarkSpin(b *testing.B) {
	n := WorkRounds()
	x := uint64(42)
	for i := 0; i < b.N; i++ {
		x = Spin(x, n)
	}
	sink = x
}

func TestWorkRoundsFollowsFactor(t *testing.T) {
	old := Factor
	defer func() { Factor = old }()
	Factor = "1.05"
	if got := WorkRounds(); got != 1050 {
		t.Fatalf("WorkRounds with Factor 1.05 = %d, want 1050", got)
	}
}
