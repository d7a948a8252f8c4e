// Package channels benchmarks Go channel operations: ping-pong over
// unbuffered and buffered channels, producer-consumer with buffers 0/10/100,
// fan-in and fan-out over N goroutines, select over 2/4/8 ready cases,
// contended versus uncontended buffered send/receive, and non-blocking
// select.
//
// These are sensitive to GOMAXPROCS and pinning by design. With
// GOMAXPROCS=1 a blocked send hands off to the receiver on the same P with
// no OS involvement; with more Ps the partner may run on another core, so
// wake-ups cross cores (cache-line transfers of the channel lock and
// buffer, futex wake-ups of idle Ms). Pinning both Ps to SMT siblings, to
// two cores of one L3, or to two NUMA nodes changes those transfer costs,
// and the contended benchmarks scale (or collapse) with the core count.
package channels
