package raftbench

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
)

func payload(i, size int) []byte {
	p := make([]byte, size)
	binary.BigEndian.PutUint64(p, uint64(i)+1)
	return p
}

func checkAll(t *testing.T, size, proposals int, applied func(int) [][]byte) {
	t.Helper()
	for i := 0; i < size; i++ {
		got := applied(i)
		if len(got) != proposals {
			t.Fatalf("node %d applied %d entries, want %d", i+1, len(got), proposals)
		}
		for j, d := range got {
			if !bytes.Equal(d, payload(j, 64)) {
				t.Fatalf("node %d entry %d = %x, want proposal %d", i+1, j, d[:8], j)
			}
		}
	}
}

func TestEveryProposalCommittedOnEveryNode(t *testing.T) {
	const proposals = 300
	for _, size := range []int{3, 5} {
		t.Run(fmt.Sprintf("loop/nodes=%d", size), func(t *testing.T) {
			l, err := NewLoop(size, true)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < proposals; i++ {
				if err := l.Propose(payload(i, 64)); err != nil {
					t.Fatal(err)
				}
				if i%7 == 0 { // mix single and batched commits
					if err := l.Settle(); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := l.Settle(); err != nil {
				t.Fatal(err)
			}
			checkAll(t, size, proposals, l.Applied)
		})
		t.Run(fmt.Sprintf("goroutines/nodes=%d", size), func(t *testing.T) {
			c, err := NewCluster(size, true)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < proposals; i++ {
				c.Propose(payload(i, 64))
			}
			if err := c.Wait(proposals); err != nil {
				t.Fatal(err)
			}
			c.Stop()
			checkAll(t, size, proposals, c.Applied)
		})
	}
}
