"""Locating and routing on the real data: the answer a patient or caller gets."""

import math
import typing

import pytest
from geopy.distance import geodesic

from locator import errors
from locator.bulk import answer_list
from locator.model import Precision, Region


def english_clinic_nearest_by_geopy(locator, lat, lon):
    english = [c for c in locator.clinics if Region.GREAT_BRITAIN in c.serves]
    return min(english, key=lambda c: geodesic((lat, lon), (c.lat, c.lon)).meters).id


def on_this_side_of_the_sea(clinic) -> bool:
    """A clinic that takes patients from Great Britain and is itself in Great Britain."""
    return Region.GREAT_BRITAIN in clinic.serves and clinic.region is Region.GREAT_BRITAIN


# -- the clinics themselves ---------------------------------------------------------------

def test_each_clinic_is_where_its_own_locate_by_is_and_a_search_there_finds_it(locator):
    for clinic in locator.clinics:
        answer = locator.lookup(clinic.locate_by)
        assert (answer.location.lat, answer.location.lon) == (clinic.lat, clinic.lon)
        assert answer.distance.metres < 1
        if clinic.region in clinic.serves:
            assert answer.clinic.id == clinic.id


def test_each_english_clinic_sits_at_its_own_postcode(locator):
    for clinic_id, postcode in [("amersham", "HP7 0HP"), ("maidenhead", "SL6 8DG"), ("london", "W1G 8AJ")]:
        answer = locator.lookup(postcode)
        assert answer.clinic.id == clinic_id
        assert answer.distance.metres < 1


def test_dublin_clinic_sits_in_sandyford_dublin_18(locator):
    dublin = next(c for c in locator.clinics if c.id == "dublin")
    assert 53.25 < dublin.lat < 53.30 and -6.26 < dublin.lon < -6.19
    assert dublin.address[-1] == "Sandyford, Dublin 18"


def test_clinic_details_come_from_the_clinics_page(locator):
    by_id = {c.id: c for c in locator.clinics}
    assert by_id["amersham"].address == ("24-28 The Broadway", "Amersham, Buckinghamshire", "HP7 0HP")
    assert by_id["maidenhead"].address[0] == "The Bridge Clinic"
    assert by_id["london"].address[0] == "62 Wimpole Street"
    assert by_id["dublin"].email == "enquiries@varicoseveins.ie"
    assert {by_id[i].email for i in ("amersham", "maidenhead", "london")} == {"enquiries@britishveininstitute.com"}


# -- the routing rule -----------------------------------------------------------------------

@pytest.mark.parametrize("postcode, town", [
    ("L1 8JQ", "Liverpool"), ("G1 1XQ", "Glasgow"), ("LL65 1AA", "Holyhead"), ("CA1 1AA", "Carlisle"),
])
def test_patients_nearer_dublin_in_a_straight_line_still_go_to_a_clinic_in_great_britain(locator, postcode, town):
    answer = locator.lookup(postcode)
    assert answer.location.precision is Precision.POSTCODE
    assert on_this_side_of_the_sea(answer.clinic), town
    assert answer.clinic.id == english_clinic_nearest_by_geopy(locator, answer.location.lat, answer.location.lon)
    dublin = next(d for d in answer.distances if d.clinic.id == "dublin")
    assert not dublin.serves_you
    assert answer.contact.phone_dial == "0800 783 6106"


@pytest.mark.parametrize("town", ["Liverpool", "Glasgow", "Holyhead", "Stranraer"])
def test_towns_facing_ireland_go_to_a_clinic_that_serves_great_britain_never_across_the_sea(locator, town):
    assert on_this_side_of_the_sea(locator.lookup(town).clinic)


@pytest.mark.parametrize("query", ["BT1 1AA", "BT48 6DQ", "Belfast", "Londonderry", "bt7"])
def test_northern_ireland_goes_to_dublin_and_dials_it_internationally(locator, query):
    answer = locator.lookup(query)
    assert answer.location.region is Region.NORTHERN_IRELAND
    assert answer.clinic.id == "dublin"
    assert answer.contact.phone_dial == "+353 1 293 7839"
    assert answer.contact.tel_uri == "tel:+35312937839"
    assert answer.contact.email == "enquiries@varicoseveins.ie"


@pytest.mark.parametrize("query", ["D18 X5K7", "d18x5k7", "D18", "Galway", "Dublin 4", "H91", "Eircode W12"])
def test_ireland_goes_to_dublin_and_dials_it_as_a_local_number(locator, query):
    answer = locator.lookup(query)
    assert answer.location.region is Region.IRELAND
    assert answer.clinic.id == "dublin"
    assert answer.contact.phone_dial == "01 293 7839"


@pytest.mark.parametrize("query, region", [
    ("IM1 1AA", Region.ISLE_OF_MAN), ("JE2 3AB", Region.JERSEY), ("GY1 1AA", Region.GUERNSEY),
    ("St Helier", Region.JERSEY),
])
def test_crown_dependencies_go_to_an_english_clinic(locator, query, region):
    answer = locator.lookup(query)
    assert answer.location.region is region
    assert on_this_side_of_the_sea(answer.clinic)
    assert answer.contact.phone_e164 == "+448007836106"


def test_gb_callers_dial_the_freephone_number(locator):
    answer = locator.lookup("SL6 8DG")
    assert answer.contact.phone_dial == "0800 783 6106"
    assert answer.contact.tel_uri == "tel:+448007836106"
    assert answer.contact.email == "enquiries@britishveininstitute.com"


@pytest.mark.parametrize("postcode", ["BN12 5QE", "CB1 1LR", "LD1 5SJ", "HR4 9UF", "UB10 9NQ"])
def test_near_ties_go_to_the_strictly_nearest_clinic_every_time(locator, postcode):
    answers = {locator.lookup(postcode).clinic.id for _ in range(3)}
    bulk = answer_list(locator, [postcode, postcode])[1].answer.clinic.id
    answer = locator.lookup(postcode)
    assert answers == {bulk}
    assert bulk == english_clinic_nearest_by_geopy(locator, answer.location.lat, answer.location.lon)


def test_distances_cover_every_clinic_nearest_first_in_miles_and_km(locator):
    answer = locator.lookup("HP7 0HP")
    assert [d.clinic.id for d in answer.distances][0] == "amersham"
    assert len(answer.distances) == len(locator.clinics)
    metres = [d.metres for d in answer.distances]
    assert metres == sorted(metres)
    for d in answer.distances:
        assert math.isclose(d.km * 1000, d.metres)
        assert math.isclose(d.miles * 1609.344, d.metres)


def test_distances_agree_with_geopy(locator):
    answer = locator.lookup("L1 8JQ")
    for d in answer.distances:
        expected = geodesic((answer.location.lat, answer.location.lon), (d.clinic.lat, d.clinic.lon)).meters
        assert d.metres == pytest.approx(expected, abs=1e-3)


# -- precision and fallbacks ---------------------------------------------------------------

@pytest.mark.parametrize("query, precision", [
    ("SL6 8DG", Precision.POSTCODE), ("SL6 8", Precision.SECTOR), ("SL6", Precision.DISTRICT),
    ("Reading", Precision.PLACE), ("SL", Precision.AREA), ("BT1 1AA", Precision.DISTRICT),
    ("D18 X5K7", Precision.DISTRICT),
])
def test_each_answer_says_how_precisely_it_was_located(locator, query, precision):
    assert locator.lookup(query).location.precision is precision


def test_a_postcode_the_data_lists_without_coordinates_falls_back_to_its_sector(locator):
    answer = locator.lookup("SK2 9DA")
    assert answer.location.precision is Precision.SECTOR
    assert "has no map position" in answer.location.note and "SK2 9" in answer.location.note
    assert answer.location.normalised == "SK2 9DA"


def test_a_postcode_whose_sector_has_no_coordinates_falls_back_to_its_district(locator):
    answer = locator.lookup("AB43 1AG")
    assert answer.location.precision is Precision.DISTRICT
    assert "district, AB43" in answer.location.note


def test_a_well_formed_postcode_not_in_the_data_falls_back_and_says_so(locator):
    answer = locator.lookup("SL6 8ZZ")
    assert answer.location.precision is Precision.SECTOR
    assert "not in the postcode list" in answer.location.note
    assert answer.clinic.id == "maidenhead"


def test_sector_and_district_queries_use_the_centroid_of_their_live_postcodes(locator):
    sector = locator.lookup("SL6 8").location
    district = locator.lookup("SL6").location
    maidenhead = locator.lookup("SL6 8DG").location
    assert geodesic((sector.lat, sector.lon), (maidenhead.lat, maidenhead.lon)).km < 3
    assert geodesic((district.lat, district.lon), (maidenhead.lat, maidenhead.lon)).km < 5


def test_a_forces_postcode_is_outside_coverage_and_gives_the_clinics_email(locator):
    with pytest.raises(errors.OverseasAddress) as caught:
        locator.lookup("BF1 1AA")
    assert "British Forces" in caught.value.message
    assert all(clinic.email in caught.value.message for clinic in locator.clinics)


# -- places ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, name", [
    ("reading", "Reading"), ("GLASGOW", "Glasgow"), ("galway", "Galway"), ("Belfast", "Belfast"),
    ("kings lynn", "King's Lynn"), ("Saint Albans", "St Albans"), ("dun laoghaire", "Dún Laoghaire"),
])
def test_towns_match_whatever_the_case_accents_and_punctuation(locator, typed, name):
    assert locator.lookup(typed).location.normalised == name


def test_a_shared_place_name_answers_for_the_largest_and_names_the_others(locator):
    location = locator.lookup("Newport").location
    assert "Wales" in location.note and "NP20" in location.note
    assert "PO30" in location.alternatives
    assert locator.lookup("PO30").location.normalised == "PO30"


def test_a_misspelt_town_gets_suggestions_not_a_guess(locator):
    with pytest.raises(errors.UnknownPlace) as caught:
        locator.lookup("Readng")
    assert "Reading" in caught.value.suggestions
    assert "Did you mean" in caught.value.message


def test_an_unknown_word_is_refused_with_an_example(locator):
    with pytest.raises(errors.UnknownPlace) as caught:
        locator.lookup("Qwertyuiop")
    assert "SL6 8DG" in caught.value.message


# -- bulk -----------------------------------------------------------------------------------

def test_bulk_answers_equal_single_answers_in_order(locator):
    queries = ["SL6 8DG", "xx", "L1 8JQ", "BT1 1AA", "SL6 8ZZ", "", "D18 X5K7", "Reading", "sl68dg", "W1G 8AJ",
               "W12", "Newport", "AB43 1AG", "Jersey"]
    result = answer_list(locator, queries)
    assert len(result) == len(queries)
    for query, row in zip(queries, result, strict=True):
        bulk = row.outcome
        try:
            single = locator.lookup(query)
        except errors.LocatorError as exc:
            assert type(bulk) is type(exc) and bulk.message == exc.message
            continue
        assert row.to_dict() == single.to_dict()


def test_bulk_counts_answers_per_clinic_and_errors_per_kind(locator):
    per_clinic, per_error = answer_list(locator, ["SL6 8DG", "SL6 8DH", "BT1 1AA", "90210", ""]).counts()
    assert per_clinic["Maidenhead"] == 2 and per_clinic["Dublin"] == 1
    assert sum(per_error.values()) == 2


@pytest.mark.parametrize("typed, region", [
    ("Jersey", Region.JERSEY), ("Guernsey", Region.GUERNSEY), ("Isle of Man", Region.ISLE_OF_MAN),
])
def test_an_island_named_as_a_whole_goes_to_an_english_clinic(locator, typed, region):
    answer = locator.lookup(typed)
    assert answer.location.region is region
    assert on_this_side_of_the_sea(answer.clinic)


@pytest.mark.parametrize("typed", ["County Kerry", "Co. Cork", "co donegal"])
def test_an_irish_county_goes_to_dublin(locator, typed):
    answer = locator.lookup(typed)
    assert answer.location.region is Region.IRELAND
    assert answer.clinic.id == "dublin"


def test_london_is_not_called_ambiguous_because_of_the_city_of_london(locator):
    assert locator.lookup("London").location.note is None


def test_grid_references_convert_exactly_as_pyprojs_own_choice_does():
    import numpy as np
    from pyproj import Transformer

    from locator.grid import bng_to_wgs84

    reference = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    eastings = np.linspace(100_000, 650_000, 500)
    northings = np.linspace(10_000, 1_200_000, 500)
    lon, lat = reference.transform(eastings, northings)
    ours = bng_to_wgs84(eastings, northings)
    assert np.array_equal(ours[0], lat) and np.array_equal(ours[1], lon)


def test_each_kind_of_query_is_located_by_the_strategy_registered_for_its_type(locator):
    from locator import locating
    from locator.parse import ParsedQuery, Query

    assert set(typing.get_args(Query)) == set(locating._STRATEGIES)

    class County(str):
        pass

    with pytest.raises(TypeError, match="County"):
        locating.locate(ParsedQuery(County("Norfolk")), locator.index, locator.places)
