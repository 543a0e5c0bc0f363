"""Postcodes that are special, for post only, or retired are named for what they are (data/special_postcodes.toml),
and a slip in a postcode's second half gets a postcode's answer, not a place name's."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from locator import reference
from locator.errors import InvalidPostcode, NonGeographic, RetiredPostcode
from locator.model import Precision
from locator.parse import special
from tests.strategies import PROPERTY, live_postcode

TABLE = tomllib.loads(special.SPECIAL_TOML.read_text(encoding="utf-8"))
NAMED = [(code, r) for r in TABLE["special"] for code in r["codes"]]
RETIRED = [(d, r) for r in TABLE["retired"] for d in r["districts"]]


def typed_forms(code: str) -> list[str]:
    return [code, code.lower(), code.replace(" ", ""), f"  {code.lower().replace(' ', '  ')} "]


# ------------------------------------------------------------------ named special postcodes


@pytest.mark.parametrize("code,record", [(c, r) for c, r in NAMED if r.get("at")])
def test_a_special_postcode_with_a_real_place_is_answered_there_and_the_note_says_what_it_is(locator, code, record):
    for typed in typed_forms(code):
        answer = locator.lookup(typed)
        assert answer.location.normalised == record["at"]
        assert answer.location.note.startswith(f"{code} is {record['what']}.")
        assert record["at"] in answer.location.note


@pytest.mark.parametrize("code,record", [(c, r) for c, r in NAMED if not r.get("at")])
def test_a_special_postcode_for_post_only_is_refused_saying_whose_it_is_and_what_to_type(locator, code, record):
    for typed in typed_forms(code):
        with pytest.raises(NonGeographic) as refused:
            locator.lookup(typed)
        message = refused.value.message
        assert message.startswith(f"{code} is {record['what']}.")
        assert "post only" in message and "SL6 8DG" in message


def test_no_special_postcode_is_a_live_postcode_or_a_current_district(locator):
    for code, _ in NAMED:
        compact = code.replace(" ", "")
        assert locator.index.unit_row(compact) < 0, code
        assert compact[:-3] not in reference.districts(), code


# ------------------------------------------------------------------ non-geographic areas


@pytest.mark.parametrize("record", TABLE["area"], ids=lambda r: r["area"])
def test_every_postcode_district_and_code_in_a_non_geographic_area_is_named_as_post_only(locator, record):
    area = record["area"]
    for typed in (area, f"{area}2", f"{area}7 1ZZ", f"{area.lower()}99 9aa"):
        with pytest.raises(NonGeographic) as refused:
            locator.lookup(typed)
        assert record["what"] in refused.value.message and area in refused.value.message
        assert "not a real postcode" not in refused.value.message
    assert area not in reference.postcode_areas()


# ------------------------------------------------------------------ retired districts


@pytest.mark.parametrize("district,record", RETIRED, ids=[d for d, _ in RETIRED])
def test_a_retired_district_says_when_it_went_what_its_towns_have_now_and_offers_the_town(locator, district, record):
    for typed in (district, f"{district} 1AB", f"{district.lower()}9zz"):
        with pytest.raises(RetiredPostcode) as refused:
            locator.lookup(typed)
        error = refused.value
        assert f"the district {district} was retired in {record['retired']}" in error.message
        assert "not a real postcode" not in error.message
        assert list(error.suggestions) == record["post_towns"]
    current = special.retired(district).current
    assert current and all(reference.districts()[d].post_towns for d in current)
    assert all(d in error.message for d in current)


@pytest.mark.parametrize("district,record", RETIRED, ids=[d for d, _ in RETIRED])
def test_the_town_a_retired_district_offers_is_answered(locator, district, record):
    for town in record["post_towns"]:
        assert locator.lookup(town).location.precision is Precision.PLACE


def test_no_retired_district_is_a_current_one():
    assert not {d for d, _ in RETIRED} & set(reference.districts())


# ------------------------------------------------------------------ a slip in the second half


@pytest.mark.parametrize("typed,read", [("SW1A OAA", "SW1A 0AA"), ("sw1a oaa", "SW1A 0AA"), ("SL6 ODG", "SL6 0DG")])
def test_an_o_for_a_zero_where_only_a_digit_can_stand_in_the_second_half_is_read_as_the_zero(locator, typed, read):
    try:
        answer = locator.lookup(typed)
    except InvalidPostcode as refused:  # the zero sector may not exist: then it is suggested, never a place name
        assert read in refused.suggestions
        return
    assert answer.location.normalised == read and "taken as a zero" in answer.location.note


@PROPERTY
@given(st.integers(min_value=0), st.sampled_from("0123456789"), st.sampled_from([1, 2]), st.booleans())
def test_a_digit_where_a_letter_of_the_second_half_must_be_is_a_postcode_error_never_a_place_name(
        locator, n, digit, position, spaced):
    postcode = live_postcode(locator, n)
    outward, inward = postcode.split(" ")
    wrong = inward[:position] + digit + inward[position + 1:]
    with pytest.raises(InvalidPostcode) as refused:
        locator.lookup(f"{outward} {wrong}" if spaced else outward + wrong)
    error = refused.value
    assert "could not find a place" not in error.message
    if not spaced:
        return  # FK201W may be the unfinished FK20 1W: said as such
    if "Did you mean" in error.message:
        # Only a zero has a slip reading (the letter O); a postcode read that way is suggested.
        assert digit == "0" and all(s.startswith(f"{outward} {inward[0]}") for s in error.suggestions)
    else:
        assert f"{digit} where a letter should be" in error.message
        assert error.suggestions == (f"{outward} {inward[0]}",)


# ------------------------------------------------------------------ districts divided into sub-districts


def divided_districts(locator) -> dict[str, list[str]]:
    """W1 → [W1A, W1B, ...]: districts with no postcodes of their own, only their lettered sub-districts'."""
    districts = set(locator.index.districts)
    divided: dict[str, list[str]] = {}
    for d in sorted(districts):
        if d[-1].isalpha() and d[-2].isdigit() and d[:-1] not in districts | set(reference.districts()):
            divided.setdefault(d[:-1], []).append(d)
    return divided


def test_a_divided_district_typed_whole_is_answered_among_its_sub_districts_saying_so(locator):
    divided = divided_districts(locator)
    assert divided  # London's W1, SW1, EC1... in the data
    for parent, subs in divided.items():
        answer = locator.lookup(parent.lower())
        centroids = [locator.index.districts[s] for s in subs]
        assert answer.location.precision is Precision.DISTRICT and answer.location.normalised == parent
        assert min(c.lat for c in centroids) <= answer.location.lat <= max(c.lat for c in centroids)
        assert min(c.lon for c in centroids) <= answer.location.lon <= max(c.lon for c in centroids)
        assert answer.location.note.startswith(f"{parent} is divided into {subs[0]}")


def test_a_postcode_typed_with_the_divided_district_is_read_as_its_one_live_sub_district_or_offers_them(locator):
    divided = divided_districts(locator)
    for parent, subs in divided.items():
        for sub in subs[:4]:
            key = next(k.decode() for k in locator.index.unit_keys[np.searchsorted(locator.index.unit_keys,
                                                                                    sub.encode()):]
                       if k.decode()[:-3] == sub)
            inward = key[-3:]
            live = [s for s in subs if locator.index.unit_row(s + inward) >= 0]
            typed = f"{parent} {inward}"
            if len(live) == 1:
                answer = locator.lookup(typed)
                assert answer.location.normalised == f"{sub} {inward}"
                assert answer.location.note.startswith(f"Read {typed} as {sub} {inward}")
            else:
                with pytest.raises(InvalidPostcode) as refused:
                    locator.lookup(typed)
                assert list(refused.value.suggestions) == [f"{s} {inward}" for s in live]
                assert f"{parent} is divided into" in refused.value.message
