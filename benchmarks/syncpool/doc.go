// Package syncpool benchmarks sync.Pool: the per-P fast path, overflow into
// the shared chain, stealing across Ps when some Ps only take, pool versus
// plain allocation for byte buffers, and how garbage collection (which
// moves pooled objects to the victim cache and then frees them) shows up as
// GC pause per operation. Results depend on GOMAXPROCS (one private slot and
// one shared chain per P) and on the GC pacer (GOGC).
package syncpool
