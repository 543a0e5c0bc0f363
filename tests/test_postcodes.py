"""Parsing: every accepted form normalises, every bad input gets a reason and an example."""

import pytest

from locator import errors
from locator.model import Precision, Region
from locator.parse import Eircode, PlaceName, PostcodeArea, PostcodeDistrict, PostcodeSector, PostcodeUnit, parse


@pytest.mark.parametrize("typed", ["SL6 8DG", "sl68dg", "  SL6   8DG ", "Sl6 8dG", "SL6\t8DG", "ＳＬ６ ８ＤＧ"])
def test_a_full_postcode_is_read_in_any_case_and_spacing(typed):
    value = parse(typed).value
    assert value == PostcodeUnit("SL6", "8DG")
    assert value.normalised == "SL6 8DG"
    assert value.precision is Precision.POSTCODE


@pytest.mark.parametrize("typed, normalised, precision", [
    ("SL6", "SL6", Precision.DISTRICT),
    ("sl6 8", "SL6 8", Precision.SECTOR),
    ("SL68", "SL6 8", Precision.SECTOR),
    ("SL", "SL", Precision.AREA),
    ("W1G 8AJ", "W1G 8AJ", Precision.POSTCODE),
    ("EC1A1BB", "EC1A 1BB", Precision.POSTCODE),
    ("SW1A 1AA", "SW1A 1AA", Precision.POSTCODE),
])
def test_outward_codes_sectors_and_areas_are_read_at_their_level(typed, normalised, precision):
    value = parse(typed).value
    assert value.normalised == normalised
    assert value.precision is precision


@pytest.mark.parametrize("typed, level", [
    ("SL", PostcodeArea("SL")), ("SL6", PostcodeDistrict("SL6")), ("SL6 8", PostcodeSector("SL6", "8")),
    ("SL68", PostcodeSector("SL6", "8")), ("SL6 8DG", PostcodeUnit("SL6", "8DG")), ("BT48", PostcodeDistrict("BT48")),
])
def test_a_postcode_says_its_level_by_its_type(typed, level):
    assert parse(typed).value == level
    assert level.postcode_area == typed[:2]


@pytest.mark.parametrize("make", [
    lambda: PostcodeArea("SL6"), lambda: PostcodeArea(""), lambda: PostcodeDistrict("SL6 8"),
    lambda: PostcodeDistrict("6SL"), lambda: PostcodeSector("SL6", "D"), lambda: PostcodeSector("SL6", "88"),
    lambda: PostcodeUnit("SL6", "DG8"), lambda: PostcodeUnit("SL6", "8D"), lambda: PostcodeUnit("SL6 8", "8DG"),
])
def test_a_postcode_cannot_be_made_with_parts_that_do_not_fit_its_level(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize("typed, region", [
    ("BT1 1AA", Region.NORTHERN_IRELAND), ("bt48", Region.NORTHERN_IRELAND),
    ("IM1 1AA", Region.ISLE_OF_MAN), ("JE2 3AB", Region.JERSEY), ("GY1 1AA", Region.GUERNSEY),
    ("HP7 0HP", Region.GREAT_BRITAIN),
])
def test_northern_ireland_and_crown_dependency_postcodes_know_their_region(typed, region):
    assert parse(typed).value.region is region


@pytest.mark.parametrize("typed, normalised", [
    ("D18 X5K7", "D18 X5K7"), ("d18x5k7", "D18 X5K7"), ("D18", "D18"), ("d6w", "D6W"), ("t12 a2e5", "T12 A2E5"),
])
def test_eircodes_full_or_routing_key_alone_are_read(typed, normalised):
    value = parse(typed).value
    assert isinstance(value, Eircode)
    assert value.normalised == normalised


def test_w12_is_read_as_london_and_says_how_to_ask_for_newbridge():
    parsed = parse("W12")
    assert parsed.value == PostcodeDistrict("W12")
    assert "Newbridge" in parsed.note and "Eircode W12" in parsed.note
    assert parse("Eircode W12").value == Eircode("W12")


def test_a_town_name_is_passed_on_as_a_place():
    assert parse("King's Lynn").value == PlaceName("King's Lynn", "kings lynn")


def test_a_postcode_typed_with_its_town_uses_the_postcode():
    assert parse("Reading, RG1 8DG").value.normalised == "RG1 8DG"


@pytest.mark.parametrize("typed, error, words", [
    ("", errors.EmptyQuery, "SL6 8DG"),
    ("   ", errors.EmptyQuery, "SL6 8DG"),
    ("S" * 101, errors.QueryTooLong, "100"),
    ("SL6\u202e8DG", errors.ForbiddenCharacters, "U+202E"),
    ("SL6\x008DG", errors.ForbiddenCharacters, "U+0000"),
    ("SL6\u200b8DG", errors.ForbiddenCharacters, "U+200B"),
    ("SL6 8DG HP7 0HP", errors.MultiplePostcodes, "one at a time"),
    ("SL6 8DG, D18 X5K7", errors.MultiplePostcodes, "one at a time"),
    ("SL6 HP7", errors.MultiplePostcodes, "one at a time"),
    ("ZZ1 1ZZ", errors.InvalidPostcode, "ZZ is not a UK postcode area"),
    ("SL99 1AA", errors.InvalidPostcode, "no district SL99"),
    ("SL6 8D", errors.InvalidPostcode, "not a complete postcode"),
    ("SL6 8CI", errors.InvalidPostcode, "never C or I"),
    ("D99 X5K7", errors.InvalidPostcode, "not an Eircode routing key"),
    ("D18 XBK7", errors.InvalidPostcode, "B cannot appear"),
    ("90210", errors.NotCovered, "Great Britain, Northern Ireland"),
    ("90210-1234", errors.NotCovered, "Ireland"),
    ("75001", errors.NotCovered, "Crown Dependencies"),
    ("1012 AB", errors.NotCovered, "Ireland"),
    ("K1A 0B1", errors.NotCovered, "Ireland"),
    ("<script>alert(1)</script>", errors.InvalidQuery, "not a postcode or a place name"),
])
def test_bad_input_is_refused_with_a_reason_and_an_example(typed, error, words):
    with pytest.raises(error) as caught:
        parse(typed)
    assert words in caught.value.message
    assert isinstance(caught.value, ValueError)


def test_every_parse_error_also_says_what_a_good_input_looks_like():
    for typed in ["", "ZZ1 1ZZ", "90210", "<b>", "SL6 8DG HP7 0HP", "x" * 101, "SL6\u202e"]:
        with pytest.raises(errors.LocatorError) as caught:
            parse(typed)
        assert any(example in caught.value.message for example in ("SL6 8DG", "D18 X5K7", "8DG"))
