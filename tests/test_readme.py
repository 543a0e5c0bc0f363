"""The README says what the code does: its tables of JSON fields name exactly the fields the CLI and the API write."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from locator.bulk import answer_list
from web.api import NearestApi

README = Path(__file__).resolve().parent.parent / "README.md"
CLINIC_ID = "<clinic id>"


def documented(heading: str) -> set[str]:
    """The field names in the first column of the table under ``### heading``."""
    section = README.read_text(encoding="utf-8").split(f"### {heading}\n", 1)[1]
    table = re.match(r"\s*((?:\|.*\n)+)", section)
    assert table, f"no table under {heading}"
    rows = table.group(1).splitlines()[2:]  # after the header and its rule
    return {name for row in rows for name in re.findall(r"`([^`]+)`", row.split("|")[1])}


def fields(obj: dict, prefix: str = "") -> set[str]:
    """Every field's dotted path (``clinic.phone_dial``); a clinic's id as a key is ``<clinic id>``."""
    out = set()
    for key, value in obj.items():
        path = f"{prefix}{CLINIC_ID if prefix == 'distances.' else key}"
        out |= fields(value, path + ".") if isinstance(value, dict) else {path}
    return out


def written(locator, query: str) -> list[set[str]]:
    """The fields of ``query``'s object as the CLI's ``--json`` line and as the API's GET and POST write it."""
    [row] = answer_list(locator, [query])
    api = NearestApi(lambda: locator)
    one = json.loads(api._answer_one(query)[1])
    [listed] = json.loads(api._answer_list(json.dumps({"queries": [query]}).encode())[1])["results"]
    return [fields(row.to_dict()), fields(one), fields(listed)]


@pytest.mark.parametrize("query", ["SL6 8DG", "BT1 1AA", "D18 X5K7", "Reading", "W12", "Shropshire"])
def test_the_readme_names_every_field_of_an_answer_and_no_other(locator, query):
    for emitted in written(locator, query):
        assert emitted == documented("JSON fields of an answer")


@pytest.mark.parametrize("query", ["ZZ1 1ZZ", "", "BFPO 801", "x" * 101, "Readng"])
def test_the_readme_names_every_field_of_an_error_and_no_other(locator, query):
    for emitted in written(locator, query):
        assert emitted == documented("JSON fields of a query that cannot be answered")
