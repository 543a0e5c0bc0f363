"""The UI's one door to the core (components/view.py): what a page asks, and the typed outcome it gets back.

Each outcome is checked against the core's own answer or error for the same
question, so the door adds no wording and loses nothing on the way.
"""

from __future__ import annotations

import pytest

from components import view
from components.view import (
    Answered,
    DevicePosition,
    ListQueries,
    ListRefused,
    LocationProblem,
    SearchProblem,
    Unavailable,
    answer_card,
    search_pin,
)
from locator import LocatorError
from locator.errors import IndexUnavailable
from locator.position import device_failure
from web import metrics

# A device's position in the Celtic Sea, far from any coast the clinics serve.
AT_SEA = DevicePosition(49.5, -8.5, 50.0)


def counted(**labels: str) -> float:
    return metrics.REGISTRY.get_sample_value("clinic_locator_searches_total", labels) or 0.0


def refusal(ask) -> LocatorError:
    with pytest.raises(LocatorError) as refused:
        ask()
    return refused.value


@pytest.mark.parametrize("query", ["SL6 8DG", "BT1 1AA", "D18 X5K7", "Reading", "W1"])
def test_a_search_the_core_answers_is_answered_with_its_card_and_its_map_pin(locator, query):
    answer = locator.lookup(query)
    assert view.search(locator, query) == Answered(answer_card(answer), search_pin(answer))


@pytest.mark.parametrize("query", ["Readng", "ZZ9 9ZZ", "SW1A 20A", "x" * 300, "0800 7836106"])
def test_a_search_the_core_refuses_is_a_problem_with_the_cores_message_and_suggestions(locator, query):
    error = refusal(lambda: locator.lookup(query))
    assert view.search(locator, query) == SearchProblem(error.message, tuple(error.suggestions))


def test_nothing_asked_is_no_outcome(locator):
    assert view.search(locator, "") is None


def test_a_device_position_is_answered_in_place_of_what_was_typed(locator):
    here = DevicePosition(51.5226, -0.7195, 30.0)  # Maidenhead, as a browser rounds it
    answer = locator.lookup_position(here.lat, here.lon, here.accuracy_m)
    assert view.search(locator, "Glasgow", here) == Answered(answer_card(answer), search_pin(answer))


@pytest.mark.parametrize("reason", ["denied", "unavailable", "timeout"])
def test_a_device_that_gives_no_position_is_a_location_problem(locator, reason):
    assert view.search(locator, "SL6 8DG", reason) == LocationProblem(device_failure(reason).message)


def test_a_position_at_sea_is_a_location_problem_not_a_search_problem(locator):
    error = refusal(lambda: locator.lookup_position(AT_SEA.lat, AT_SEA.lon, AT_SEA.accuracy_m))
    assert view.search(locator, "", AT_SEA) == LocationProblem(error.message)


def test_a_search_is_counted_as_the_page_it_came_from_and_a_desk_lookup_is_not(locator):
    answer = locator.lookup("SL6 8DG")
    labels = {"outcome": "ok", "precision": answer.location.precision.value, "clinic": answer.clinic.id}
    before = {source: counted(source=source, **labels) for source in ("page", "plain", "api")}
    view.search(locator, "SL6 8DG")
    view.look_up(locator, "SL6 8DG", counted_as="plain")
    view.look_up(locator, "SL6 8DG")
    after = {source: counted(source=source, **labels) for source in ("page", "plain", "api")}
    assert after == {"page": before["page"] + 1, "plain": before["plain"] + 1, "api": before["api"]}


def test_the_desk_reads_out_the_answer_it_is_shown(locator):
    answered = view.look_up(locator, "BT1 1AA")
    assert isinstance(answered, Answered)
    card = answered.card
    sentence = view.readout(card)
    assert card.clinic_name in sentence and card.phone_dial in sentence and card.email in sentence
    assert [row["Clinic"] for row in view.distance_rows(card)] == [d.name for d in card.distances]


def test_a_list_is_read_then_answered_row_by_row_in_order(locator):
    read = view.read_list("paste", "SL6 8DG\n\nReadng\nBT1 1AA\n")
    assert read == ListQueries("paste", ("SL6 8DG", "Readng", "BT1 1AA"))
    steps: list[tuple[int, int]] = []
    result = view.answer_list(locator, read, on_progress=lambda done, total: steps.append((done, total)))
    assert [row["Query"] for row in result.rows] == list(read.queries)
    assert result.rows[1]["Error"] == refusal(lambda: locator.lookup("Readng")).message
    assert sum(result.per_clinic.values()) == 2 and sum(result.per_error.values()) == 1
    assert steps[-1] == (3, 3) and result.csv.decode("utf-8-sig").count("\n") == 4


def test_a_list_too_long_or_a_file_that_is_not_a_csv_is_refused_with_the_cores_message():
    too_long = "\n".join(["SL6 8DG"] * (view.MAX_ROWS + 1))
    refused = view.read_list("paste", too_long)
    assert isinstance(refused, ListRefused) and refused.source == "paste" and f"{view.MAX_ROWS:,}" in refused.message
    unreadable = view.read_list("upload", b"PK\x03\x04 not a csv \x00\x00")
    assert isinstance(unreadable, ListRefused) and unreadable.source == "upload"


def test_something_that_cannot_be_loaded_is_unavailable_with_its_message_for_the_page_and_detail_for_the_log():
    def broken():
        raise IndexUnavailable("The postcode finder is not available.", detail="data/build/index.bin is missing")

    assert view.attempt(broken) == Unavailable("The postcode finder is not available.", "IndexUnavailable",
                                               "data/build/index.bin is missing")
    assert view.attempt(lambda: 42) == 42
