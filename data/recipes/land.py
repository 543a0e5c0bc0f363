"""Recipe: the land shapes the map draws and the locator tests positions against.

Natural Earth's 1:10m countries (public domain), as TopoJSON in the npm package
``world-atlas`` (ISC), cut down to the places the clinics serve and written to
``static/map/land.geojson``: one feature per region, with ``region`` set to the
code ``locator.model.Region`` uses (GB, NI, IE, IM, JE, GG).

Natural Earth has the United Kingdom as one country. Northern Ireland is the
part of it that shares a border with Ireland (in TopoJSON a shared border is one
shared arc), with the islands nearer that part than Great Britain (Rathlin).

Run from the repository root; it needs ``npm`` and the network to the registry,
and checks the tarball against the pinned checksum before reading it::

    .venv/bin/python data/recipes/land.py

The output is committed, so neither the app nor its tests ever run this.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

PACKAGE = "world-atlas@2.0.2"
SHA256 = "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"
MEMBER = "package/countries-10m.json"
LICENCE_MEMBER = "package/LICENSE"
OUT = Path(__file__).resolve().parents[2] / "static" / "map" / "land.geojson"
LICENCE_OUT = OUT.with_name("LICENSE.world-atlas.txt")
# Natural Earth name -> region code (locator.model.Region).
COUNTRIES = {"Ireland": "IE", "Isle of Man": "IM", "Jersey": "JE", "Guernsey": "GG"}
UNITED_KINGDOM = "United Kingdom"
NAMES = {"GB": "Great Britain", "NI": "Northern Ireland", "IE": "Ireland", "IM": "Isle of Man",
         "JE": "Jersey", "GG": "Guernsey"}
# The quantised grid is about 0.0036° by 0.0017°; four decimals keep every point.
DECIMALS = 4


def fetch(workdir: Path) -> tuple[dict, bytes]:
    """The TopoJSON of ``countries-10m.json`` and the package's licence, from the pinned, checksummed tarball."""
    name = subprocess.run(["npm", "pack", "--silent", PACKAGE], cwd=workdir, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    data = (workdir / name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        sys.exit(f"{PACKAGE}: sha256 {digest}, expected {SHA256}; refusing to use it")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return json.load(tar.extractfile(MEMBER)), tar.extractfile(LICENCE_MEMBER).read()


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute lon/lat points (TopoJSON stores quantised deltas)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, DECIMALS), round(y * sy + ty, DECIMALS)))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list) -> list[tuple[float, float]]:
    """A closed ring from arc indices (``~i`` is arc ``i`` reversed); shared end points kept once."""
    points: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict) -> list[list[list[int]]]:
    return geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]


def arc_ids(polygon: list[list[int]]) -> set[int]:
    return {i if i >= 0 else ~i for r in polygon for i in r}


def split_united_kingdom(uk: list, ireland: list, arcs: list) -> tuple[list, list]:
    """(Great Britain's polygons, Northern Ireland's) out of the United Kingdom's.

    An island goes with Northern Ireland when its mainland is nearer than any other
    part of the United Kingdom (Rathlin does; Sanda, off Kintyre, and Rockall do not).
    """
    border = set().union(*(arc_ids(p) for p in ireland))
    mainland_ni = [p for p in uk if arc_ids(p) & border]
    islands = [p for p in uk if not arc_ids(p) & border]
    points = [_scaled(ring(p[0], arcs)) for p in islands]
    ni_points = np.concatenate([_scaled(ring(p[0], arcs)) for p in mainland_ni])

    def gap(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.min(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)))

    ni, gb = list(mainland_ni), []
    for i, polygon in enumerate(islands):
        to_rest = min(gap(points[i], other) for j, other in enumerate(points) if j != i)
        (ni if gap(points[i], ni_points) < to_rest else gb).append(polygon)
    return gb, ni


def _scaled(points: list[tuple[float, float]]) -> np.ndarray:
    """Points in degrees of latitude on both axes, so that distances compare fairly (about 55°N)."""
    array = np.array(points, dtype=float)
    array[:, 0] *= np.cos(np.radians(55.0))
    return array


def feature(region: str, polys: list, arcs: list) -> dict:
    return {
        "type": "Feature",
        "properties": {"region": region, "name": NAMES[region]},
        "geometry": {"type": "MultiPolygon",
                     "coordinates": [[ring(r, arcs) for r in p] for p in polys]},
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        topology, licence = fetch(Path(tmp))
    arcs = decode_arcs(topology)
    by_name = {g["properties"]["name"]: g for g in topology["objects"]["countries"]["geometries"]}
    ireland = polygons(by_name["Ireland"])
    gb, ni = split_united_kingdom(polygons(by_name[UNITED_KINGDOM]), ireland, arcs)
    features = [feature("GB", gb, arcs), feature("NI", ni, arcs)]
    features += [feature(code, polygons(by_name[name]), arcs) for name, code in COUNTRIES.items()]
    collection = {
        "type": "FeatureCollection",
        "source": f"Natural Earth 1:10m countries (public domain), from npm {PACKAGE} (ISC)",
        "features": features,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    LICENCE_OUT.write_bytes(licence)
    counts = ", ".join(f"{f['properties']['region']} {len(f['geometry']['coordinates'])}" for f in features)
    print(f"Wrote {OUT} ({OUT.stat().st_size:,} bytes); polygons: {counts}")


if __name__ == "__main__":
    main()
