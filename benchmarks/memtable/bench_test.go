package memtable

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dgraph-io/badger/v4/skl"
	"github.com/dgraph-io/badger/v4/y"
)

// table is the workload's view of a skiplist, so that the same loops run
// against this package and against badger's skl side by side.
type table interface {
	put(k, v []byte)
	get(k []byte) bool
	scan(n int) int // visits up to n entries from the start, returns how many
}

// impl builds a table and converts plain keys to the form it stores;
// conversion happens during setup, outside the timer.
type impl struct {
	name    string
	newT    func(arenaBytes int) table
	convert func(k []byte) []byte
}

var impls = []impl{
	{"ours", func(n int) table { return ours{New(uint32(n))} }, func(k []byte) []byte { return k }},
	{"badger", func(n int) table { return badger{skl.NewSkiplist(int64(n))} },
		func(k []byte) []byte { return y.KeyWithTs(k, 1) }},
}

type ours struct{ s *Skiplist }

func (t ours) put(k, v []byte) {
	if err := t.s.Put(k, v); err != nil {
		panic(err)
	}
}
func (t ours) get(k []byte) bool { _, ok := t.s.Get(k); return ok }
func (t ours) scan(n int) int {
	it, i := t.s.Iter(), 0
	for it.SeekToFirst(); it.Valid() && i < n; it.Next() {
		sinkBytes += len(it.Value())
		i++
	}
	return i
}

type badger struct{ s *skl.Skiplist }

func (t badger) put(k, v []byte) { t.s.Put(k, y.ValueStruct{Value: v}) }
func (t badger) get(k []byte) bool {
	return t.s.Get(k).Value != nil
}
func (t badger) scan(n int) int {
	it, i := t.s.NewIterator(), 0
	for it.SeekToFirst(); it.Valid() && i < n; it.Next() {
		sinkBytes += len(it.Value().Value)
		i++
	}
	return i
}

var (
	sinkBytes int
	sinkBool  bool
	kvSizes   = []int{16, 256}
)

const (
	prefill = 1 << 14 // entries present before read benchmarks start
	chunk   = 1 << 15 // operations per fresh table in insert benchmarks
	// mixedChunk is the operations per freshly filled table in
	// BenchmarkMixed; overwrites only cost value space, so it can be larger.
	mixedChunk = 1 << 17
)

// keys returns n distinct keys of size kv: random (fixed seed) or ascending.
func keys(n, kv int, random bool, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 99))
	out := make([][]byte, n)
	for i := range out {
		k := make([]byte, kv)
		x := uint64(i)
		if random {
			x = r.Uint64()
		}
		binary.BigEndian.PutUint64(k, x)
		for j := 8; j < kv; j++ {
			k[j] = byte(j)
		}
		out[i] = k
	}
	return out
}

func convertAll(im impl, ks [][]byte) [][]byte {
	out := make([][]byte, len(ks))
	for i, k := range ks {
		out[i] = im.convert(k)
	}
	return out
}

func arenaFor(entries, kv int) int { return entries*(2*kv+NodeOverhead+16) + 1<<20 }

// filled returns a table holding ks, with room for extraBytes more.
func filled(im impl, ks [][]byte, extraBytes, kv int) table {
	t := im.newT(arenaFor(len(ks), kv) + extraBytes)
	v := make([]byte, kv)
	for _, k := range ks {
		t.put(k, v)
	}
	return t
}

func forEach(b *testing.B, f func(b *testing.B, im impl, kv int)) {
	for _, im := range impls {
		for _, kv := range kvSizes {
			b.Run(fmt.Sprintf("impl=%s/kv=%d", im.name, kv), func(b *testing.B) { f(b, im, kv) })
		}
	}
}

// BenchmarkInsert inserts distinct keys into fresh tables of chunk entries;
// building a new table between chunks is outside the timer.
func BenchmarkInsert(b *testing.B) {
	for _, order := range []string{"seq", "rand"} {
		b.Run("order="+order, func(b *testing.B) {
			forEach(b, func(b *testing.B, im impl, kv int) {
				ks := convertAll(im, keys(chunk, kv, order == "rand", 1))
				v := make([]byte, kv)
				b.ReportAllocs()
				b.ResetTimer()
				for done := 0; done < b.N; done += chunk {
					b.StopTimer()
					t := im.newT(arenaFor(chunk, kv))
					b.StartTimer()
					for _, k := range ks[:min(chunk, b.N-done)] {
						t.put(k, v)
					}
				}
			})
		})
	}
}

// BenchmarkGet looks up present (hit) or absent (miss) keys in random order.
func BenchmarkGet(b *testing.B) {
	for _, result := range []string{"hit", "miss"} {
		b.Run("result="+result, func(b *testing.B) {
			forEach(b, func(b *testing.B, im impl, kv int) {
				present := convertAll(im, keys(prefill, kv, true, 1))
				t := filled(im, present, 0, kv)
				probe := present
				if result == "miss" {
					probe = convertAll(im, keys(prefill, kv, true, 2))
				}
				b.ReportAllocs()
				b.ResetTimer()
				found := false
				for i := 0; i < b.N; i++ {
					found = t.get(probe[i&(prefill-1)])
				}
				sinkBool = found
			})
		})
	}
}

// BenchmarkIterate reports the cost per entry of an ordered scan.
func BenchmarkIterate(b *testing.B) {
	forEach(b, func(b *testing.B, im impl, kv int) {
		t := filled(im, convertAll(im, keys(prefill, kv, true, 1)), 0, kv)
		b.ReportAllocs()
		b.ResetTimer()
		for done := 0; done < b.N; {
			done += t.scan(b.N - done)
		}
	})
}

// BenchmarkMixed runs reads and writes from GOMAXPROCS goroutines on one
// table (like RunParallel). Writes overwrite prefilled keys, which costs
// arena space, so the work runs in chunks on freshly filled tables.
func BenchmarkMixed(b *testing.B) {
	forEach(b, func(b *testing.B, im impl, kv int) {
		for _, read := range []int{0, 50, 90, 99} {
			b.Run(fmt.Sprintf("read=%d", read), func(b *testing.B) {
				ks := convertAll(im, keys(prefill, kv, true, 1))
				procs := runtime.GOMAXPROCS(0)
				v := make([]byte, kv)
				b.ReportAllocs()
				b.ResetTimer()
				for done := 0; done < b.N; done += mixedChunk {
					b.StopTimer()
					t := filled(im, ks, mixedChunk*(kv+16), kv)
					n := int64(min(mixedChunk, b.N-done))
					var next atomic.Int64
					var wg sync.WaitGroup
					b.StartTimer()
					for p := 0; p < procs; p++ {
						wg.Add(1)
						go func(p int) {
							defer wg.Done()
							r := rand.New(rand.NewPCG(uint64(p), uint64(done)))
							found := false
							for {
								i := next.Add(64) - 64
								if i >= n {
									break
								}
								for j := i; j < min(i+64, n); j++ {
									k := ks[r.IntN(prefill)]
									if r.IntN(100) < read {
										found = t.get(k)
									} else {
										t.put(k, v)
									}
								}
							}
							if found {
								sinkBytes++
							}
						}(p)
					}
					wg.Wait()
				}
			})
		}
	})
}
