package memtable

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
)

func TestPutGetOverwrite(t *testing.T) {
	s := New(1 << 16)
	if _, ok := s.Get([]byte("a")); ok {
		t.Fatal("empty list found a key")
	}
	for _, kv := range [][2]string{{"b", "2"}, {"a", "1"}, {"c", "3"}, {"b", "22"}} {
		if err := s.Put([]byte(kv[0]), []byte(kv[1])); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3", s.Len())
	}
	for k, want := range map[string]string{"a": "1", "b": "22", "c": "3"} {
		got, ok := s.Get([]byte(k))
		if !ok || string(got) != want {
			t.Fatalf("Get(%q) = %q, %v; want %q", k, got, ok, want)
		}
	}
	for _, k := range []string{"", "0", "ab", "d"} {
		if _, ok := s.Get([]byte(k)); ok {
			t.Fatalf("Get(%q) found a missing key", k)
		}
	}
	it := s.Iter()
	it.Seek([]byte("ab"))
	if !it.Valid() || string(it.Key()) != "b" {
		t.Fatalf("Seek(ab) landed on %q", it.Key())
	}
}

func TestArenaFull(t *testing.T) {
	s := New(4096)
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		err = s.Put([]byte(fmt.Sprintf("key%04d", i)), make([]byte, 32))
	}
	if err != ErrArenaFull {
		t.Fatalf("filling a 4 KiB arena returned %v, want ErrArenaFull", err)
	}
}

// TestConcurrentWritersMatchReference has several goroutines write
// overlapping key ranges; keys written by more than one writer always get
// the same value, so the final state is fully determined.
func TestConcurrentWritersMatchReference(t *testing.T) {
	const writers, perWriter = 8, 3000
	s := New(8 << 20)
	ref := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for i := 0; i < perWriter; i++ {
				n := r.IntN(writers * perWriter / 2) // about half the keys collide
				k := fmt.Sprintf("k%08d", n)
				v := fmt.Sprintf("v%d", n*7)
				if err := s.Put([]byte(k), []byte(v)); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				ref[k] = v
				mu.Unlock()
				if got, ok := s.Get([]byte(k)); !ok || string(got) != v {
					t.Errorf("read-your-write %q = %q, %v", k, got, ok)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if s.Len() != len(ref) {
		t.Fatalf("Len = %d, reference has %d keys", s.Len(), len(ref))
	}
	keys := make([]string, 0, len(ref))
	for k := range ref {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	it := s.Iter()
	i := 0
	for it.SeekToFirst(); it.Valid(); it.Next() {
		if i >= len(keys) || string(it.Key()) != keys[i] || string(it.Value()) != ref[keys[i]] {
			t.Fatalf("entry %d = %q:%q, want %q:%q", i, it.Key(), it.Value(), keys[i], ref[keys[i]])
		}
		i++
	}
	if i != len(keys) {
		t.Fatalf("iteration saw %d entries, want %d", i, len(keys))
	}
}

func TestRandomKeysIterateSorted(t *testing.T) {
	s := New(4 << 20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		var k [8]byte
		binary.LittleEndian.PutUint64(k[:], r.Uint64())
		if err := s.Put(k[:], k[:4]); err != nil {
			t.Fatal(err)
		}
	}
	var prev []byte
	it := s.Iter()
	for it.SeekToFirst(); it.Valid(); it.Next() {
		if prev != nil && bytes.Compare(prev, it.Key()) >= 0 {
			t.Fatalf("keys out of order: %x then %x", prev, it.Key())
		}
		prev = it.Key()
	}
}

// TestHeightsAreGeometric checks that key-derived heights keep the skiplist
// balanced for keys sharing long prefixes: about 3/4 of towers at height 1,
// 3/16 at height 2.
func TestHeightsAreGeometric(t *testing.T) {
	const n = 1 << 16
	var counts [MaxHeight + 1]int
	k := make([]byte, 64)
	for i := 0; i < n; i++ {
		binary.BigEndian.PutUint64(k[56:], uint64(i))
		counts[heightFor(k)]++
	}
	if f := float64(counts[1]) / n; f < 0.73 || f > 0.77 {
		t.Fatalf("height 1 share = %.3f, want about 0.75", f)
	}
	if f := float64(counts[2]) / n; f < 0.17 || f > 0.205 {
		t.Fatalf("height 2 share = %.3f, want about 0.1875", f)
	}
}
