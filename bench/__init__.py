"""Benchmark harness (`make bench`): synthetic city-scale data and timings."""
