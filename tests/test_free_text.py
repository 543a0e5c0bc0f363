"""What people really type: addresses, slips, counties, islands, nations, overseas codes, non-places."""

import json
import subprocess
import sys

import pytest
from geopy.distance import geodesic

from locator import areas, errors, reference
from locator.build import areas as area_placement
from locator.bulk import answer_list
from locator.model import Precision, Region
from locator.parse import parse


def ok(answer, normalised, precision):
    assert answer.location.normalised == normalised
    assert answer.location.precision is precision
    return answer


# -- a postcode inside other text ----------------------------------------------------------------

@pytest.mark.parametrize("typed, postcode", [
    ("Flat 2, 5 Friar Street, Reading RG1 1DB", "RG1 1DB"),
    ("Unit 4, Queen St, Cardiff, CF10 2BU", "CF10 2BU"),
    ("my postcode is SL6 8DG", "SL6 8DG"),
    ("SL6 8DG please", "SL6 8DG"),
    ("62 Wimpole Street, London W1G 8AJ, UK", "W1G 8AJ"),
    ("Postcode: hp7-0hp", "HP7 0HP"),
])
def test_the_one_postcode_in_an_address_or_sentence_is_answered_and_the_note_says_so(locator, typed, postcode):
    answer = ok(locator.lookup(typed), postcode, Precision.POSTCODE)
    assert answer.location.note.startswith(f"Searched for {postcode}, the postcode in what you typed.")


@pytest.mark.parametrize("typed", ["RG1.1DB", "RG1-1DB", "RG1,1DB", "(RG1 1DB)", "'RG1 1DB'", '"RG1 1DB"',
                                   "[rg1 1db]", "RG1 1DB.", "RG1 \u2013 1DB", "RG1 / 1DB"])
def test_punctuation_around_a_postcode_or_between_its_halves_is_read_past_silently(locator, typed):
    answer = ok(locator.lookup(typed), "RG1 1DB", Precision.POSTCODE)
    assert answer.location.note is None


def test_an_eircode_in_an_address_is_answered_and_named_as_the_eircode(locator):
    answer = locator.lookup("Q House, 76 Furze Road, Sandyford, D18 X5K7")
    assert answer.location.normalised == "D18 X5K7"
    assert answer.location.note.startswith("Searched for D18 X5K7, the Eircode in what you typed.")
    assert answer.location.region is Region.IRELAND


@pytest.mark.parametrize("typed", ["SL6 8DG or HP7 0HP", "from RG1.1DB to W1G.8AJ", "SL6-8DG, D18 X5K7"])
def test_two_different_postcodes_in_one_query_are_still_an_error(locator, typed):
    with pytest.raises(errors.MultiplePostcodes):
        locator.lookup(typed)


def test_the_cli_json_note_carries_what_was_left_out():
    done = subprocess.run([sys.executable, "-m", "locator", "--json", "--", "Flat 2, 5 Friar Street, Reading RG1 1DB",
                           "EC1A lBB"], capture_output=True, text=True, timeout=120)
    address, slip = (json.loads(line) for line in done.stdout.splitlines())
    assert address["normalised"] == "RG1 1DB" and "Searched for RG1 1DB" in address["note"]
    assert slip["normalised"] == "EC1A 1BB" and "Read EC1A lBB as EC1A 1BB" in slip["note"]


# -- slips ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, read, precision", [
    ("EC1A lBB", "EC1A 1BB", Precision.POSTCODE),   # a lower-case l for a one
    ("CF1O 2BU", "CF10 2BU", Precision.POSTCODE),   # a letter O in the district's digits
    ("SW1A OAA", "SW1A 0AA", Precision.POSTCODE),   # a letter O as the inward code's digit
    ("S014 7DU", "SO14 7DU", Precision.POSTCODE),   # a zero where only a letter can stand
    ("EC1A IBB", "EC1A 1BB", Precision.POSTCODE),   # a capital I for a one
    ("CF1O", "CF10", Precision.DISTRICT),
])
def test_a_slip_with_one_real_reading_is_answered_and_the_note_says_what_was_read(locator, typed, read, precision):
    answer = ok(locator.lookup(typed), read, precision)
    assert answer.location.note.startswith(f"Read {typed} as {read}")


def test_a_slip_whose_reading_is_not_a_live_postcode_is_only_suggested(locator):
    with pytest.raises(errors.InvalidPostcode) as caught:
        locator.lookup("CF1O 2ZZ")
    assert caught.value.suggestions == ("CF10 2ZZ",)
    assert "Did you mean CF10 2ZZ?" in caught.value.message


def test_without_the_live_postcode_list_a_slip_is_suggested_never_corrected():
    with pytest.raises(errors.InvalidPostcode) as caught:
        parse("CF1O 2BU")
    assert caught.value.suggestions == ("CF10 2BU",)


@pytest.mark.parametrize("typed", ["Coll", "Iona", "Hoy"])
def test_a_word_with_no_digit_is_never_read_as_a_mistyped_postcode(locator, typed):
    location = locator.lookup(typed).location   # Coll is the island, never CO11
    assert location.precision is Precision.AREA and location.normalised == typed


@pytest.mark.parametrize("typed", ["SO14 0AA", "OL1 1AA", "IG1 1AA", "LL65 1AA", "L1 0AA", "IV1 1AA", "CO1 1AA"])
def test_a_real_postcode_with_the_letters_o_i_l_is_never_changed(locator, typed):
    parsed = locator.parser.parse(typed)
    assert parsed.value.normalised == typed and parsed.note is None


# -- areas larger than a town --------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["Shropshire", "Norfolk", "Wiltshire", "Gwynedd", "Highland", "Yorkshire",
                                   "Middlesex", "Cumberland", "Fife", "Powys", "Salop", "Co. Durham"])
def test_a_county_is_located_roughly_with_a_note_that_a_postcode_does_better(locator, typed):
    location = locator.lookup(typed).location
    assert location.precision is Precision.AREA and location.region is Region.GREAT_BRITAIN
    assert "is a county" in location.note and "A postcode gives a better answer." in location.note


@pytest.mark.parametrize("typed", ["Isle of Sheppey", "Anglesey", "Skye", "Lewis and Harris", "Orkney", "Shetland",
                                   "Isles of Scilly", "Isle of Wight", "Arran", "Mull", "Islay", "Lundy",
                                   "Hayling Island", "Canvey Island", "Mersea", "Holy Island", "Fair Isle"])
def test_islands_and_island_groups_are_located_on_the_island(locator, typed):
    location = locator.lookup(typed).location
    assert location.precision is Precision.AREA
    assert "island" in location.note


def test_every_area_stands_at_one_of_its_own_live_postcodes(locator):
    members = area_placement.expand(areas.records(), reference.districts(), reference.routing_keys())
    placed = tuple(dict.fromkeys(a for hits in locator.index.areas_by_name.values() for a in hits))
    assert {a.name for a in placed} == {row.name for row in areas.records()}
    for area in placed:
        covered = members[area.name]
        if " " in area.at:   # a unit postcode: inside the area by construction of the table
            district, sector = area.at.split(" ")[0], area.at[:-2]
            assert (district in covered.districts or sector in covered.sectors or area.at in covered.units), area
            here = locator.lookup(area.at).location
            assert (here.lat, here.lon) == pytest.approx((area.lat, area.lon)), area
        else:                # a district or routing key, for areas with no Code-Point units
            assert area.at in covered.districts | covered.routing_keys, area


def test_an_island_shared_by_several_places_is_the_largest_and_names_the_others(locator):
    location = locator.lookup("Holy Island").location
    assert location.normalised == "Holy Island (Anglesey)"
    assert {"Holy Island (Lindisfarne)", "Holy Isle"} <= set(location.alternatives)
    lindisfarne = locator.lookup(location.alternatives[0]).location
    assert geodesic((lindisfarne.lat, lindisfarne.lon), (55.68, -1.80)).km < 3


@pytest.mark.parametrize("typed", ["England", "Scotland", "Wales", "Great Britain", "United Kingdom"])
def test_the_nations_of_great_britain_go_to_a_clinic_serving_great_britain(locator, typed):
    answer = locator.lookup(typed)
    assert answer.location.precision is Precision.AREA
    assert Region.GREAT_BRITAIN in answer.clinic.serves


@pytest.mark.parametrize("typed, like", [("Northern Ireland", "BT1 1AA"), ("Ireland", "D18 X5K7"),
                                         ("Republic of Ireland", "D18 X5K7"), ("Eire", "D18 X5K7")])
def test_northern_ireland_and_ireland_go_to_dublin_dialled_as_from_there(locator, typed, like):
    answer, there = locator.lookup(typed), locator.lookup(like)
    assert answer.location.precision is Precision.AREA
    assert answer.clinic == there.clinic
    assert answer.contact.phone_dial == there.contact.phone_dial


def test_a_name_that_is_a_village_and_a_nation_means_the_nation_and_names_the_village(locator):
    location = locator.lookup("Wales").location
    assert location.precision is Precision.AREA
    assert "smaller place called Wales" in location.note and "S26" in location.alternatives


@pytest.mark.parametrize("typed", ["Durham", "Reading", "Cork", "Bridgend"])
def test_a_town_keeps_its_name(locator, typed):
    assert locator.lookup(typed).location.precision is Precision.PLACE


# -- outside coverage ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed, named", [
    ("BFPO 801", "British Forces"), ("bfpo c/o 123", "British Forces"), ("BF1 4FB", "British Forces"),
    ("ASCN 1ZZ", "Ascension"), ("STHL 1ZZ", "St Helena"), ("TDCU 1ZZ", "Tristan da Cunha"),
    ("BBND 1ZZ", "British Indian Ocean"), ("BIQQ 1ZZ", "British Antarctic"), ("FIQQ 1ZZ", "Falkland"),
    ("GX11 1AA", "Gibraltar"), ("PCRN 1ZZ", "Pitcairn"), ("SIQQ 1ZZ", "South Georgia"), ("TKCA 1ZZ", "Turks"),
    ("AI-2640", "Anguilla"), ("HM 12", "Bermuda"), ("HM BX", "Bermuda"), ("KY1-1234", "Cayman"),
    ("VG1110", "British Virgin Islands"), ("MSR 1110", "Montserrat"), ("Gibraltar", "Gibraltar"),
    ("Falkland Islands", "Falkland"),
])
def test_overseas_and_forces_codes_name_the_place_and_give_the_clinics_email(locator, typed, named):
    with pytest.raises(errors.OverseasAddress) as caught:
        locator.lookup(typed)
    assert named in caught.value.message
    assert all(clinic.email in caught.value.message for clinic in locator.clinics)


@pytest.mark.parametrize("typed, normalised", [("CR01", "CR0 1"), ("KY1 1AQ", "KY1 1AQ"), ("SN12", "SN12")])
def test_uk_codes_that_look_like_overseas_ones_still_answer(locator, typed, normalised):
    assert locator.lookup(typed).location.normalised == normalised


# -- not a place at all --------------------------------------------------------------------------

@pytest.mark.parametrize("typed, looks_like", [
    ("07700 900123", "phone number"), ("+44 20 7946 0018", "phone number"), ("01-2937 839", "phone number"),
    ("+441234567890", "phone number"), ("bob@example.com", "email address"),
    ("=SUM(A1)", "spreadsheet formula"), ("+A1", "spreadsheet formula"), ("@x", "spreadsheet formula"),
])
def test_a_phone_number_email_or_formula_is_told_what_it_looks_like(locator, typed, looks_like):
    with pytest.raises(errors.NotAPlace) as caught:
        locator.lookup(typed)
    assert looks_like in caught.value.message and "SL6 8DG" in caught.value.message


@pytest.mark.parametrize("typed", ["?", "-", "N/A", "n/a", "none"])
def test_a_placeholder_is_not_a_place(locator, typed):
    with pytest.raises(errors.NotAPlace) as caught:
        locator.lookup(typed)
    assert "is not a place" in caught.value.message


def test_a_foreign_zip_code_is_still_named_as_foreign(locator):
    with pytest.raises(errors.NotCovered) as caught:
        locator.lookup("12345-6789")
    assert not isinstance(caught.value, errors.OverseasAddress)


@pytest.mark.parametrize("typed", ["A B38 9LX", "a - B38 9LX", "B38 9LX a"])
def test_a_word_beside_a_live_postcode_is_never_run_into_it_to_make_another(locator, typed):
    # "A B38 9LX" run together is AB38 9LX, also a live postcode: the one typed whole is answered,
    # and the run-together reading is offered.
    location = locator.lookup(typed).location
    assert location.normalised == "B38 9LX"
    assert location.note.startswith("Searched for B38 9LX, the postcode in what you typed.")
    if typed.startswith("A"):
        assert "AB38 9LX" in location.alternatives
    # A list, which reads plain postcodes by a shortcut, reads it the same way.
    assert answer_list(locator, [typed])[0].answer.location.normalised == "B38 9LX"
