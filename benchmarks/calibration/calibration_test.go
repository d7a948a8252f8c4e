package calibration

import (
	"fmt"
	"sync"
	"testing"
)

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

// Working sets for BenchmarkChase: 32 KiB fits in L1/L2; 256 MiB is larger
// than the last-level cache of current server parts except the stacked-cache
// ones, so most steps miss to DRAM (and to the remote node when the memory
// is not local).
var chaseSets = []struct {
	name  string
	bytes int
}{{"32KiB", 32 << 10}, {"256MiB", 256 << 20}}

var (
	cyclesOnce sync.Once
	cycles     [][]uint32
)

// BenchmarkChase is the memory-bound twin of BenchmarkSpin: WorkRounds
// dependent loads through a random cycle, so Factor scales it the same way.
func BenchmarkChase(b *testing.B) {
	cyclesOnce.Do(func() {
		for _, ws := range chaseSets {
			cycles = append(cycles, NewCycle(ws.bytes/4, 7))
		}
	})
	n := WorkRounds()
	for i, ws := range chaseSets {
		b.Run(fmt.Sprintf("ws=%s", ws.name), func(b *testing.B) {
			next := cycles[i]
			x := Chase(next, 0, len(next)%(1<<20)) // warm the TLB and caches a little
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				x = Chase(next, x, n)
			}
			sink = uint64(x)
		})
	}
}

func TestCycleVisitsEverySlotOnce(t *testing.T) {
	next := NewCycle(1000, 3)
	seen := make([]bool, len(next))
	x := uint32(0)
	for i := 0; i < len(next); i++ {
		if seen[x] {
			t.Fatalf("slot %d visited twice after %d steps", x, i)
		}
		seen[x] = true
		x = next[x]
	}
	if x != 0 {
		t.Fatalf("cycle does not return to its start after %d steps", len(next))
	}
}
