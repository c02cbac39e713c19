"""Distances and the bounding boxes used to prefilter nearest-point queries."""

from math import asin, cos, pi, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088
# Derived from the same radius as the haversine, so the box always contains the circle.
KM_PER_DEGREE_LAT = 2 * pi * EARTH_RADIUS_KM / 360

# (south, north, west, east): Morocco north of Tarfaya, then the Saharan provinces.
MOROCCO_BOXES = (
    (27.6, 35.95, -13.3, -0.95),
    (20.7, 27.7, -17.2, -8.6),
)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) containing every point within `radius_km`."""
    radius_km *= 1 + 1e-9  # a hair wider, so rounding never drops a point on the circle
    dlat = radius_km / KM_PER_DEGREE_LAT
    # Longitude degrees shrink towards the poles: size the box at its poleward edge, so the
    # whole circle fits; clamp to avoid dividing by ~0.
    poleward = min(90.0, max(abs(lat - dlat), abs(lat + dlat)))
    dlon = radius_km / (KM_PER_DEGREE_LAT * max(cos(radians(poleward)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def in_morocco(lat: float, lon: float) -> bool:
    """Whether a coordinate falls in Morocco's bounding boxes (Saharan provinces included)."""
    return any(s <= lat <= n and w <= lon <= e for s, n, w, e in MOROCCO_BOXES)
