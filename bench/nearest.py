"""Benchmark nearest-5 lookups on synthetic points in SQLite and PostgreSQL (`python -m bench.nearest`).

The method of `python -m bench kb` (bench/kb.py), which keeps its figures with the others.
"""

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, insert

from knowledge.cities import cities
from knowledge.db import make_engine, make_session_factory, upgrade
from knowledge.geo import MOROCCO_BOXES
from knowledge.models import City, ServicePoint
from knowledge.repository import nearest_service_points

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "dalil_bench_kb"


def random_point(rng: random.Random) -> tuple[float, float]:
    """A uniformly random coordinate in one of Morocco's boxes, weighted by box area."""
    areas = [(n - s) * (e - w) for s, n, w, e in MOROCCO_BOXES]
    s, n, w, e = rng.choices(MOROCCO_BOXES, weights=areas)[0]
    return rng.uniform(s, n), rng.uniform(w, e)


def point_row(point_id: str, city_id: str, lat: float, lon: float) -> dict[str, Any]:
    """A synthetic service point at (lat, lon), as a row of the service_points table."""
    return {
        "id": point_id,
        "name": point_id,
        "organisation": "bench",
        "city_id": city_id,
        "address": "",
        "lat": lat,
        "lon": lon,
        "approximate": False,
        "uncertain": False,
        "sources": [],
    }


def load_points(engine: Engine, count: int, seed: int = 1) -> None:
    """Insert the cities and `count` synthetic service points."""
    rng = random.Random(seed)
    city_ids = list(cities())
    with engine.begin() as connection:
        connection.execute(
            insert(City),
            [
                {"id": c.id, "lat": c.lat, "lon": c.lon, "names": dict(c.names), "aliases": []}
                for c in cities().values()
            ],
        )
        batch = []
        for i in range(count):
            lat, lon = random_point(rng)
            batch.append(point_row(f"bench_{i}", city_ids[i % len(city_ids)], lat, lon))
            if len(batch) == 5000:
                connection.execute(insert(ServicePoint), batch)
                batch = []
        if batch:
            connection.execute(insert(ServicePoint), batch)


def time_queries(engine: Engine, queries: int, seed: int = 2) -> tuple[float, float]:
    """p50 and p95 latency in milliseconds of nearest-5 at random coordinates."""
    rng = random.Random(seed)
    timings = []
    with make_session_factory(engine)() as session:
        for _ in range(10):  # warm caches and the connection
            nearest_service_points(session, lat=34.0, lon=-6.8, limit=5)
        for _ in range(queries):
            lat, lon = random_point(rng)
            start = time.perf_counter()
            found = nearest_service_points(session, lat=lat, lon=lon, limit=5)
            timings.append((time.perf_counter() - start) * 1000)
            assert len(found) == 5
    quantiles = statistics.quantiles(timings, n=20)
    return statistics.median(timings), quantiles[18]


@contextmanager
def sqlite_database() -> Iterator[str]:
    """A migrated SQLite file in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        yield url


@contextmanager
def postgres_database() -> Iterator[str]:
    """A migrated, dedicated PostgreSQL database, dropped afterwards."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}"
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def run(sizes: list[int], backends: list[str], queries: int) -> list[tuple[str, int, float, float]]:
    """Measure every backend at every size."""
    rows = []
    for backend in backends:
        for size in sizes:
            database = sqlite_database() if backend == "sqlite" else postgres_database()
            with database as url:
                engine = make_engine(url)
                load_points(engine, size)
                if engine.dialect.name == "postgresql":
                    with engine.begin() as connection:
                        connection.exec_driver_sql("ANALYZE service_points")
                else:
                    with engine.begin() as connection:
                        connection.exec_driver_sql("ANALYZE")
                p50, p95 = time_queries(engine, queries)
                engine.dispose()
            rows.append((backend, size, p50, p95))
    return rows


def main() -> None:
    """Print a Markdown table of nearest-5 latencies."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rows = run([int(s) for s in args.sizes.split(",")], args.backends.split(","), args.queries)
    print("| database | points | nearest-5 p50 (ms) | nearest-5 p95 (ms) |")
    print("|---|---:|---:|---:|")
    for backend, size, p50, p95 in rows:
        print(f"| {backend} | {size:,} | {p50:.2f} | {p95:.2f} |")


if __name__ == "__main__":
    main()
