"""Straight-line (geodesic) distances on the WGS84 ellipsoid.

pyproj's :class:`~pyproj.Geod` runs Karney's algorithm, the same one geopy's
``geodesic`` uses (through geographiclib), so the two agree to the
nanometre; pyproj does it for whole arrays at once, which is what makes
bulk lookups fast. The tests check every figure against geopy.
"""

from __future__ import annotations

import numpy as np
from pyproj import Geod

METRES_PER_MILE = 1609.344
_WGS84 = Geod(ellps="WGS84")


def distances_m(lat, lon, clinic_lats: np.ndarray, clinic_lons: np.ndarray) -> np.ndarray:
    """Metres from each point to each clinic.

    ``lat``/``lon`` are WGS84 degrees, scalars or 1-D arrays of length n;
    the result has shape ``(n, len(clinic_lats))`` (``(1, k)`` for scalars).
    """
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    n, k = len(lat), len(clinic_lats)
    _, _, metres = _WGS84.inv(
        np.repeat(lon, k), np.repeat(lat, k), np.tile(clinic_lons, n), np.tile(clinic_lats, n)
    )
    return np.asarray(metres).reshape(n, k)
