module metalbench/benchmarks

go 1.24
