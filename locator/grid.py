"""British National Grid (EPSG:27700) to WGS84 degrees and back, offline.

Unit postcodes keep their grid metres in the index and are converted only
when looked up, so an answer is exactly what the source data says.
"""

from __future__ import annotations

import warnings

from pyproj import Transformer
from pyproj.transformer import TransformerGroup


def _bng_transformer() -> Transformer:
    # pyproj keeps one PROJ object per thread, and one built from EPSG codes costs ~25 ms on
    # each new thread (it reads proj.db); Streamlit runs every rerun on a new thread. The same
    # operation from_crs would choose (the best available offline: OSGB36 to WGS 84 (6)),
    # built from its pipeline text, costs ~0.5 ms per thread and gives identical numbers.
    with warnings.catch_warnings():
        # It notes that the OSTN15 grid (better than the ~2 m Helmert fit) is not installed:
        # known, and it would need a download at run time.
        warnings.simplefilter("ignore", UserWarning)
        best = TransformerGroup("EPSG:27700", "EPSG:4326", always_xy=True).transformers[0]
    return Transformer.from_pipeline(best.definition)


_BNG_TO_WGS84 = _bng_transformer()


def bng_to_wgs84(eastings, northings):
    """Convert British National Grid metres to WGS84 ``(lat, lon)`` degrees.

    Accepts scalars or numpy arrays; uses pyproj's default transformation
    (no grid download, so it works offline).
    """
    lon, lat = _BNG_TO_WGS84.transform(eastings, northings)
    return lat, lon


def wgs84_to_bng(lat, lon):
    """Convert WGS84 degrees to British National Grid ``(easting, northing)`` metres: the inverse of
    :func:`bng_to_wgs84`, by the same transformation. Far outside Britain the figures mean nothing.
    """
    return _BNG_TO_WGS84.transform(lon, lat, direction="INVERSE")
