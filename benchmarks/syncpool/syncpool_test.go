package syncpool

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

var sink atomic.Int64

type buf struct{ b []byte }

func newPool(size int, news *atomic.Int64) *sync.Pool {
	return &sync.Pool{New: func() any {
		news.Add(1)
		return &buf{b: make([]byte, size)}
	}}
}

// BenchmarkFastPath is Get then Put on one goroutine: the P's private slot.
func BenchmarkFastPath(b *testing.B) {
	var news atomic.Int64
	p := newPool(64, &news)
	p.Put(p.Get())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := p.Get().(*buf)
		x.b[0]++
		p.Put(x)
	}
	b.ReportMetric(float64(news.Load())/float64(b.N), "new/op")
}

// BenchmarkOverflow gets a batch of objects and puts them all back, so all
// but one pass through the P's shared chain (pushHead/popHead).
func BenchmarkOverflow(b *testing.B) {
	for _, batch := range []int{2, 8, 64} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			var news atomic.Int64
			p := newPool(64, &news)
			held := make([]*buf, batch)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += batch {
				for j := range held {
					held[j] = p.Get().(*buf)
				}
				for _, x := range held {
					p.Put(x)
				}
			}
			b.ReportMetric(float64(news.Load())/float64(b.N), "new/op")
		})
	}
}

// BenchmarkSteal runs half the goroutines as putters and half as getters.
// A getter's own P has nothing, so Get steals from other Ps' shared chains
// (popTail) or, when every P is dry, calls New: new/op shows starvation.
// Needs GOMAXPROCS >= 2 to steal across Ps.
func BenchmarkSteal(b *testing.B) {
	var news atomic.Int64
	p := newPool(64, &news)
	var id atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		putter := id.Add(1)%2 == 0
		ring := make([]*buf, 256)
		for i := range ring {
			ring[i] = &buf{b: make([]byte, 64)}
		}
		n := 0
		for pb.Next() {
			if putter {
				p.Put(ring[n&255])
			} else {
				n += len(p.Get().(*buf).b)
			}
			n++
		}
		sink.Add(int64(n))
	})
	b.ReportMetric(float64(news.Load())/float64(b.N), "new/op")
}

var gcBufSize = 4096

var sizes = []int{64, 1024, 16384, 65536}

// BenchmarkBuffer compares a pooled buffer with a fresh allocation, each
// filled with a few writes, under RunParallel.
func BenchmarkBuffer(b *testing.B) {
	for _, size := range sizes {
		for _, mode := range []string{"pool", "alloc"} {
			b.Run(fmt.Sprintf("size=%d/mode=%s", size, mode), func(b *testing.B) {
				var news atomic.Int64
				p := newPool(size, &news)
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					var s byte
					for pb.Next() {
						var x []byte
						var pooled *buf
						if mode == "pool" {
							pooled = p.Get().(*buf)
							x = pooled.b
						} else {
							x = make([]byte, size)
						}
						for i := 0; i < len(x); i += 512 {
							x[i] = s
						}
						s += x[len(x)-1] + 1
						if pooled != nil {
							p.Put(pooled)
						}
					}
					sink.Add(int64(s))
				})
			})
		}
	}
}

// BenchmarkGC holds a live heap of pointers, allocates (or pools) 4 KiB
// buffers, and reports GC pause time and collections per operation. Each
// GC empties the pool into its victim cache, so new/op rises with GC rate.
func BenchmarkGC(b *testing.B) {
	live := make([]*[64]byte, 1<<16) // pointerful live heap the GC must mark
	for i := range live {
		live[i] = new([64]byte)
	}
	for _, mode := range []string{"pool", "alloc"} {
		b.Run("mode="+mode, func(b *testing.B) {
			var news atomic.Int64
			size := gcBufSize // a variable size keeps make on the heap
			p := newPool(size, &news)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var s byte
				for pb.Next() {
					if mode == "pool" {
						x := p.Get().(*buf)
						x.b[s&127] = s
						s++
						p.Put(x)
					} else {
						x := make([]byte, size)
						x[s&127] = s
						s += x[0] + 1
					}
				}
				sink.Add(int64(s))
			})
			b.StopTimer()
			runtime.ReadMemStats(&after)
			n := float64(b.N)
			b.ReportMetric(float64(after.PauseTotalNs-before.PauseTotalNs)/n, "gc-pause-ns/op")
			b.ReportMetric(float64(after.NumGC-before.NumGC)*1e6/n, "gcs/Mop")
			b.ReportMetric(float64(news.Load())/n, "new/op")
			runtime.KeepAlive(live)
		})
	}
}
