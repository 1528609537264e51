"""Benchmarks run by `make bench`: scale and speed, never asserted in tests."""
