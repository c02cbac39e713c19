"""Nearest-service-point lookups at 1k/10k/100k points: the knowledge engineer's benchmark.

`bench/nearest.py` owns the method (synthetic points in Morocco, nearest-5, SQLite and
PostgreSQL); this only runs it and keeps its figures with the others.
"""

from __future__ import annotations

from typing import Any


def run(*, quick: bool = False) -> dict[str, Any]:
    """p50/p95 of nearest-5 per database and size."""
    from bench import nearest

    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    queries = 50 if quick else 300
    rows = nearest.run(sizes, ["sqlite", "postgres"], queries)
    return {
        "queries_per_size": queries,
        "rows": [
            {"database": db, "points": n, "p50_ms": round(p50, 2), "p95_ms": round(p95, 2)}
            for db, n, p50, p95 in rows
        ],
    }
