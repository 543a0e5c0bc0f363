"""Drawing the map's own layers, once, after the index (:mod:`locator.map_layers` says what they are).

The who-goes-where picture tints every land pixel with the colour of the clinic the
routing rule picks for a patient standing there, and dots every live GB
postcode in the colour of the clinic it is sent to (drawn at 2048 pixels across,
then halved and halved again); ``layers.json`` gives its bounds, the colours and
the town labels.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from locator.build.index import recipe_sources
from locator.distances import distances_m
from locator.grid import bng_to_wgs84
from locator.map_layers import (DEFAULT_OUT_DIR, JSON_NAME, PICTURE_WIDTHS, REPO_ROOT, clinic_colours, palette,
                                picture_name)
from locator.model import Region
from locator.routing import choose, eligibility
from locator.service import Locator

LAND_GEOJSON = REPO_ROOT / "static" / "map" / "land.geojson"
#: (south, west), (north, east) in WGS84 degrees: Shetland to Jersey, Kerry to Lowestoft.
BOUNDS = ((49.0, -11.0), (61.0, 2.2))
#: Pixels across the largest picture: about 430 m each, sharp up to zoom 8 and readable beyond.
WIDTH_PX = PICTURE_WIDTHS[-1]
# Alpha (0-255) of the tint over land and of a postcode's dot.
_TINT_ALPHA = 70
_DOT_ALPHA = 235
# Town labels: from this zoom to MAX_LABEL_ZOOM; beyond it every town on file is shown.
MIN_LABEL_ZOOM = 5
MAX_LABEL_ZOOM = 11
_MIN_LABEL_POPULATION = 5_000


def mercator_y(lat) -> np.ndarray:
    """Web Mercator's northing, in radians of the equator (the x is the longitude in radians)."""
    phi = np.radians(np.asarray(lat, dtype=float))
    return np.log(np.tan(np.pi / 4 + phi / 2))


def inverse_mercator_y(y) -> np.ndarray:
    return np.degrees(2 * np.arctan(np.exp(np.asarray(y, dtype=float))) - np.pi / 2)


@dataclass(frozen=True, slots=True)
class Grid:
    """The picture's pixel grid: column from longitude, row (0 at the top) from Mercator northing."""

    west: float
    east: float
    top: float  # mercator_y of the north edge
    bottom: float
    width: int
    height: int

    @classmethod
    def covering(cls, bounds=BOUNDS, width: int = WIDTH_PX) -> Grid:
        (south, west), (north, east) = bounds
        top, bottom = float(mercator_y(north)), float(mercator_y(south))
        height = round(width * (top - bottom) / math.radians(east - west))
        return cls(west, east, top, bottom, width, height)

    def pixel(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) of each point, as floats (the pixel is their floor)."""
        col = (np.asarray(lon, dtype=float) - self.west) / (self.east - self.west) * self.width
        row = (self.top - mercator_y(lat)) / (self.top - self.bottom) * self.height
        return row, col

    def centres(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) of the centres of the given pixels."""
        lon = self.west + (cols + 0.5) / self.width * (self.east - self.west)
        lat = inverse_mercator_y(self.top - (rows + 0.5) / self.height * (self.top - self.bottom))
        return lat, lon


def fingerprint(index_fingerprint: str, clinics, land: Path = LAND_GEOJSON) -> str:
    """Changes whenever the picture would: the index, the clinics, the land, the palette, the build's code."""
    served = [(c.id, c.name, round(c.lat, 6), round(c.lon, 6), sorted(r.value for r in c.serves)) for c in clinics]
    digest = hashlib.sha256(f"{index_fingerprint}\x1f{palette()}\x1f{served}".encode())
    for path in (Path(land), *recipe_sources()):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _land_regions(land: Path) -> list[tuple[Region, list]]:
    """(region, polygons) from the land GeoJSON; each polygon a list of rings of (lon, lat)."""
    collection = json.loads(land.read_text(encoding="utf-8"))
    return [(Region(f["properties"]["region"]), f["geometry"]["coordinates"]) for f in collection["features"]]


def _rasterise(polygons: list, grid: Grid):
    """A boolean mask of the grid's pixels inside ``polygons`` (holes cut out)."""
    from PIL import Image, ImageDraw

    mask = Image.new("1", (grid.width, grid.height), 0)
    draw = ImageDraw.Draw(mask)
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            points = np.array(ring, dtype=float)
            row, col = grid.pixel(points[:, 1], points[:, 0])
            draw.polygon(list(zip(col.tolist(), row.tolist(), strict=True)), fill=0 if i else 1)
    return np.array(mask, dtype=bool)


def _choose_for(lat: np.ndarray, lon: np.ndarray, eligible: np.ndarray, clinic_lats, clinic_lons) -> np.ndarray:
    """The chosen clinic's position in the clinic list for each point, by the routing rule.

    Geodesics for millions of points take tens of seconds, so points are first
    ranked on a sphere (within 0.6 % of the geodesic) and only those whose two
    nearest eligible clinics are within 1.5 % of each other are decided by
    ``locator.distances.distances_m`` and ``locator.routing.choose``, as answers are.
    """
    candidates = np.flatnonzero(eligible)
    if len(candidates) == 1:
        return np.full(len(lat), candidates[0], dtype=np.int16)
    phi, lam = np.radians(lat)[:, None], np.radians(lon)[:, None]
    phi_c, lam_c = np.radians(clinic_lats[candidates])[None, :], np.radians(clinic_lons[candidates])[None, :]
    half = np.sin((phi_c - phi) / 2) ** 2 + np.cos(phi) * np.cos(phi_c) * np.sin((lam_c - lam) / 2) ** 2
    sphere = 2 * np.arcsin(np.sqrt(half))
    order = np.argsort(sphere, axis=1)
    chosen = candidates[order[:, 0]].astype(np.int16)
    rows = np.arange(len(lat))
    nearest, second = sphere[rows, order[:, 0]], sphere[rows, order[:, 1]]
    close = np.flatnonzero(second - nearest <= 0.015 * nearest + 1e-6)
    if len(close):
        exact = distances_m(lat[close], lon[close], clinic_lats, clinic_lons)
        chosen[close] = choose(exact, eligible)
    return chosen


def _town_labels(places, max_zoom: int = MAX_LABEL_ZOOM) -> list[list]:
    """``[name, lat, lon, from_zoom]`` for towns, biggest first, labelled where they do not crowd.

    For each zoom a town is labelled if its label's box (about 7 px a character,
    at that zoom's scale) clears every bigger town already labelled; once
    labelled it stays labelled at every greater zoom.
    """
    towns = [p for p in places if p.population >= _MIN_LABEL_POPULATION]
    towns.sort(key=lambda p: (-p.population, p.name))
    from_zoom: dict[int, int] = {}
    for zoom in range(MIN_LABEL_ZOOM, max_zoom + 1):
        scale = 256 * 2 ** zoom / (2 * math.pi)  # screen px per radian
        boxes: list[tuple[float, float, float, float]] = []
        for i, p in enumerate(towns):
            x = math.radians(p.lon) * scale
            y = -float(mercator_y(p.lat)) * scale
            half_w, half_h = 3.5 * len(p.name) + 6, 10
            box = (x - half_w, y - half_h, x + half_w, y + half_h)
            if i in from_zoom or not any(
                    box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
                boxes.append(box)
                from_zoom.setdefault(i, zoom)
    return [[towns[i].name, round(towns[i].lat, 4), round(towns[i].lon, 4), z]
            for i, z in sorted(from_zoom.items())]


def build(out_dir: Path = DEFAULT_OUT_DIR, *, locator: Locator, verbose: bool = False) -> dict[str, Any]:
    """Draw the pictures and write ``layers.json`` into ``out_dir``; returns what the JSON holds."""
    from PIL import Image

    started = time.perf_counter()
    clinics = locator.clinics
    colours = clinic_colours([c.id for c in clinics], palette())
    clinic_lats = np.array([c.lat for c in clinics])
    clinic_lons = np.array([c.lon for c in clinics])
    eligible = eligibility(clinics)
    grid = Grid.covering()
    # Palette image: 0 is transparent; clinic k's tint is 1 + k, its dot 1 + len(clinics) + k.
    pixels = np.zeros((grid.height, grid.width), dtype=np.uint8)

    for region, polygons in _land_regions(LAND_GEOJSON):
        rows, cols = np.nonzero(_rasterise(polygons, grid))
        lat, lon = grid.centres(rows, cols)
        pixels[rows, cols] = 1 + _choose_for(lat, lon, eligible[region], clinic_lats, clinic_lons)

    index = locator.index
    live = index.unit_e > 0
    lat, lon = bng_to_wgs84(index.unit_e[live].astype(float), index.unit_n[live].astype(float))
    # Code-Point Open covers Great Britain only; its postcodes are routed as Great Britain's.
    chosen = _choose_for(lat, lon, eligible[Region.GREAT_BRITAIN], clinic_lats, clinic_lons)
    row, col = grid.pixel(lat, lon)
    row, col = np.floor(row).astype(int), np.floor(col).astype(int)
    inside = (row >= 0) & (row < grid.height) & (col >= 0) & (col < grid.width)
    dots = 1 + len(clinics) + chosen[inside]
    pixels[row[inside], col[inside]] = dots

    rgba = np.array([(0, 0, 0, 0)] + [(*_rgb(colours[c.id].hex), _TINT_ALPHA) for c in clinics]
                    + [(*_rgb(colours[c.id].hex), _DOT_ALPHA) for c in clinics], dtype=np.uint8)
    levels = {WIDTH_PX: pixels}
    for width in sorted(PICTURE_WIDTHS, reverse=True)[1:]:
        levels[width] = _halved(levels[width * 2])

    (south, west), (north, east) = BOUNDS
    layers: dict[str, Any] = {
        "fingerprint": fingerprint(locator.index.meta["fingerprint"], clinics),
        "index": locator.index.meta["fingerprint"],
        "bounds": [[south, west], [north, east]],
        "pictures": [[width, picture_name(width)] for width in PICTURE_WIDTHS],
        "clinics": [{"id": c.id, "name": c.name, "colour": colours[c.id].hex, "colour_name": colours[c.id].name}
                    for c in clinics],
        "postcodes": int(inside.sum()),
        "towns": _town_labels(index.places),
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for width, level in levels.items():
        # Lossless: every tint and dot exact, in 60% of a PNG's bytes.
        image = Image.fromarray(rgba[level], mode="RGBA")
        _write_atomically(out_dir / picture_name(width),
                          lambda f, image=image: image.save(f, format="WEBP", lossless=True, method=6))
    # The JSON last: its fingerprint says the pictures beside it are complete.
    _write_atomically(out_dir / JSON_NAME, lambda f: f.write(json.dumps(layers, separators=(",", ":")).encode()))
    for old in out_dir.glob("catchment*.*"):  # an earlier build's pictures (catchment.png, other sizes)
        if old.name not in {name for _, name in layers["pictures"]}:
            old.unlink()
    if verbose:
        sizes = ", ".join(f"{(out_dir / picture_name(w)).stat().st_size:,}" for w in PICTURE_WIDTHS)
        print(f"Built {out_dir / picture_name(WIDTH_PX)} and its halves ({sizes} bytes, "
              f"{grid.width}x{grid.height}, {layers['postcodes']:,} postcodes) and {len(layers['towns']):,} "
              f"town labels in {time.perf_counter() - started:.1f} s")
    return layers


def _halved(pixels: np.ndarray) -> np.ndarray:
    """Half as wide and as high: each 2x2 block's highest value, so a postcode's dot (the highest values)
    or land's tint (above the sea's 0) in any of its four pixels stays."""
    height, width = pixels.shape
    padded = np.zeros((height + height % 2, width + width % 2), dtype=pixels.dtype)
    padded[:height, :width] = pixels
    return padded.reshape(padded.shape[0] // 2, 2, padded.shape[1] // 2, 2).max(axis=(1, 3))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _write_atomically(path: Path, write) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.stem}-", delete=False) as tmp:
        write(tmp)
    os.chmod(tmp.name, 0o644)  # served to browsers; NamedTemporaryFile makes it private
    os.replace(tmp.name, path)


def ensure(out_dir: Path = DEFAULT_OUT_DIR, *, locator: Locator, verbose: bool = False) -> dict[str, Any]:
    """The layers in ``out_dir``, drawn first if they are missing or out of date."""
    wanted = fingerprint(locator.index.meta["fingerprint"], locator.clinics)
    try:
        layers = json.loads((Path(out_dir) / JSON_NAME).read_text(encoding="utf-8"))
        if layers.get("fingerprint") == wanted and all((Path(out_dir) / name).is_file()
                                                        for _, name in layers["pictures"]):
            return layers
    except (OSError, ValueError, KeyError):
        pass
    return build(out_dir, locator=locator, verbose=verbose)
