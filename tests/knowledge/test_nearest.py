"""Nearest-N on many synthetic points: the indexed prefilter never changes the exact answer."""

import math
import random

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bench.nearest import point_row, random_point
from knowledge.cities import cities
from knowledge.geo import bounding_box, haversine_km
from knowledge.models import City, ServicePoint
from knowledge.repository import nearest_service_points


def test_nearest_equals_exhaustive_search(empty_session: Session) -> None:
    """For random coordinates, nearest-5 over 3,000 points equals a full haversine ranking."""
    rng = random.Random(7)
    empty_session.execute(
        insert(City),
        [
            {"id": c.id, "lat": c.lat, "lon": c.lon, "names": {}, "aliases": []}
            for c in cities().values()
        ],
    )
    points = [(f"p{i}", *random_point(rng)) for i in range(3000)]
    empty_session.execute(
        insert(ServicePoint),
        [point_row(pid, "rabat", lat, lon) for pid, lat, lon in points],
    )
    for _ in range(25):
        lat, lon = random_point(rng)
        expected = sorted(points, key=lambda p: haversine_km(lat, lon, p[1], p[2]))[:5]
        got = nearest_service_points(empty_session, lat=lat, lon=lon, limit=5)
        assert [v.id for v, _ in got] == [p[0] for p in expected]
        for (_view, distance), p in zip(got, expected, strict=True):
            assert abs(distance - haversine_km(lat, lon, p[1], p[2])) < 1e-9


def test_bounding_box_contains_the_circle() -> None:
    """Every point at the radius lies inside the prefilter box, at any bearing."""
    for lat in (21.0, 30.0, 35.9):
        south, north, west, east = bounding_box(lat, -7.0, 100.0)
        for step in range(360):
            # Walk around the circle of radius 100 km using small offsets, then check the box.

            bearing = math.radians(step)
            d = 100.0 / 6371.0088
            phi1, lam1 = math.radians(lat), math.radians(-7.0)
            phi2 = math.asin(
                math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(bearing)
            )
            lam2 = lam1 + math.atan2(
                math.sin(bearing) * math.sin(d) * math.cos(phi1),
                math.cos(d) - math.sin(phi1) * math.sin(phi2),
            )
            assert south <= math.degrees(phi2) <= north
            assert west <= math.degrees(lam2) <= east
