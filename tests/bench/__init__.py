"""Tests of the benchmark tools and of the page they write (docs/benchmarks.md)."""

# The machine a stored figure says it was measured on.
MACHINE = {
    "date": "2026-11-29 12:00 UTC",
    "cpu": "test cpu",
    "cores": 2,
    "memory_gib": 1.0,
    "python": "3.11",
    "load_average_at_start": [0.1],
    "commit": "abc1234",
}
