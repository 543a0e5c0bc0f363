"""A device's position (from "Use my location") to a :class:`~locator.model.Location`.

Which region a position is in is decided by the land itself, not by the
nearest postcode: a position in Belfast is 40 km from the nearest Scottish
postcode but inside Northern Ireland's shape. The shapes are Natural Earth's
1:10m land, one MultiPolygon per region, in ``static/map/land.geojson`` (made
by ``data/recipes/land.py``); a position is tested against them with an
even-odd ray test over every edge at once (about 10,000 edges, well under a
millisecond). 1:10m coasts are approximate, and so is GPS: a position off
every shape but within :data:`COAST_TOLERANCE_M` of one belongs to the
nearest, and one beside a live GB postcode (an islet too small for 1:10m)
to Great Britain. Anything else is at sea or outside the area served.

In Great Britain the answer is for the nearest live postcode, at unit
precision. Elsewhere (Northern Ireland, Ireland, the Crown Dependencies) the
postcode data has no units, so the answer is for the rounded position itself
(precision ``device``), named after the nearest of the index's places.

The position is rounded to :data:`ROUND_DEGREES` before anything else and is
never stored or logged here; the :class:`Location` carries the postcode's
position in Great Britain and the rounded position elsewhere.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from locator import messages
from locator.errors import PermissionRefused, PositionOutsideArea, PositionTimedOut, PositionUnavailable
from locator.gazetteer import PostcodeIndex
from locator.grid import bng_to_wgs84, wgs84_to_bng
from locator.model import Location, Precision, Region

LAND_GEOJSON = Path(__file__).resolve().parent.parent / "static" / "map" / "land.geojson"

#: Positions are rounded to this many degrees (0.001° is 111 m north-south, about 65 m east-west here).
ROUND_DEGREES = 0.001
#: Off every shape but this close to one: that region's (1:10m coasts are good to a few hundred metres).
COAST_TOLERANCE_M = 2_000
#: Off every shape, with no region's coast near, but a live GB postcode this close: Great Britain.
POSTCODE_TOLERANCE_M = 1_000
# Beyond this many metres from the grid's origin a position is nowhere near Britain.
_GRID_LIMIT_M = 2_000_000
# Metres per degree of latitude, and of longitude at the equator (WGS84, near enough for tolerances).
_M_PER_DEG_LAT = 111_132.0
_M_PER_DEG_LON = 111_320.0
_DEVICE_FAILURES = {
    "denied": (PermissionRefused, messages.LOCATION_REFUSED),
    "unavailable": (PositionUnavailable, messages.LOCATION_UNAVAILABLE),
    "timeout": (PositionTimedOut, messages.LOCATION_TIMED_OUT),
}
# Half the diagonal of a rounding cell at British latitudes: the most rounding moves a position.
_ROUNDING_ERROR_M = 0.5 * math.hypot(ROUND_DEGREES * _M_PER_DEG_LAT, ROUND_DEGREES * _M_PER_DEG_LON * 0.6)


@dataclass(frozen=True, slots=True)
class LandShapes:
    """Every edge of every region's land, as arrays: edge ``i`` runs (x0, y0) → (x1, y1), lon/lat degrees."""

    regions: tuple[Region, ...]
    region_of_edge: np.ndarray
    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray

    @classmethod
    def from_geojson(cls, path: Path = LAND_GEOJSON) -> LandShapes:
        collection = json.loads(path.read_text(encoding="utf-8"))
        regions, owners, starts, ends = [], [], [], []
        for feature in collection["features"]:
            regions.append(Region(feature["properties"]["region"]))
            for polygon in feature["geometry"]["coordinates"]:
                for ring in polygon:
                    points = np.asarray(ring, dtype=float)
                    starts.append(points[:-1])
                    ends.append(points[1:])
                    owners.append(np.full(len(points) - 1, len(regions) - 1))
        start, end = np.concatenate(starts), np.concatenate(ends)
        return cls(tuple(regions), np.concatenate(owners), start[:, 0], start[:, 1], end[:, 0], end[:, 1])

    def region_containing(self, lat: float, lon: float) -> Region | None:
        """The region whose land contains the point (even-odd rule, so lakes in a shape are not land)."""
        straddles = (self.y0 > lat) != (self.y1 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = self.x0 + (lat - self.y0) * (self.x1 - self.x0) / (self.y1 - self.y0)
        crossings = np.bincount(self.region_of_edge[straddles & (x_cross > lon)], minlength=len(self.regions))
        inside = np.flatnonzero(crossings % 2)
        return self.regions[int(inside[0])] if len(inside) else None

    def nearest_coast(self, lat: float, lon: float) -> tuple[Region, float]:
        """The region whose edge is nearest the point, and how far that edge is, in metres."""
        scale = _M_PER_DEG_LON * math.cos(math.radians(lat))
        ax, ay = (self.x0 - lon) * scale, (self.y0 - lat) * _M_PER_DEG_LAT
        bx, by = (self.x1 - lon) * scale, (self.y1 - lat) * _M_PER_DEG_LAT
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.clip(np.where(length2 > 0, -(ax * dx + ay * dy) / length2, 0.0), 0.0, 1.0)
        distance = np.hypot(ax + t * dx, ay + t * dy)
        nearest = int(np.argmin(distance))
        return self.regions[int(self.region_of_edge[nearest])], float(distance[nearest])


@functools.cache
def land_shapes() -> LandShapes:
    """The land shapes, read once per process (about 10 ms) on the first position asked about."""
    return LandShapes.from_geojson()


def device_failure(reason: str) -> PositionUnavailable:
    """The error for a device that gave no position: ``reason`` is "denied", "timeout" or "unavailable".

    (The browser's three ``GeolocationPositionError`` codes; anything else counts as unavailable.)
    """
    kind, message = _DEVICE_FAILURES.get(reason, _DEVICE_FAILURES["unavailable"])
    return kind(message)


def round_position(lat: float, lon: float) -> tuple[float, float]:
    """``(lat, lon)`` rounded to :data:`ROUND_DEGREES`; raises :class:`PositionUnavailable` if not a position."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise device_failure("unavailable") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise device_failure("unavailable")
    digits = round(-math.log10(ROUND_DEGREES))
    return round(lat, digits), round(lon, digits)


class PositionLocator:
    """Locates device positions against one loaded index (read-only, shared by threads).

    Holds the land shapes and the index's places as arrays; made once per
    :class:`~locator.service.Locator`, on the first position asked about.
    """

    def __init__(self, index: PostcodeIndex, shapes: LandShapes | None = None) -> None:
        self.index = index
        self.shapes = shapes or land_shapes()
        places = index.places
        self._place_names = [p.name for p in places]
        self._place_regions = np.array([Region(p.region).value for p in places])
        self._place_lat = np.array([p.lat for p in places])
        self._place_lon = np.array([p.lon for p in places])

    def region_at(self, lat: float, lon: float) -> Region | None:
        """The region a position is in, or ``None`` at sea or outside the area served.

        On a region's land; else within :data:`COAST_TOLERANCE_M` of its
        coast (the nearest coast wins, so a boat on Carlingford Lough belongs
        to the nearer shore); else Great Britain when a live postcode is
        within :data:`POSTCODE_TOLERANCE_M` (an islet too small for 1:10m).
        """
        region = self.shapes.region_containing(lat, lon)
        if region is not None:
            return region
        region, metres = self.shapes.nearest_coast(lat, lon)
        if metres <= COAST_TOLERANCE_M:
            return region
        if self.nearest_unit(lat, lon, POSTCODE_TOLERANCE_M)[0] >= 0:
            return Region.GREAT_BRITAIN
        return None

    def nearest_unit(self, lat: float, lon: float, within_m: float | None = None) -> tuple[int, float]:
        """The row of the live GB unit postcode nearest a position and its distance in metres.

        ``(-1, inf)`` if there is none (within ``within_m``, when given).
        Distances are on the British National Grid, exact enough at these
        ranges. Only the units in a box round the position are measured (2 km,
        else 20 km, else all): about 6 ms over the 1.7 million, with no
        table built for it.
        """
        e, n = wgs84_to_bng(lat, lon)
        if not (abs(e) < _GRID_LIMIT_M and abs(n) < _GRID_LIMIT_M):
            return -1, math.inf
        ue, un = self.index.unit_e, self.index.unit_n
        # int32 throughout: the scan's temporaries are then a quarter the size of float64 ones.
        e32, n32 = np.int32(round(e)), np.int32(round(n))
        for half_side in (2_000, 20_000, _GRID_LIMIT_M) if within_m is None else (within_m,):
            strip = np.flatnonzero(np.abs(ue - e32) <= half_side)
            rows = strip[(np.abs(un[strip] - n32) <= half_side) & (ue[strip] > 0)]
            if len(rows):
                d2 = (ue[rows] - e) ** 2 + (un[rows] - n) ** 2
                best = int(np.argmin(d2))
                metres = math.sqrt(float(d2[best]))
                # A unit in the box's corner may be farther than one just outside its side.
                if metres <= half_side:
                    return int(rows[best]), metres
        return -1, math.inf

    def locate(self, lat: float, lon: float, accuracy_m: float | None = None) -> Location:
        """Where a device is, as a :class:`Location`; raises :class:`PositionOutsideArea` at sea or abroad.

        ``lat``/``lon`` are WGS84 degrees as the device gave them (rounded
        here first); ``accuracy_m`` is the device's own estimate in metres,
        when it gave one. The note says the position came from the device
        and how closely it is known.
        """
        lat, lon = round_position(lat, lon)
        region = self.region_at(lat, lon)
        if region is None:
            raise PositionOutsideArea(messages.OUT_OF_COVERAGE)
        within = _how_closely(accuracy_m)
        if region is Region.GREAT_BRITAIN:
            row, metres = self.nearest_unit(lat, lon)
            key = self.index.unit_keys[row].decode("ascii")
            postcode = f"{key[:-3]} {key[-3:]}"
            unit_lat, unit_lon = bng_to_wgs84(float(self.index.unit_e[row]), float(self.index.unit_n[row]))
            return Location(float(unit_lat), float(unit_lon), region, Precision.POSTCODE, postcode,
                            messages.located_at_postcode(within, postcode, _about(metres)))
        town = self.nearest_place(region, lat, lon)
        where = _IN.get(region, f"in {region.label}")
        return Location(lat, lon, region, Precision.DEVICE, f"near {town}" if town else where,
                        messages.located_in_region(within, where))

    def nearest_place(self, region: Region, lat: float, lon: float) -> str | None:
        """The name of the index's place nearest a position, among those in ``region``."""
        rows = np.flatnonzero(self._place_regions == region.value)
        if not len(rows):
            return None
        d2 = (self._place_lat[rows] - lat) ** 2 + (math.cos(math.radians(lat)) * (self._place_lon[rows] - lon)) ** 2
        return self._place_names[int(rows[np.argmin(d2)])]


# "in Ireland", but "on the Isle of Man".
_IN = {Region.ISLE_OF_MAN: "on the Isle of Man"}


def _how_closely(accuracy_m: float | None) -> str:
    """The device's accuracy plus the rounding, as said to a person: "about 100 m", "about 3 km"."""
    try:
        accuracy = float(accuracy_m) if accuracy_m is not None else 0.0
    except (TypeError, ValueError):
        accuracy = 0.0
    if not math.isfinite(accuracy) or accuracy < 0:
        accuracy = 0.0
    return f"about {_about(accuracy + _ROUNDING_ERROR_M)}"


def _about(metres: float) -> str:
    """A distance rounded the way people say it: "50 m", "350 m", "1.2 km", "14 km"."""
    fifties = max(50, round(metres / 50) * 50)
    if fifties < 1_000:
        return f"{fifties} m"
    if metres < 10_000:
        return f"{metres / 1000:.1f} km"
    return f"{metres / 1000:.0f} km"
