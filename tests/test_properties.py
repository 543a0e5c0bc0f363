"""Properties over arbitrary text and over the whole postcode list."""

import numpy as np
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import strategies as st

from locator import LocatorError
from locator.model import Precision, Region
from locator.parse import parse
from tests.strategies import PROPERTY, live_postcode

postcode_like = st.from_regex(r"\A[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}\Z")


@PROPERTY
@given(st.one_of(st.text(max_size=150), postcode_like, st.text(alphabet="SL68DG 0HPW1-<>'", max_size=20)))
def test_the_parser_raises_nothing_but_its_own_errors(text):
    try:
        parse(text)
    except LocatorError as exc:
        assert exc.message.strip()


@PROPERTY
@given(st.text(max_size=120))
def test_the_locator_raises_nothing_but_its_own_errors_and_answers_with_a_clinic(locator, text):
    try:
        answer = locator.lookup(text)
    except LocatorError as exc:
        assert exc.message.strip()
    else:
        assert answer.clinic in locator.clinics
        assert not np.isnan(answer.distance.metres)


@PROPERTY
@given(st.integers(min_value=0))
def test_live_postcodes_resolve_at_unit_precision_to_the_geodesically_nearest_english_clinic(locator, n):
    located = np.flatnonzero(locator.index.unit_e > 0)
    key = locator.index.unit_keys[located[n % len(located)]].decode()
    postcode = f"{key[:-3]} {key[-3:]}"
    answer = locator.lookup(postcode.lower().replace(" ", ""))
    assert answer.location.precision is Precision.POSTCODE
    assert answer.location.normalised == postcode
    assert answer.location.region is Region.GREAT_BRITAIN
    english = [c for c in locator.clinics if Region.GREAT_BRITAIN in c.serves]
    here = (answer.location.lat, answer.location.lon)
    assert answer.clinic.id == min(english, key=lambda c: geodesic(here, (c.lat, c.lon)).meters).id


# -- the list pipeline answers exactly as one lookup does --------------------------------------

VARIED = ["SL6 8DG", "sl68dg", "SL6 8", "SL6", "SL", "W12", "Eircode W12", "BT1 1AA", "bt7", "D18 X5K7", "d6w",
          "Reading", "Newport", "Dún Laoghaire", "Co. Cork", "Jersey", "St Helier", "SK2 9DA", "AB43 1AG", "EH77 1AA",
          "SL6 8ZZ", "BF1 1AA", "ZZ1 1AA", "90210", "Readng", "", "   ", "x" * 101, "SL6 8DG SL6 8DH", "=1+1",
          "SL6\u200b8DG", "ＳＬ６ ８ＤＧ", "Reading RG1 8DG", "IM1 1AA", "GY1 1AA", "JE2 3AB"]


@PROPERTY
@given(st.lists(st.one_of(st.integers(min_value=0).map(lambda n: ("unit", n)), st.sampled_from(VARIED),
                          st.text(max_size=30)), max_size=25),
       st.integers(min_value=1, max_value=8))
def test_a_list_answers_every_row_exactly_as_a_single_lookup_does(locator, drawn, chunk):
    from locator.bulk import answer_list

    queries = [live_postcode(locator, d[1]) if isinstance(d, tuple) else d for d in drawn]
    answers = answer_list(locator, queries, chunk=chunk)
    rows = answers.table()
    for i, query in enumerate(queries):
        try:
            single = locator.lookup(query)
        except LocatorError as exc:
            listed = answers[i].error
            assert (type(listed), listed.message, listed.suggestions) == (type(exc), exc.message, exc.suggestions)
            assert rows[i]["Error"] == exc.message and rows[i]["Nearest clinic"] == ""
            continue
        assert answers[i].to_dict() == single.to_dict()
        assert (rows[i]["Postcode"], rows[i]["Nearest clinic"], rows[i]["Phone"]) == (
            single.location.normalised, single.clinic.name, single.contact.phone_dial)


@PROPERTY
@given(st.integers(min_value=0), st.sampled_from([str.upper, str.lower]), st.sampled_from(["", " ", "  ", "\t"]))
def test_the_list_shortcut_reads_a_unit_postcode_as_the_parser_does(locator, n, case, gap):
    from locator.parse import unit_key

    postcode = live_postcode(locator, n)
    typed = case(postcode.replace(" ", gap))
    parsed = locator.parser.parse(typed).value
    assert parsed.compact == postcode.replace(" ", "")
    # The shortcut may pass a form by (a tab goes the long way round), but never reads it differently.
    assert unit_key(typed) == (None if gap == "\t" else parsed.compact)


# -- free text: a postcode among other words, and slips ------------------------------------------

# Words with no digits can never be a postcode or a district; "eircode" and "bfpo" would change
# what the text means, so they are left out. At most 3 words of 8 each side keeps within the length cap.
_words = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéABCDEFGHIJKLMNOPQRSTUVWXYZ'", min_size=1,
                          max_size=8).filter(lambda w: w.lower() not in {"eircode", "bfpo"}), max_size=3)
_between = st.sampled_from([" ", ", ", " - ", "; ", ": ", " (", ") ", ". "])
_halves = st.sampled_from([" ", "", ".", "-", ", ", " - "])
_wrap = st.sampled_from([("", ""), ("(", ")"), ("'", "'"), ('"', '"'), ("[", "]"), ("", "."), ("", ",")])


def _located_postcode(locator, n: int) -> str:
    """A unit postcode with a map position (some in the data have none)."""
    located = np.flatnonzero(locator.index.unit_e > 0)
    key = locator.index.unit_keys[located[n % len(located)]].decode()
    return f"{key[:-3]} {key[-3:]}"


@PROPERTY
@given(st.integers(min_value=0), _words, _words, _between, _between, _halves, _wrap, st.booleans())
def test_a_live_postcode_among_other_words_is_found_and_answered_at_postcode_precision(
        locator, n, before, after, sep_before, sep_after, halves, wrap, lower):
    postcode = _located_postcode(locator, n)
    outward, inward = postcode.split(" ")
    code = f"{wrap[0]}{outward}{halves}{inward}{wrap[1]}"
    text = (" ".join(before) + sep_before if before else "") + (code.lower() if lower else code) + (
        sep_after + " ".join(after) if after else "")
    answer = locator.lookup(text)
    assert answer.location.precision is Precision.POSTCODE
    assert answer.location.normalised == postcode
    if before or after:
        assert answer.location.note.startswith(f"Searched for {postcode}, the postcode in what you typed.")


@PROPERTY
@given(st.integers(min_value=0), st.sampled_from(["{o} {i}", "{o}{i}", "{o}  {i}"]), st.booleans())
def test_no_slip_rule_changes_a_live_postcode_typed_correctly(locator, n, form, lower):
    postcode = live_postcode(locator, n)
    outward, inward = postcode.split(" ")
    typed = form.format(o=outward, i=inward)
    parsed = locator.parser.parse(typed.lower() if lower else typed)
    assert parsed.value.normalised == postcode
    assert parsed.note is None


@PROPERTY
@given(st.lists(st.one_of(st.text(max_size=12), postcode_like, st.sampled_from(
    ["RG1.1DB", "CF1O 2BU", "EC1A lBB", "BFPO 801", "KY1-1234", "Flat 2,", "@", "=", "+44", "N/A", "?"])),
    max_size=6), st.sampled_from([" ", ", ", "", "-", "."]))
def test_the_locator_raises_only_its_own_errors_on_pasted_fragments(locator, parts, joiner):
    try:
        locator.lookup(joiner.join(parts))
    except LocatorError as exc:
        assert exc.message.strip()
