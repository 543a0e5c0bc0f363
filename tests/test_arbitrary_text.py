"""Any text at all, through every way in: an Answer, or a LocatorError with its message; nothing else.

The text is what no form would send but a client can: lone UTF-16 surrogates, NULs, right-to-left
and other invisible marks, full-width forms, 10,000-character strings, and near-postcodes. The same
text goes through one lookup, a list (and its CSV download) and the CLI's JSON line; the live API
gets it in tests/browser/test_api_input.py.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from locator import LocatorError, bulk
from locator.answer import Answer
from locator.text import readable
from tests.strategies import PROPERTY, TEXT


def assert_answer_or_its_error(outcome) -> None:
    if isinstance(outcome, LocatorError):
        assert isinstance(outcome.message, str) and outcome.message.strip()
        outcome.message.encode("utf-8")  # strict: a message a person can be shown
    else:
        assert isinstance(outcome, Answer)
        json.dumps(outcome.to_dict(), ensure_ascii=False).encode("utf-8")


@PROPERTY
@given(TEXT)
def test_one_lookup_of_any_text_is_an_answer_or_a_locator_error_with_its_message(locator, text):
    try:
        outcome = locator.lookup(text)
    except LocatorError as error:
        outcome = error
        # The CLI's and the API's JSON line for it can always be written as UTF-8.
        line = json.dumps(error.to_dict(text), ensure_ascii=False).encode("utf-8")
        assert json.loads(line)["query"] == readable(text)
    assert_answer_or_its_error(outcome)


@PROPERTY
@given(st.lists(TEXT, max_size=8), st.sampled_from(["SL6 8DG", "D18 X5K7", "Reading"]))
def test_a_list_of_any_text_answers_each_row_as_one_lookup_would_and_its_csv_can_be_written(locator, texts, good):
    queries = [*texts, good]
    answers = bulk.answer_list(locator, queries)
    for query, row in zip(queries, answers, strict=True):
        outcome = row.outcome
        assert_answer_or_its_error(outcome)
        try:
            alone = locator.lookup(query)
        except LocatorError as error:
            assert isinstance(outcome, LocatorError) and outcome.message == error.message
        else:
            assert isinstance(outcome, Answer) and outcome.clinic == alone.clinic
    assert isinstance(answers[len(texts)].answer, Answer)  # the good one is never lost
    assert bulk.to_csv_bytes(answers.table()).decode("utf-8-sig").count("\n") >= len(queries)
