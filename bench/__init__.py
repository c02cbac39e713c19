"""Dalil's benchmarks: `python -m bench` reruns them and rewrites docs/benchmarks.md."""
