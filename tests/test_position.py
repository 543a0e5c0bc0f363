""""Use my location": a device's position to the right region, postcode and clinic, on the real data."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locator import errors
from locator.contacts import contact_for
from locator.grid import bng_to_wgs84, wgs84_to_bng
from locator.model import Precision, Region
from locator.position import COAST_TOLERANCE_M, device_failure, land_shapes, round_position

MAIDENHEAD = (51.5226, -0.7194)  # the town centre, by the High Street
BELFAST = (54.5973, -5.9301)  # City Hall
DUBLIN = (53.3498, -6.2603)  # O'Connell Bridge
IRISH_SEA = (53.8, -5.0)  # half way from Dublin Bay to Morecambe Bay
NORTH_SEA = (56.0, 2.0)
DOUGLAS = (54.152, -4.486)  # Isle of Man
ST_HELIER = (49.186, -2.107)  # Jersey
ST_PETER_PORT = (49.455, -2.536)  # Guernsey
# Pairs a few kilometres apart on either side of the Northern Ireland-Ireland border
# (1:10m draws the border to within about a kilometre, so none is nearer it than that).
ACROSS_THE_BORDER = [
    ((55.050, -7.250), (55.067, -7.271)),  # Culmore (NI), Muff (IE), on Lough Foyle
    ((54.240, -7.170), (54.180, -7.230)),  # Rosslea (NI), Clones (IE)
    ((54.176, -6.349), (54.000, -6.405)),  # Newry (NI), Dundalk (IE)
]


def distance_m(a, b):
    """Metres between two (lat, lon), near enough for a few kilometres."""
    dy = (a[0] - b[0]) * 111_132
    dx = (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def english(answer) -> bool:
    return Region.GREAT_BRITAIN in answer.clinic.serves


def nearest_unit_by_brute_force(index, lat, lon) -> tuple[str, float]:
    e, n = wgs84_to_bng(lat, lon)
    located = np.flatnonzero(index.unit_e > 0)
    d2 = (index.unit_e[located] - e) ** 2 + (index.unit_n[located] - n) ** 2
    row = located[int(np.argmin(d2))]
    key = index.unit_keys[row].decode()
    return f"{key[:-3]} {key[-3:]}", math.sqrt(float(d2.min()))


# -- Great Britain: the nearest live postcode --------------------------------------------

def test_in_maidenhead_the_answer_is_for_the_nearest_live_postcode_and_the_maidenhead_clinic(locator):
    answer = locator.lookup_position(*MAIDENHEAD, accuracy_m=20)
    location = answer.location
    assert location.region is Region.GREAT_BRITAIN
    assert location.precision is Precision.POSTCODE
    postcode, metres = nearest_unit_by_brute_force(locator.index, *round_position(*MAIDENHEAD))
    assert location.normalised == postcode and postcode.startswith("SL6 ")
    # The answer is that postcode's own answer, as if it had been typed.
    typed = locator.lookup(postcode)
    assert (location.lat, location.lon) == (typed.location.lat, typed.location.lon)
    assert answer.clinic.id == typed.clinic.id == "maidenhead"
    assert answer.contact.phone_dial == typed.contact.phone_dial
    assert metres < 300


def test_the_answer_says_it_was_located_from_the_device_and_how_closely(locator):
    close = locator.lookup_position(*MAIDENHEAD, accuracy_m=15).location.note
    rough = locator.lookup_position(*MAIDENHEAD, accuracy_m=2_400).location.note
    assert close.startswith("Located from your device, to within about ")
    assert "about 100 m" in close  # 15 m from the device, plus the rounding
    assert "about 2.5 km" in rough
    assert "nearest postcode is SL6 " in close


@settings(max_examples=60, deadline=None)
@given(row_fraction=st.floats(0, 1, exclude_max=True), east=st.floats(-150, 150), north=st.floats(-150, 150))
def test_anywhere_in_great_britain_the_postcode_is_the_nearest_one(locator, row_fraction, east, north):
    index = locator.index
    located = np.flatnonzero(index.unit_e > 0)
    row = located[int(row_fraction * len(located))]
    lat, lon = bng_to_wgs84(float(index.unit_e[row]) + east, float(index.unit_n[row]) + north)
    try:
        location = locator.positions.locate(float(lat), float(lon))
    except errors.PositionOutsideArea:
        pytest.fail(f"a position {math.hypot(east, north):.0f} m from a live postcode was called out of coverage")
    assert location.region is Region.GREAT_BRITAIN
    _, nearest_metres = nearest_unit_by_brute_force(index, *round_position(lat, lon))
    found = index.unit_row(location.normalised.replace(" ", ""))
    e, n = wgs84_to_bng(*round_position(lat, lon))
    # Two units at the same distance may be picked either way: the distance is what must match.
    assert math.isclose(math.hypot(index.unit_e[found] - e, index.unit_n[found] - n), nearest_metres, abs_tol=1e-6)


# -- Northern Ireland, Ireland and the border ----------------------------------------------

def test_central_belfast_goes_to_dublin_with_the_number_dialled_from_the_uk(locator):
    answer = locator.lookup_position(*BELFAST)
    assert answer.location.region is Region.NORTHERN_IRELAND
    assert answer.location.precision is Precision.DEVICE
    assert answer.location.normalised == "near Belfast"
    assert not english(answer)
    assert answer.contact.phone_dial == contact_for(answer.clinic, Region.NORTHERN_IRELAND).phone_dial
    assert answer.contact.phone_dial.startswith("+353")


def test_belfast_is_decided_by_the_land_not_by_the_nearest_gb_postcode(locator):
    _, metres = nearest_unit_by_brute_force(locator.index, *BELFAST)
    assert metres > 30_000  # the nearest "postcode" would be Scottish, across the North Channel
    assert locator.positions.region_at(*BELFAST) is Region.NORTHERN_IRELAND


def test_central_dublin_goes_to_dublin_with_the_number_dialled_within_ireland(locator):
    answer = locator.lookup_position(*DUBLIN)
    assert answer.location.region is Region.IRELAND
    assert not english(answer)
    assert answer.contact.phone_dial.startswith("01 ")
    assert "in Ireland" in answer.location.note


@pytest.mark.parametrize("north, south", ACROSS_THE_BORDER)
def test_either_side_of_the_border_is_northern_ireland_or_ireland_and_dials_accordingly(locator, north, south):
    ni, ie = locator.lookup_position(*north), locator.lookup_position(*south)
    assert distance_m(north, south) < 25_000
    assert ni.location.region is Region.NORTHERN_IRELAND
    assert ie.location.region is Region.IRELAND
    assert ni.clinic.id == ie.clinic.id
    assert ni.contact.phone_dial != ie.contact.phone_dial


# -- the Crown Dependencies -------------------------------------------------------------

def test_the_isle_of_man_goes_to_an_english_clinic_though_dublin_is_nearer(locator):
    answer = locator.lookup_position(*DOUGLAS)
    assert answer.location.region is Region.ISLE_OF_MAN
    assert answer.location.normalised == "near Douglas"
    assert english(answer)
    assert answer.distances[0].clinic.id != answer.clinic.id  # the nearest overall does not take its patients


@pytest.mark.parametrize("position, region", [(ST_HELIER, Region.JERSEY), (ST_PETER_PORT, Region.GUERNSEY)])
def test_the_channel_islands_go_to_an_english_clinic(locator, position, region):
    answer = locator.lookup_position(*position)
    assert answer.location.region is region
    assert english(answer)


# -- at sea, on the coast, and no position at all ------------------------------------------

@pytest.mark.parametrize("position", [IRISH_SEA, NORTH_SEA, (48.857, 2.352), (40.7, -74.0)],
                         ids=["Irish Sea", "North Sea", "Paris", "New York"])
def test_at_sea_or_abroad_there_is_a_clear_message_not_an_answer(locator, position):
    with pytest.raises(errors.PositionOutsideArea) as caught:
        locator.lookup_position(*position)
    assert "at sea, or outside the places our clinics serve" in caught.value.message
    assert "Type your postcode or town instead" in caught.value.message


def test_just_off_the_coast_counts_as_the_land_it_is_off(locator):
    brighton_beach = (50.8180, -0.1370)
    offshore = (50.8135, -0.1370)  # 500 m out to sea
    assert land_shapes().region_containing(*offshore) is None
    region, metres = land_shapes().nearest_coast(*offshore)
    assert region is Region.GREAT_BRITAIN and metres < COAST_TOLERANCE_M
    assert locator.lookup_position(*offshore).location.normalised == \
        locator.lookup_position(*brighton_beach).location.normalised


@pytest.mark.parametrize("reason, kind", [("denied", errors.PermissionRefused), ("timeout", errors.PositionTimedOut),
                                          ("unavailable", errors.PositionUnavailable)])
def test_each_way_a_device_can_fail_has_its_own_plain_message_asking_for_a_postcode(reason, kind):
    error = device_failure(reason)
    assert type(error) is kind and isinstance(error, errors.LocatorError)
    assert error.message.endswith("Type your postcode or town instead, for example SL6 8DG.")
    others = {device_failure(r).message for r in ("denied", "timeout", "unavailable") if r != reason}
    assert error.message not in others


@pytest.mark.parametrize("lat, lon", [(math.nan, 0.0), (91.0, 0.0), (0.0, 181.0), ("north", "west"), (None, 1.0)])
def test_a_position_that_is_not_one_is_said_to_be_unavailable(locator, lat, lon):
    with pytest.raises(errors.PositionUnavailable):
        locator.lookup_position(lat, lon)


def test_the_position_is_rounded_to_about_a_hundred_metres_before_it_is_used(locator):
    a = locator.lookup_position(54.59731, -5.93012).location
    b = locator.lookup_position(54.59749, -5.93004).location  # 20 m away, in the same rounding cell
    assert (a.lat, a.lon) == (b.lat, b.lon) == (54.597, -5.93)
    assert round_position(51.52263, -0.71949) == (51.523, -0.719)
