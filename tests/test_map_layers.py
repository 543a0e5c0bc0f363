"""Who goes where, as built with the index: the picture agrees with the answers.

Read from the built ``static/map/build/`` (``bin/setup`` makes it with
``python -m locator.build``); a test that needs other layers draws them in a
temporary folder.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from PIL import Image

from locator import map_layers
from locator.build import map_layers as map_build
from locator.build.map_layers import Grid
from locator.distances import distances_m
from locator.errors import PaletteTooShort
from locator.grid import bng_to_wgs84
from locator.map_layers import Tiles, clinic_colours, palette
from locator.model import Region
from locator.routing import choose, eligibility


@pytest.fixture(scope="module")
def layers(locator) -> dict:
    return map_layers.load(locator=locator)


def indices(out_dir, layers: dict, size: int = -1) -> np.ndarray:
    """One of the pictures (the largest unless ``size`` says) as values: 0 nothing, 1 + k clinic k's
    tint, 1 + n + k its dot; every coloured pixel must be one of those colours."""
    rgba = np.array(Image.open(out_dir / layers["pictures"][size][1]).convert("RGBA"))
    values = np.zeros(rgba.shape[:2], dtype=np.uint8)
    n = len(layers["clinics"])
    for k, clinic in enumerate(layers["clinics"]):
        rgb = [int(clinic["colour"][i:i + 2], 16) for i in (1, 3, 5)]
        for value, alpha in ((1 + k, map_build._TINT_ALPHA), (1 + n + k, map_build._DOT_ALPHA)):
            values[(rgba[..., :3] == rgb).all(axis=-1) & (rgba[..., 3] == alpha)] = value
    assert not ((values == 0) & (rgba[..., 3] > 0)).any(), "a pixel in a colour that is no clinic's"
    return values


@pytest.fixture(scope="module")
def picture(layers) -> np.ndarray:
    return indices(map_layers.DEFAULT_OUT_DIR, layers)


def pixel_at(picture: np.ndarray, lat: float, lon: float) -> int:
    row, col = Grid.covering().pixel(lat, lon)
    scale = picture.shape[1] / Grid.covering().width
    return int(picture[int(math.floor(row * scale)), int(math.floor(col * scale))])


def clinic_of(value: int, clinics) -> str | None:
    """The clinic whose colour a pixel value is (tint or dot), or None for no colour."""
    if value == 0:
        return None
    return clinics[(value - 1) % len(clinics)].id


def test_each_clinic_has_its_own_colour_in_clinic_order_with_its_name_in_words(layers, locator):
    assert [c["id"] for c in layers["clinics"]] == [c.id for c in locator.clinics]
    colours = [(c["colour"], c["colour_name"]) for c in layers["clinics"]]
    assert len(set(colours)) == len(colours)
    assert colours == [(p.hex, p.name) for p in palette()[: len(colours)]]


def test_a_fifth_clinic_takes_the_next_colour_and_too_many_clinics_are_refused_with_a_reason():
    colours = palette()
    ids = ["a", "b", "c", "d", "e"]
    assert clinic_colours(ids, colours)["e"] == colours[4]
    with pytest.raises(PaletteTooShort, match="add colours"):
        clinic_colours([str(i) for i in range(len(colours) + 1)], colours)


def test_every_live_postcode_is_drawn_in_the_colour_of_the_clinic_it_is_sent_to(picture, locator):
    """A dot is the colour of the clinic lookup() answers, sampled over all of Great Britain.

    Dots that share a pixel near a boundary may overwrite each other, so a
    sample of postcodes that are far from any tie must match exactly.
    """
    index = locator.index
    rng = np.random.default_rng(8)
    live = np.flatnonzero(index.unit_e > 0)
    rows = rng.choice(live, 400, replace=False)
    checked = 0
    for row in rows:
        code = index.unit_keys[row].decode()
        answer = locator.lookup(f"{code[:-3]} {code[-3:]}")
        far = sorted(d.km for d in answer.distances if Region.GREAT_BRITAIN in
                     next(c for c in locator.clinics if c.id == d.clinic.id).serves)
        if far[1] - far[0] < 2:  # within a pixel or two of a boundary
            continue
        value = pixel_at(picture, answer.location.lat, answer.location.lon)
        assert value > len(locator.clinics), f"{code}: no dot"
        assert clinic_of(value, locator.clinics) == answer.clinic.id, code
        checked += 1
    assert checked > 300


@pytest.mark.parametrize(("query", "region_served"), [("L1 8JQ", "GB"), ("G2 1DY", "GB"), ("Belfast", "NI"),
                                                       ("Galway", "IE"), ("IM1 1AE", "IM"), ("St Helier", "JE"), ("GY1 1AA", "GG")])
def test_liverpool_and_glasgow_are_an_english_clinic_s_colour_and_belfast_and_galway_dublin_s(
        picture, locator, query, region_served):
    answer = locator.lookup(query)
    assert region_served in {r.value for r in
                             next(c for c in locator.clinics if c.id == answer.clinic.id).serves}
    assert clinic_of(pixel_at(picture, answer.location.lat, answer.location.lon), locator.clinics) == answer.clinic.id


def test_the_quick_ranking_decides_exactly_as_the_routing_rule(locator):
    """The build ranks on a sphere first; every point must end up where choose() on geodesics puts it."""
    index = locator.index
    rng = np.random.default_rng(3)
    rows = rng.choice(np.flatnonzero(index.unit_e > 0), 50_000, replace=False)
    lat, lon = bng_to_wgs84(index.unit_e[rows].astype(float), index.unit_n[rows].astype(float))
    lats = np.array([c.lat for c in locator.clinics])
    lons = np.array([c.lon for c in locator.clinics])
    for region in (Region.GREAT_BRITAIN, Region.IRELAND):
        eligible = eligibility(locator.clinics)[region]
        quick = map_build._choose_for(lat, lon, eligible, lats, lons)
        exact = choose(distances_m(lat, lon, lats, lons), eligible)
        assert np.array_equal(quick, exact), region


def test_each_smaller_picture_is_the_largest_halved_and_shows_each_clinic_s_area_in_its_colour(layers, locator):
    widths = [width for width, _ in layers["pictures"]]
    assert widths == sorted(widths) and widths[-1] == Grid.covering().width
    for size, width in enumerate(widths):
        picture = indices(map_layers.DEFAULT_OUT_DIR, layers, size)
        assert picture.shape[1] == width
        assert picture.shape[0] == math.ceil(Grid.covering().height * width / widths[-1])
        for clinic in locator.clinics:
            assert clinic_of(pixel_at(picture, clinic.lat, clinic.lon), locator.clinics) == clinic.id


def test_the_picture_covers_every_region_s_land_and_nothing_at_sea(picture, locator):
    grid = Grid.covering()
    assert picture.shape == (grid.height, grid.width)
    for lat, lon in [(54.5, -4.0), (50.0, -4.0), (55.0, -9.5)]:  # Irish Sea, Channel, Atlantic
        assert pixel_at(picture, lat, lon) == 0
    assert (picture > 0).mean() > 0.2


def test_the_towns_are_labelled_biggest_first_without_crowding(layers):
    towns = {name: zoom for name, _, _, zoom in layers["towns"]}
    for city in ("London", "Birmingham", "Glasgow", "Dublin", "Cardiff"):
        assert towns[city] == map_build.MIN_LABEL_ZOOM, city
    for town in ("Belfast", "Liverpool", "Edinburgh", "Cork", "Maidenhead"):
        assert towns[town] <= map_build.MAX_LABEL_ZOOM, town
    assert 500 < len(towns) < 5000


def test_a_clinic_added_to_the_clinics_file_gets_the_next_colour_and_its_own_area(five_clinics, layers, tmp_path):
    """A fifth clinic (Manchester): its layers are drawn for it, and Manchester's postcodes go to it."""
    five = five_clinics.locator()
    built = map_build.build(tmp_path, locator=five)
    assert built["fingerprint"] != layers["fingerprint"]
    assert built == map_layers.load(tmp_path, locator=five)
    assert [c["id"] for c in built["clinics"]][-1] == "manchester"
    assert built["clinics"][-1]["colour"] == palette()[4].hex
    picture = indices(tmp_path, built)
    answer = five.lookup("M1 1AE")
    assert answer.clinic.id == "manchester"
    assert clinic_of(pixel_at(picture, answer.location.lat, answer.location.lon), five.clinics) == "manchester"


def test_layers_built_for_other_clinics_are_not_read_as_these(five_clinics):
    with pytest.raises(FileNotFoundError, match="python -m locator.build"):
        map_layers.load(locator=five_clinics.locator())


def test_tiles_are_off_by_default_and_a_half_or_wrong_setting_is_refused_with_a_reason(tmp_path):
    assert map_layers.tiles() is None
    settings = tmp_path / "map.toml"
    for body, message in [('url = ""\nattribution = "x"', "set both"),
                          ('url = "https://t.example.org/{z}/{x}/{y}.png"\nattribution = ""', "attribution"),
                          ('url = "ftp://t.example.org/{z}/{x}.png"\nattribution = "x"', "{z}, {x} and {y}")]:
        settings.write_text("[tiles]\n" + body + "\n")
        with pytest.raises(ValueError, match=re.escape(message)):
            map_layers.tiles(settings)
    settings.write_text('[tiles]\nurl = "https://{s}.t.example.org/{z}/{x}/{y}.png"\nattribution = "(c) T"\n')
    assert map_layers.tiles(settings) == Tiles("https://{s}.t.example.org/{z}/{x}/{y}.png", "(c) T")
    assert map_layers.tiles(settings).host == "a.t.example.org"
