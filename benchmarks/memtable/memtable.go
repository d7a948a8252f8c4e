// Package memtable is an LSM write buffer: a lock-free concurrent skiplist
// whose nodes, keys and values live in one preallocated arena, so inserts
// never allocate on the Go heap and readers never take a lock.
package memtable

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sync/atomic"
	"unsafe"
)

// MaxHeight is the tallest tower a node can have; with branching 1/4 it
// suits lists of up to about 4^MaxHeight entries.
const MaxHeight = 16

// ErrArenaFull is returned by Put when the arena has no room for the entry.
// An LSM tree would flush this memtable and start a new one.
var ErrArenaFull = errors.New("memtable: arena full")

type node struct {
	value  atomic.Uint64 // arena offset<<32 | length of the current value
	keyOff uint32
	keyLen uint32
	height uint32
	_      uint32
	tower  [MaxHeight]atomic.Uint32 // next node offset per level; 0 is nil
}

const (
	nodeSize  = uint32(unsafe.Sizeof(node{}))
	towerSize = uint32(unsafe.Sizeof(atomic.Uint32{}))
	nodeAlign = 8
)

// arena hands out byte ranges by bumping an atomic offset. Offset 0 is
// reserved so that it can mean nil.
type arena struct {
	n     atomic.Uint32
	limit uint32
	buf   []byte // limit bytes plus a node's worth of slack, so a truncated
	// node near the end can still be viewed as a whole node struct
}

func newArena(size uint32) *arena {
	words := make([]uint64, (size+nodeSize+7)/8) // uint64 backing keeps nodes 8-byte aligned
	a := &arena{limit: size, buf: unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), len(words)*8)}
	a.n.Store(nodeAlign)
	return a
}

func (a *arena) alloc(size, align uint32) (uint32, bool) {
	padded := uint64(size) + uint64(align) - 1
	end := a.n.Add(uint32(padded))
	if end > a.limit || uint64(end) < padded {
		return 0, false
	}
	return (end - uint32(padded) + align - 1) &^ (align - 1), true
}

func (a *arena) bytes(off, n uint32) []byte { return a.buf[off : off+n : off+n] }

// Skiplist is safe for concurrent Put, Get and iteration. Keys are ordered
// by bytes.Compare; putting an existing key replaces its value.
type Skiplist struct {
	arena  *arena
	head   uint32
	height atomic.Int32
	count  atomic.Int64
}

// New returns an empty skiplist whose arena holds arenaBytes bytes.
func New(arenaBytes uint32) *Skiplist {
	a := newArena(arenaBytes)
	head, ok := a.alloc(nodeSize, nodeAlign)
	if !ok {
		panic("memtable: arena too small for the head node")
	}
	a.node(head).height = MaxHeight
	s := &Skiplist{arena: a, head: head}
	s.height.Store(1)
	return s
}

// NodeOverhead is the arena bytes an entry of the tallest height costs
// beyond its key and value, for sizing arenas.
const NodeOverhead = int(nodeSize) + 2*nodeAlign

func (a *arena) node(off uint32) *node {
	return (*node)(unsafe.Pointer(&a.buf[off]))
}

// Len returns the number of distinct keys.
func (s *Skiplist) Len() int { return int(s.count.Load()) }

// ArenaUsed returns the bytes allocated from the arena so far.
func (s *Skiplist) ArenaUsed() int { return int(min(s.arena.n.Load(), s.arena.limit)) }

func (s *Skiplist) key(off uint32) []byte {
	nd := s.arena.node(off)
	return s.arena.bytes(nd.keyOff, nd.keyLen)
}

func (s *Skiplist) value(off uint32) []byte {
	v := s.arena.node(off).value.Load()
	return s.arena.bytes(uint32(v>>32), uint32(v))
}

// heightFor derives a tower height from the key's hash, so that a list's
// shape depends only on its contents and concurrent writers share no state.
func heightFor(key []byte) int {
	// Word-at-a-time mixing: hashing byte by byte cost as much as the
	// insert itself for 256-byte keys.
	h := uint64(len(key)) * 0x9e3779b97f4a7c15
	for len(key) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(key)) * 0xbf58476d1ce4e5b9
		h ^= h >> 31
		key = key[8:]
	}
	for _, c := range key {
		h = (h ^ uint64(c)) * 0x100000001b3
	}
	h ^= h >> 29
	h *= 0x94d049bb133111eb
	h ^= h >> 32
	height := 1
	for height < MaxHeight && h&3 == 0 {
		height++
		h >>= 2
	}
	return height
}

func (s *Skiplist) setValue(off uint32, value []byte) error {
	voff, ok := s.arena.alloc(uint32(len(value)), 1)
	if !ok {
		return ErrArenaFull
	}
	copy(s.arena.bytes(voff, uint32(len(value))), value)
	s.arena.node(off).value.Store(uint64(voff)<<32 | uint64(len(value)))
	return nil
}

func (s *Skiplist) newNode(key, value []byte, height int) (uint32, error) {
	size := nodeSize - uint32(MaxHeight-height)*towerSize
	off, ok := s.arena.alloc(size, nodeAlign)
	if !ok {
		return 0, ErrArenaFull
	}
	koff, ok := s.arena.alloc(uint32(len(key)), 1)
	if !ok {
		return 0, ErrArenaFull
	}
	copy(s.arena.bytes(koff, uint32(len(key))), key)
	nd := s.arena.node(off)
	nd.keyOff, nd.keyLen, nd.height = koff, uint32(len(key)), uint32(height)
	if err := s.setValue(off, value); err != nil {
		return 0, err
	}
	return off, nil
}

// findSplice walks level from before and returns the pair (prev, next)
// with prev.key < key < next.key; if a node holds key it returns it twice.
func (s *Skiplist) findSplice(key []byte, before uint32, level int) (uint32, uint32) {
	for {
		next := s.arena.node(before).tower[level].Load()
		if next == 0 {
			return before, 0
		}
		switch c := bytes.Compare(key, s.key(next)); {
		case c == 0:
			return next, next
		case c < 0:
			return before, next
		}
		before = next
	}
}

// Put inserts key with value, or replaces the value if key is present.
// The key and value are copied into the arena.
func (s *Skiplist) Put(key, value []byte) error {
	var prev, next [MaxHeight + 1]uint32
	listHeight := int(s.height.Load())
	prev[listHeight] = s.head
	for i := listHeight - 1; i >= 0; i-- {
		prev[i], next[i] = s.findSplice(key, prev[i+1], i)
		if prev[i] == next[i] {
			return s.setValue(prev[i], value)
		}
	}
	height := heightFor(key)
	off, err := s.newNode(key, value, height)
	if err != nil {
		return err
	}
	for listHeight < height {
		if s.height.CompareAndSwap(int32(listHeight), int32(height)) {
			break
		}
		listHeight = int(s.height.Load())
	}
	nd := s.arena.node(off)
	for i := 0; i < height; i++ {
		for {
			if prev[i] == 0 { // a level above the height seen at the start
				prev[i], next[i] = s.findSplice(key, s.head, i)
			}
			nd.tower[i].Store(next[i])
			if s.arena.node(prev[i]).tower[i].CompareAndSwap(next[i], off) {
				break
			}
			prev[i], next[i] = s.findSplice(key, prev[i], i)
			if prev[i] == next[i] {
				// Another writer linked the same key first; only possible at
				// level 0, before this node is reachable anywhere.
				return s.setValue(prev[i], value)
			}
		}
	}
	s.count.Add(1)
	return nil
}

// seekGE returns the first node whose key is >= key, and whether it equals key.
func (s *Skiplist) seekGE(key []byte) (uint32, bool) {
	x := s.head
	for level := int(s.height.Load()) - 1; level >= 0; level-- {
		for {
			next := s.arena.node(x).tower[level].Load()
			if next == 0 {
				break
			}
			c := bytes.Compare(key, s.key(next))
			if c == 0 {
				return next, true
			}
			if c < 0 {
				break
			}
			x = next
		}
	}
	return s.arena.node(x).tower[0].Load(), false
}

// Get returns the value stored for key. The slice aliases the arena and
// must not be modified.
func (s *Skiplist) Get(key []byte) ([]byte, bool) {
	off, ok := s.seekGE(key)
	if !ok {
		return nil, false
	}
	return s.value(off), true
}

// Iterator walks the list in key order. It sees entries inserted
// concurrently if they land ahead of its position.
type Iterator struct {
	s   *Skiplist
	cur uint32
}

// Iter returns an iterator positioned before the first entry; call
// SeekToFirst or Seek.
func (s *Skiplist) Iter() Iterator { return Iterator{s: s} }

// SeekToFirst moves to the smallest key.
func (it *Iterator) SeekToFirst() { it.cur = it.s.arena.node(it.s.head).tower[0].Load() }

// Seek moves to the first key >= key.
func (it *Iterator) Seek(key []byte) { it.cur, _ = it.s.seekGE(key) }

// Valid reports whether the iterator is at an entry.
func (it *Iterator) Valid() bool { return it.cur != 0 }

// Next moves to the following key.
func (it *Iterator) Next() { it.cur = it.s.arena.node(it.cur).tower[0].Load() }

// Key returns the current key (aliasing the arena).
func (it *Iterator) Key() []byte { return it.s.key(it.cur) }

// Value returns the current value (aliasing the arena).
func (it *Iterator) Value() []byte { return it.s.value(it.cur) }
