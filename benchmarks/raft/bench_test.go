package raftbench

import (
	"fmt"
	"testing"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// window is how many proposals are in flight in the throughput mode;
// mode=latency proposes one and waits for it to commit everywhere.
const window = 64

func modes() []string { return []string{"latency", "throughput"} }

func each(b *testing.B, f func(b *testing.B, size, payload int, mode string)) {
	for _, size := range []int{3, 5} {
		for _, p := range []int{64, 1024} {
			for _, mode := range modes() {
				b.Run(fmt.Sprintf("nodes=%d/payload=%d/mode=%s", size, p, mode), func(b *testing.B) {
					f(b, size, p, mode)
				})
			}
		}
	}
}

// BenchmarkLoop commits proposals through a single-goroutine cluster.
func BenchmarkLoop(b *testing.B) {
	each(b, func(b *testing.B, size, p int, mode string) {
		l, err := NewLoop(size, false)
		if err != nil {
			b.Fatal(err)
		}
		data := make([]byte, p)
		step := 1
		if mode == "throughput" {
			step = window
		}
		msgs0, applied0 := l.Messages, l.TotalApplied()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i += step {
			for j := i; j < min(i+step, b.N); j++ {
				if err := l.Propose(data); err != nil {
					b.Fatal(err)
				}
			}
			if err := l.Settle(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if got := l.MinApplied(); got != b.N {
			b.Fatalf("applied %d of %d proposals", got, b.N)
		}
		b.ReportMetric(float64(l.Messages-msgs0)/float64(b.N), "msgs/op")
		b.ReportMetric(float64(l.TotalApplied()-applied0)/float64(b.N), "node-commits/op")
	})
}

// BenchmarkGoroutines commits proposals through a goroutine-per-node cluster.
func BenchmarkGoroutines(b *testing.B) {
	each(b, func(b *testing.B, size, p int, mode string) {
		c, err := NewCluster(size, false)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Stop()
		data := make([]byte, p)
		step := 1
		if mode == "throughput" {
			step = window
		}
		msgs0, applied0 := c.Messages(), c.TotalApplied()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i += step {
			end := min(i+step, b.N)
			for j := i; j < end; j++ {
				c.Propose(data)
			}
			if err := c.Wait(end); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(c.Messages()-msgs0)/float64(b.N), "msgs/op")
		b.ReportMetric(float64(c.TotalApplied()-applied0)/float64(b.N), "node-commits/op")
	})
}

func entries(first uint64, n, p int) []*pb.Entry {
	es := make([]*pb.Entry, n)
	for i := range es {
		es[i] = &pb.Entry{Index: proto.Uint64(first + uint64(i)), Term: proto.Uint64(1), Data: make([]byte, p)}
	}
	return es
}

// BenchmarkLogAppend appends batches of 16 entries to a MemoryStorage;
// one op is one entry. The storage is replaced every 64 Ki entries.
func BenchmarkLogAppend(b *testing.B) {
	const batch, perStorage = 16, 1 << 16
	for _, p := range []int{64, 1024} {
		b.Run(fmt.Sprintf("payload=%d", p), func(b *testing.B) {
			batches := make([][]*pb.Entry, perStorage/batch)
			for i := range batches {
				batches[i] = entries(uint64(1+i*batch), batch, p)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; {
				b.StopTimer()
				st := raft.NewMemoryStorage()
				b.StartTimer()
				for _, es := range batches {
					if done >= b.N {
						break
					}
					if err := st.Append(es); err != nil {
						b.Fatal(err)
					}
					done += batch
				}
			}
		})
	}
}

// BenchmarkCompact compacts away the oldest 1 Ki entries of a 4 Ki entry
// log (which copies the retained tail); one op is one compaction. Logs are
// built 256 at a time outside the timer.
func BenchmarkCompact(b *testing.B) {
	const logLen, drop, batch = 4096, 1024, 256
	for _, p := range []int{64, 1024} {
		b.Run(fmt.Sprintf("payload=%d", p), func(b *testing.B) {
			es := entries(1, logLen, p)
			logs := make([]*raft.MemoryStorage, batch)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%batch == 0 {
					b.StopTimer()
					for j := range logs {
						logs[j] = raft.NewMemoryStorage()
						if err := logs[j].Append(es); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
				}
				if err := logs[i%batch].Compact(drop); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
