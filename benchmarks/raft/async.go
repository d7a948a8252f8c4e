package raftbench

import (
	"sync"
	"sync/atomic"

	pb "go.etcd.io/raft/v3/raftpb"
)

// mailbox is an unbounded queue with a wake-up channel, so that senders
// never block on each other (which could deadlock two busy nodes).
type mailbox struct {
	mu   sync.Mutex
	msgs []*pb.Message
	wake chan struct{}
}

func (m *mailbox) put(msg *pb.Message) {
	m.mu.Lock()
	m.msgs = append(m.msgs, msg)
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *mailbox) take(buf []*pb.Message) []*pb.Message {
	m.mu.Lock()
	buf = append(buf[:0], m.msgs...)
	clear(m.msgs)
	m.msgs = m.msgs[:0]
	m.mu.Unlock()
	return buf
}

// Cluster runs one goroutine per node. Proposals go to the leader's
// goroutine; Wait blocks until every node has applied a given count.
type Cluster struct {
	nodes    []*node
	boxes    []*mailbox
	proposes chan []byte
	done     chan struct{}
	wg       sync.WaitGroup
	messages atomic.Int64
	mu       sync.Mutex
	cond     *sync.Cond
	applied  []int
	err      error
}

// NewCluster elects node 1 with the single-loop driver, then hands the
// nodes to their goroutines.
func NewCluster(size int, record bool) (*Cluster, error) {
	l, err := NewLoop(size, record)
	if err != nil {
		return nil, err
	}
	c := &Cluster{nodes: l.nodes, proposes: make(chan []byte, 1024), done: make(chan struct{}),
		applied: make([]int, size)}
	c.cond = sync.NewCond(&c.mu)
	for i := range c.nodes {
		c.boxes = append(c.boxes, &mailbox{wake: make(chan struct{}, 1)})
		c.applied[i] = c.nodes[i].count
	}
	for i := range c.nodes {
		c.wg.Add(1)
		go c.run(i)
	}
	return c, nil
}

func (c *Cluster) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	c.cond.Broadcast()
}

func (c *Cluster) run(i int) {
	defer c.wg.Done()
	n, box := c.nodes[i], c.boxes[i]
	var proposals <-chan []byte
	if i == 0 {
		proposals = c.proposes
	}
	var inbox []*pb.Message
	for {
		select {
		case <-c.done:
			return
		case data := <-proposals:
			if err := n.rn.Propose(data); err != nil {
				c.fail(err)
				return
			}
		case <-box.wake:
			inbox = box.take(inbox)
			for _, m := range inbox {
				if err := n.rn.Step(m); err != nil {
					c.fail(err)
					return
				}
			}
		}
		for n.rn.HasReady() {
			msgs, err := n.handleReady()
			if err != nil {
				c.fail(err)
				return
			}
			c.messages.Add(int64(len(msgs)))
			for _, m := range msgs {
				c.boxes[m.GetTo()-1].put(m)
			}
			c.mu.Lock()
			changed := c.applied[i] != n.count
			c.applied[i] = n.count
			c.mu.Unlock()
			if changed {
				c.cond.Broadcast()
			}
		}
	}
}

// Propose sends data to the leader's goroutine.
func (c *Cluster) Propose(data []byte) { c.proposes <- data }

// Wait blocks until every node has applied at least target proposals.
func (c *Cluster) Wait(target int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.err == nil && slicesMin(c.applied) < target {
		c.cond.Wait()
	}
	return c.err
}

// Messages returns the messages sent between nodes so far.
func (c *Cluster) Messages() int64 { return c.messages.Load() }

// Stop ends the node goroutines.
func (c *Cluster) Stop() {
	close(c.done)
	c.wg.Wait()
}

// Applied returns node i's applied data; call only after Stop.
func (c *Cluster) Applied(i int) [][]byte { return c.nodes[i].applied }

func slicesMin(xs []int) int {
	m := xs[0]
	for _, x := range xs[1:] {
		m = min(m, x)
	}
	return m
}

// TotalApplied sums applied proposals over all nodes.
func (c *Cluster) TotalApplied() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	sum := 0
	for _, a := range c.applied {
		sum += a
	}
	return sum
}
