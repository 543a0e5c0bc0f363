"""Properties over arbitrary text and over the whole postcode list."""

import numpy as np
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locator import LocatorError
from locator.model import Precision, Region
from locator.postcodes import parse

# Reproducible in CI: the same examples every run, and no example database to carry around.
PROPERTY = settings(derandomize=True, database=None, max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

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
