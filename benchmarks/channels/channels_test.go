package channels

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

var sink atomic.Int64

// BenchmarkPingPong: one op is a round trip between two goroutines.
func BenchmarkPingPong(b *testing.B) {
	for _, buf := range []int{0, 1} {
		b.Run(fmt.Sprintf("buf=%d", buf), func(b *testing.B) {
			ping, pong := make(chan int, buf), make(chan int, buf)
			go func() {
				for v := range ping {
					pong <- v + 1
				}
				close(pong)
			}()
			b.ReportAllocs()
			b.ResetTimer()
			v := 0
			for i := 0; i < b.N; i++ {
				ping <- v
				v = <-pong
			}
			b.StopTimer()
			close(ping)
			<-pong
			sink.Add(int64(v))
		})
	}
}

// BenchmarkProducerConsumer: one op is one item through the channel.
func BenchmarkProducerConsumer(b *testing.B) {
	for _, buf := range []int{0, 10, 100} {
		b.Run(fmt.Sprintf("buf=%d", buf), func(b *testing.B) {
			ch := make(chan int, buf)
			done := make(chan int)
			go func() {
				s := 0
				for v := range ch {
					s += v
				}
				done <- s
			}()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ch <- i
			}
			close(ch)
			sink.Add(int64(<-done))
		})
	}
}

// split divides n items among k workers.
func split(n, k, w int) int { return n/k + btoi(w < n%k) }

func btoi(c bool) int {
	if c {
		return 1
	}
	return 0
}

// BenchmarkFanIn: n producers send into one channel drained by one consumer.
func BenchmarkFanIn(b *testing.B) {
	for _, n := range []int{2, 8, 32} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ch := make(chan int, 16)
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			for w := 0; w < n; w++ {
				wg.Add(1)
				go func(items int) {
					defer wg.Done()
					for i := 0; i < items; i++ {
						ch <- i
					}
				}(split(b.N, n, w))
			}
			go func() { wg.Wait(); close(ch) }()
			s := 0
			for v := range ch {
				s += v
			}
			sink.Add(int64(s))
		})
	}
}

// BenchmarkFanOut: one producer feeds n consumers through one channel.
func BenchmarkFanOut(b *testing.B) {
	for _, n := range []int{2, 8, 32} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ch := make(chan int, 16)
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			for w := 0; w < n; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := 0
					for v := range ch {
						s += v
					}
					sink.Add(int64(s))
				}()
			}
			for i := 0; i < b.N; i++ {
				ch <- i
			}
			close(ch)
			wg.Wait()
		})
	}
}

// BenchmarkSelect: one goroutine sends to one of n buffered channels in
// rotation and receives it back through a select over all n.
func BenchmarkSelect(b *testing.B) {
	for _, n := range []int{2, 4, 8} {
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			var c [8]chan int
			for i := range c {
				c[i] = make(chan int, 1)
			}
			b.ReportAllocs()
			b.ResetTimer()
			s := 0
			for i := 0; i < b.N; i++ {
				c[i%n] <- i
				switch n {
				case 2:
					select {
					case v := <-c[0]:
						s += v
					case v := <-c[1]:
						s += v
					}
				case 4:
					select {
					case v := <-c[0]:
						s += v
					case v := <-c[1]:
						s += v
					case v := <-c[2]:
						s += v
					case v := <-c[3]:
						s += v
					}
				default:
					select {
					case v := <-c[0]:
						s += v
					case v := <-c[1]:
						s += v
					case v := <-c[2]:
						s += v
					case v := <-c[3]:
						s += v
					case v := <-c[4]:
						s += v
					case v := <-c[5]:
						s += v
					case v := <-c[6]:
						s += v
					case v := <-c[7]:
						s += v
					}
				}
			}
			sink.Add(int64(s))
		})
	}
}

// BenchmarkSendRecv: a send then a receive on a buffered channel, either
// private to each goroutine (uncontended) or shared by all (contended).
func BenchmarkSendRecv(b *testing.B) {
	for _, mode := range []string{"uncontended", "contended"} {
		b.Run("contention="+mode, func(b *testing.B) {
			shared := make(chan int, 1024)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ch := shared
				if mode == "uncontended" {
					ch = make(chan int, 1)
				}
				s := 0
				for pb.Next() {
					ch <- s
					s += <-ch + 1
				}
				sink.Add(int64(s))
			})
		})
	}
}

// BenchmarkNonBlockingSelect: select with a default case, on a channel that
// is ready (a value waits) or not (empty).
func BenchmarkNonBlockingSelect(b *testing.B) {
	for _, ready := range []bool{true, false} {
		b.Run(fmt.Sprintf("ready=%v", ready), func(b *testing.B) {
			ch := make(chan int, 1)
			b.ReportAllocs()
			b.ResetTimer()
			s := 0
			for i := 0; i < b.N; i++ {
				if ready {
					ch <- i
				}
				select {
				case v := <-ch:
					s += v
				default:
					s++
				}
			}
			sink.Add(int64(s))
		})
	}
}
