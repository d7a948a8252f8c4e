module metalbench/benchmarks

go 1.26

require (
	github.com/dgraph-io/badger/v4 v4.9.6
	go.etcd.io/raft/v3 v3.7.0
	google.golang.org/protobuf v1.36.11
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dgraph-io/ristretto/v2 v2.2.0 // indirect
	github.com/dustin/go-humanize v1.0.1 // indirect
	github.com/klauspost/compress v1.18.0 // indirect
	golang.org/x/sys v0.41.0 // indirect
)
