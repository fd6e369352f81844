"""Benchmarks, run by `make bench` (`python -m benchmarks`) on a scratch database."""
