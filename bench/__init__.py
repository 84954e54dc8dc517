"""Benchmarks: one command (`make bench`), plain-pandas baselines in the same run, a printed table."""
