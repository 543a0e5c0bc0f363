"""The land shapes the map draws and the locator tests positions against (static/map/land.geojson)."""

import json
from pathlib import Path

import pytest

from locator.model import Region

LAND = Path(__file__).resolve().parents[1] / "static" / "map" / "land.geojson"


@pytest.fixture(scope="module")
def features() -> dict[str, dict]:
    collection = json.loads(LAND.read_text(encoding="utf-8"))
    return {f["properties"]["region"]: f for f in collection["features"]}


def rings(feature: dict):
    for polygon in feature["geometry"]["coordinates"]:
        yield from polygon


def test_every_region_the_locator_knows_has_land(features):
    assert set(features) == {r.value for r in Region}


def test_every_ring_is_closed_and_lies_in_the_british_isles(features):
    for feature in features.values():
        for ring in rings(feature):
            assert ring[0] == ring[-1] and len(ring) >= 4
            assert all(-14 < lon < 2 and 49 < lat < 61 for lon, lat in ring)


def test_northern_ireland_is_the_part_of_the_uk_on_the_island_of_ireland(features):
    ni_points = [p for r in rings(features["NI"]) for p in r]
    assert all(-8.3 < lon < -5.3 and 54.0 < lat < 55.4 for lon, lat in ni_points)
    # Great Britain keeps no shape west of the North Channel at Northern Ireland's latitudes.
    for ring in rings(features["GB"]):
        assert not all(lon < -5.4 and 54.0 < lat < 55.3 for lon, lat in ring)


def test_the_shapes_are_small_enough_to_serve_to_a_phone():
    assert LAND.stat().st_size < 300_000
