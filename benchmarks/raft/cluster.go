// Package raftbench drives in-process clusters of go.etcd.io/raft/v3
// RawNodes over MemoryStorage, with messages routed in memory, to measure
// proposal throughput, commit latency, and log append and compaction cost.
//
// Two drivers: Loop steps every node from one goroutine (deterministic, so
// it measures raft's own CPU cost); Cluster runs a goroutine per node with
// mailboxes, so wake-ups cross cores and the results depend on GOMAXPROCS,
// pinning and cache sharing between the cores the nodes land on.
package raftbench

import (
	"fmt"
	"io"
	"log"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

var quiet = &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}

// node is one member: its RawNode, its log storage and what it applied.
type node struct {
	rn      *raft.RawNode
	storage *raft.MemoryStorage
	applied [][]byte // data of applied normal entries, if record is set
	count   int      // applied normal entries with data
	record  bool
}

func newNode(id uint64, ids []uint64, record bool) (*node, error) {
	st := raft.NewMemoryStorage()
	snap := &pb.Snapshot{Metadata: &pb.SnapshotMetadata{
		ConfState: &pb.ConfState{Voters: ids}, Index: proto.Uint64(1), Term: proto.Uint64(1)}}
	if err := st.ApplySnapshot(snap); err != nil {
		return nil, err
	}
	rn, err := raft.NewRawNode(&raft.Config{
		ID: id, ElectionTick: 10, HeartbeatTick: 1, Storage: st,
		MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 256, Logger: quiet,
	})
	if err != nil {
		return nil, err
	}
	return &node{rn: rn, storage: st, record: record}, nil
}

// handleReady persists and applies one Ready and returns its messages.
func (n *node) handleReady() ([]*pb.Message, error) {
	rd := n.rn.Ready()
	if !raft.IsEmptyHardState(rd.HardState) {
		if err := n.storage.SetHardState(rd.HardState); err != nil {
			return nil, err
		}
	}
	if !raft.IsEmptySnap(rd.Snapshot) {
		if err := n.storage.ApplySnapshot(rd.Snapshot); err != nil {
			return nil, err
		}
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		return nil, err
	}
	for _, e := range rd.CommittedEntries {
		if e.GetType() == pb.EntryType_EntryNormal && len(e.GetData()) > 0 {
			n.count++
			if n.record {
				n.applied = append(n.applied, e.GetData())
			}
		}
	}
	n.rn.Advance(rd)
	return rd.Messages, nil
}

func ids(size int) []uint64 {
	out := make([]uint64, size)
	for i := range out {
		out[i] = uint64(i + 1)
	}
	return out
}

// Loop is a cluster stepped from a single goroutine.
type Loop struct {
	nodes    []*node
	Messages int // messages delivered so far
}

// NewLoop builds a cluster of size nodes and elects node 1 leader.
func NewLoop(size int, record bool) (*Loop, error) {
	l := &Loop{}
	for _, id := range ids(size) {
		n, err := newNode(id, ids(size), record)
		if err != nil {
			return nil, err
		}
		l.nodes = append(l.nodes, n)
	}
	if err := l.nodes[0].rn.Campaign(); err != nil {
		return nil, err
	}
	if err := l.Settle(); err != nil {
		return nil, err
	}
	if st := l.nodes[0].rn.Status(); st.RaftState != raft.StateLeader {
		return nil, fmt.Errorf("raftbench: node 1 is %v after campaigning, want leader", st.RaftState)
	}
	return l, nil
}

// Propose hands data to the leader; call Settle to replicate and commit it.
func (l *Loop) Propose(data []byte) error { return l.nodes[0].rn.Propose(data) }

// Settle processes Readies and delivers messages until no node has work.
func (l *Loop) Settle() error {
	for {
		var queue []*pb.Message
		for _, n := range l.nodes {
			if n.rn.HasReady() {
				msgs, err := n.handleReady()
				if err != nil {
					return err
				}
				queue = append(queue, msgs...)
			}
		}
		if len(queue) == 0 {
			return nil
		}
		for _, m := range queue {
			l.Messages++
			if err := l.nodes[m.GetTo()-1].rn.Step(m); err != nil {
				return err
			}
		}
	}
}

// MinApplied returns the fewest applied proposals on any node.
func (l *Loop) MinApplied() int {
	least := l.nodes[0].count
	for _, n := range l.nodes[1:] {
		least = min(least, n.count)
	}
	return least
}

// Applied returns the data node i (0-based) applied, in order, when the
// cluster was built with record set.
func (l *Loop) Applied(i int) [][]byte { return l.nodes[i].applied }

// TotalApplied sums applied proposals over all nodes: a proposal committed
// everywhere counts once per node.
func (l *Loop) TotalApplied() int {
	sum := 0
	for _, n := range l.nodes {
		sum += n.count
	}
	return sum
}
