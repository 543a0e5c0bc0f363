"""Placing the areas of ``data/areas.csv`` (counties, islands, the nations) when the index is built.

An area stands at one real, located postcode of its own: the one nearest the
centroid of all of them, so the point is inside the area (a coastline or a
ring of islands cannot put it at sea). Areas with no Code-Point units
(Northern Ireland, Ireland, the Channel Islands) stand at the member district
or routing key nearest their centroid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from locator import reference
from locator.areas import AREAS_CSV, Area, AreaRecord, Namesake
from locator.grid import bng_to_wgs84
from locator.model import Region
from locator.places import Place
from locator.text import fold

_RANGE = re.compile(r"([A-Z]{1,2})([0-9]{1,2})-\1([0-9]{1,2})")
_SECTOR = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])")
_UNIT = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9][A-Z]{2})")
_EIRCODE_ALL = "Eircode"
_DISTRICT_NUMBER = re.compile(r"[A-Z]+([0-9]+)")


def _district_number(district: str) -> int:
    """``SL6`` is 6, ``EC1A`` is 1."""
    match = _DISTRICT_NUMBER.match(district)
    return int(match.group(1)) if match else -1


@dataclass(frozen=True)
class Members:
    """What one area covers, as written in the table and expanded."""

    districts: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    routing_keys: frozenset[str] = frozenset()

    def __or__(self, other: Members) -> Members:
        return Members(self.districts | other.districts, self.sectors | other.sectors,
                       self.units | other.units, self.routing_keys | other.routing_keys)


def expand(rows: Sequence[AreaRecord], districts: Mapping[str, reference.District],
           routing_keys: Mapping[str, object]) -> dict[str, Members]:
    """Each row's members by its first name. Raises ``ValueError`` naming a code that is not real."""
    by_name = {r.name: r for r in rows}
    by_area: dict[str, list[str]] = {}
    for code, district in districts.items():
        by_area.setdefault(district.postcode_area, []).append(code)
    done: dict[str, Members] = {}

    def token(row: AreaRecord, code: str, seen: tuple[str, ...]) -> Members:
        if code == _EIRCODE_ALL:
            return Members(routing_keys=frozenset(routing_keys))
        if code.startswith("@"):
            if code[1:] not in by_name:
                raise ValueError(f"{AREAS_CSV.name}: {row.name}: no row is called {code[1:]}")
            return members(by_name[code[1:]], seen)
        if code in by_area:
            return Members(districts=frozenset(by_area[code]))
        if code in districts:
            return Members(districts=frozenset({code}))
        span = _RANGE.fullmatch(code)
        if span:
            letters, low, high = span.group(1), int(span.group(2)), int(span.group(3))
            hits = {c for c in by_area.get(letters, ())
                    if low <= _district_number(c) <= high}
            if hits:
                return Members(districts=frozenset(hits))
        for pattern, field in ((_SECTOR, "sectors"), (_UNIT, "units")):
            match = pattern.fullmatch(code)
            if match and match.group(1) in districts:
                return Members(**{field: frozenset({code})})
        raise ValueError(f"{AREAS_CSV.name}: {row.name}: {code!r} is not a postcode area, district, range, "
                         f"sector, unit or @row")

    def members(row: AreaRecord, seen: tuple[str, ...] = ()) -> Members:
        if row.name in done:
            return done[row.name]
        if row.name in seen:
            raise ValueError(f"{AREAS_CSV.name}: {row.name} contains itself ({' > '.join(seen)})")
        seen = (*seen, row.name)
        result = Members()
        for code in row.codes:
            result |= token(row, code, seen)
        if not row.codes:
            for part in rows:
                if part.within == row.name:
                    result |= members(part, seen)
        done[row.name] = result
        return result

    for row in rows:
        members(row)
    return done


def locate_all(rows: Sequence[AreaRecord], unit_keys: np.ndarray, outward: np.ndarray, sector_labels: np.ndarray,
               e: np.ndarray, n: np.ndarray, points: Mapping[str, tuple[float, float, Region]],
               places: Sequence[Place], places_by_name: Mapping[str, Sequence[int]]) -> list[Area]:
    """Place every row at its own postcode nearest its centroid.

    A row none of whose postcodes has a position in the data is left out
    (with the full Code-Point data, every row is placed: a test checks it).

    ``unit_keys`` are the located compact unit keys (sorted bytes), with
    their ``outward`` codes (``b"SL6"``), ``sector_labels`` (``b"SL6 8"``),
    eastings ``e`` and northings ``n``; ``points`` are the positions of
    districts and routing keys that have no units (Northern Ireland, the
    Channel Islands, Eircodes). ``places`` (GeoNames records, with ``near``
    set) and ``places_by_name`` (folded name to their positions in
    ``places``) find the towns and villages outside each area that share one
    of its names.
    """
    order = np.argsort(outward, kind="stable")
    codes, starts = np.unique(outward[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    slices = {c.decode(): (s, t) for c, s, t in zip(codes.tolist(), starts.tolist(), ends.tolist(), strict=True)}
    expanded = expand(rows, reference.districts(), reference.routing_keys())
    mask = np.zeros(len(unit_keys), dtype=bool)
    areas = []
    for row in rows:
        m = expanded[row.name]
        mask[:] = False
        for district in m.districts & slices.keys():
            mask[order[slices[district][0]:slices[district][1]]] = True
        for sector in m.sectors:
            mask |= sector_labels == sector.encode()
        if m.units:
            wanted = np.array(sorted(u.replace(" ", "") for u in m.units), dtype="S7")
            found = np.minimum(np.searchsorted(unit_keys, wanted), len(unit_keys) - 1)
            mask[found[unit_keys[found] == wanted]] = True
        located = np.flatnonzero(mask)
        others = sorted(c for c in m.districts | m.routing_keys if c in points and c not in slices)
        found_in = {Region.GREAT_BRITAIN} if len(located) else set()
        regions = tuple(sorted({*found_in, *(points[c][2] for c in others)}, key=list(Region).index))
        if len(located):
            le, ln = e[located], n[located]
            best = located[int(np.argmin((le - le.mean()) ** 2 + (ln - ln.mean()) ** 2))]
            lat, lon = bng_to_wgs84(float(e[best]), float(n[best]))
            key = unit_keys[best].decode()
            at, region = f"{key[:-3]} {key[-3:]}", Region.GREAT_BRITAIN
        elif others:
            coords = np.array([points[c][:2] for c in others], dtype=float)
            centre = coords.mean(axis=0)
            scale = np.cos(np.radians(centre[0]))
            best = int(np.argmin((coords[:, 0] - centre[0]) ** 2 + ((coords[:, 1] - centre[1]) * scale) ** 2))
            at = others[best]
            lat, lon, region = points[at]
        else:
            continue   # none of its postcodes has a position in this data (a partial Code-Point): left out
        folded = tuple(dict.fromkeys(fold(x) for x in row.names))
        inside = m.districts | {code.split(" ")[0] for code in m.sectors | m.units} | m.routing_keys
        namesakes = tuple(
            Namesake(p.name, p.description, p.near, p.population)
            for i in dict.fromkeys(i for name in folded for i in places_by_name.get(name, ()))
            if (p := places[i]).near not in inside)
        areas.append(Area(row.name, row.kind, folded, float(lat), float(lon), region, at,
                          int(len(located) + len(others)), regions, namesakes))
    return areas
