"""The locate stage: a parsed query in, a :class:`~locator.model.Location` out.

Each query type from :mod:`locator.parse` has one strategy, registered
with :func:`strategy` and chosen by the query's type in :func:`locate`. A new
kind of query (a county, an island) is a new value class in the parser and a
new strategy here; nothing else changes. Strategies read the gazetteer
(:class:`~locator.gazetteer.PostcodeIndex`) and the place names
(:class:`~locator.places.PlaceIndex`), and take every sentence they write
from :mod:`locator.messages`.

A UK postcode that cannot be placed exactly falls back down its own levels
(unit → sector → district → post town → area) and says so in the note.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from locator import messages
from locator.errors import NotLocatable
from locator.gazetteer import Centroid, PostcodeIndex
from locator.grid import bng_to_wgs84
from locator.model import Location, Precision, Region
from locator.parse import (
    AreaName,
    Eircode,
    ParsedQuery,
    PlaceName,
    PostcodeArea,
    PostcodeDistrict,
    PostcodeSector,
    PostcodeUnit,
    UKPostcode,
)
from locator.places import PlaceIndex

# A town this size or larger elsewhere keeps its name from a county or island of the same name.
TOWN_POPULATION = 10_000

Strategy = Callable[[Any, PostcodeIndex, PlaceIndex], Location]
_STRATEGIES: dict[type, Strategy] = {}
_S = TypeVar("_S", bound=Strategy)


def strategy(*query_types: type) -> Callable[[_S], _S]:
    """Register the decorated function as the way to locate queries of each of ``query_types``."""

    def register(locate_one: _S) -> _S:
        for query_type in query_types:
            _STRATEGIES[query_type] = locate_one
        return locate_one

    return register


def locate(query: ParsedQuery, index: PostcodeIndex, places: PlaceIndex) -> Location:
    """Where ``query`` is. Raises a :class:`~locator.errors.LocatorError` subclass saying why not.

    What the parser noted about the text (``W12`` is also an Eircode routing
    key) comes first in the note and replaces the alternatives.
    """
    try:
        locate_one = _STRATEGIES[type(query.value)]
    except KeyError:
        raise TypeError(f"no locating strategy is registered for {type(query.value).__name__}") from None
    location = locate_one(query.value, index, places)
    if query.note:
        location = dataclasses.replace(location, note=messages.joined(query.note, location.note),
                                       alternatives=query.alternatives)
    return location


def locate_unit_rows(index: PostcodeIndex, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 ``(lat, lon)`` of many unit postcodes at once, by their rows in the unit arrays.

    The rows must have coordinates (``unit_e > 0``); each result is what
    :func:`locate` gives that postcode.
    """
    return bng_to_wgs84(index.unit_e[rows].astype(float), index.unit_n[rows].astype(float))


# --- UK postcodes -------------------------------------------------------------------------


@strategy(PostcodeArea, PostcodeDistrict, PostcodeSector, PostcodeUnit)
def locate_uk_postcode(pc: UKPostcode, index: PostcodeIndex, places: PlaceIndex) -> Location:
    if pc.region is not Region.GREAT_BRITAIN:
        return _at_post_town(pc, index)
    match pc:
        case PostcodeArea():
            return _postcode_area(pc, index)
        case PostcodeDistrict():
            located = _district(pc, pc.district, index)
            if located:
                return located
            raise NotLocatable(messages.no_fixed_location(pc.normalised))
        case PostcodeSector():
            return _fall_back(pc, pc.district, pc.normalised, index, None)
        case PostcodeUnit():
            row = index.unit_row(pc.compact)
            if row >= 0 and index.unit_e[row] > 0:
                lat, lon = bng_to_wgs84(float(index.unit_e[row]), float(index.unit_n[row]))
                return Location(float(lat), float(lon), pc.region, Precision.POSTCODE, pc.normalised)
            why = (messages.unit_without_position(pc.normalised) if row >= 0 else
                   messages.unit_not_in_list(pc.normalised, index.release))
            return _fall_back(pc, pc.district, pc.sector, index, why)


def _fall_back(pc: UKPostcode, district: str, sector: str, index: PostcodeIndex, why: str | None) -> Location:
    """A unit or sector located by the finest level that has a position, saying so when it is a fallback."""
    centroid = index.sectors.get(sector)
    if centroid:
        note = messages.located_by_sector(why, sector) if why else None
        return Location(centroid.lat, centroid.lon, pc.region, Precision.SECTOR, pc.normalised, note)
    why = why or messages.no_current_sector(sector)
    located = _district(pc, district, index, messages.located_by_district(why, district))
    if located:
        return located
    area = index.postcode_areas.get(pc.postcode_area)
    if area:
        # A unit in the data whose whole district has no map position (EH77): the area still is close.
        return Location(area.lat, area.lon, pc.region, Precision.AREA, pc.normalised,
                        messages.located_by_area(why, pc.postcode_area))
    raise NotLocatable(messages.no_fixed_location(pc.normalised))


def _district(pc: UKPostcode, district: str, index: PostcodeIndex, note: str | None = None) -> Location | None:
    """The district's centroid (a divided one's from its sub-districts), else its post town, else ``None``."""
    centroid = index.districts.get(district) or _divided_centroid(district, index)
    if centroid:
        return Location(centroid.lat, centroid.lon, pc.region, Precision.DISTRICT, pc.normalised, note)
    by_town = index.districts_by_town.get(district)
    if by_town:
        return Location(by_town.lat, by_town.lon, pc.region, Precision.DISTRICT, pc.normalised,
                        messages.joined(note, messages.district_at_post_town(district, by_town.town)))
    return None


def _divided_centroid(district: str, index: PostcodeIndex) -> Centroid | None:
    """A divided district (``W1``): the mean of its sub-districts' (``W1A``...) units, or ``None``."""
    subs = [c for d, c in index.districts.items() if d[:-1] == district and d[-1].isalpha()]
    units = sum(c.units for c in subs)
    if not units:
        return None
    return Centroid(sum(c.lat * c.units for c in subs) / units, sum(c.lon * c.units for c in subs) / units, units)


def _postcode_area(pc: PostcodeArea, index: PostcodeIndex) -> Location:
    centroid = index.postcode_areas.get(pc.code)
    if not centroid:
        raise NotLocatable(messages.area_without_location(pc.code))
    return Location(centroid.lat, centroid.lon, pc.region, Precision.AREA, pc.code)


def _at_post_town(pc: UKPostcode, index: PostcodeIndex) -> Location:
    """Northern Ireland and Crown Dependency postcodes, which the unit data does not cover."""
    if isinstance(pc, PostcodeArea):
        return _postcode_area(pc, index)
    town = index.districts_by_town[pc.district]
    return Location(town.lat, town.lon, pc.region, Precision.DISTRICT, pc.normalised,
                    messages.region_at_post_town(pc.region.value, pc.district, town.town))


# --- Eircodes and places ------------------------------------------------------------------


@strategy(Eircode)
def locate_eircode(eircode: Eircode, index: PostcodeIndex, places: PlaceIndex) -> Location:
    town = index.routing_keys[eircode.routing_key]
    return Location(town.lat, town.lon, Region.IRELAND, Precision.DISTRICT, eircode.normalised,
                    messages.eircode_at_post_town(eircode.routing_key, town.town))


@strategy(PlaceName)
def locate_place(query: PlaceName, index: PostcodeIndex, places: PlaceIndex) -> Location:
    key = places.routing_key_for(query.folded)
    if key:
        return locate_eircode(Eircode(key), index, places)
    match = places.find(query.text, query.folded)
    place = match.place
    return Location(place.lat, place.lon, place.region, Precision.PLACE, match.normalised, match.note,
                    tuple(o.near for o in match.others))


@strategy(AreaName)
def locate_area(query: AreaName, index: PostcodeIndex, places: PlaceIndex) -> Location:
    """A county, island or nation, at the one of its own postcodes the index chose.

    The area takes its name unless a town (``TOWN_POPULATION`` people or
    more) elsewhere has it; smaller places elsewhere are named in the note,
    and so are other areas of the same name (the largest answers).
    """
    area, *others = index.areas_by_name.get(query.folded) or (None,)
    if area is None or any(n.population >= TOWN_POPULATION for n in area.namesakes):
        return locate_place(PlaceName(query.text, query.folded), index, places)
    typed = string.capwords(query.text)
    note: str | None = messages.area_located(area.name, area.kind, area.at, area.region is Region.IRELAND)
    elsewhere = [messages.REGION_NAMES[r.value] for r in area.regions if r is not area.region]
    if elsewhere:
        note = messages.joined(note, messages.area_also_covers(elsewhere))
    alternatives = [o.name for o in others]
    if others:
        note = messages.joined(note, messages.areas_share_name(typed, area.name, alternatives))
    if area.namesakes:
        note = messages.joined(note, messages.area_namesakes(typed, [n.description for n in area.namesakes],
                                                             area.namesakes[0].near))
        alternatives += [n.near for n in area.namesakes]
    return Location(area.lat, area.lon, area.region, Precision.AREA, area.name, note,
                    tuple(dict.fromkeys(alternatives)))
