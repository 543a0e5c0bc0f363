"""A fifth clinic added to the clinics file, and no code changed: the CLI, the list path and the app all use it.

The clinics file is copied to a temporary folder with one more clinic (a
Manchester clinic that takes patients from Great Britain), and the
locator is pointed at it the way an operator would, with
``$CLINIC_LOCATOR_CLINICS`` and ``$CLINIC_LOCATOR_INDEX`` (an index built for
it beside it: the clinics' positions are part of the index). The
``five_clinics`` fixture (conftest.py) makes both.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.resources import load_locator
from locator import Locator
from locator.bulk import answer_list, to_csv
from locator.clinics import CLINICS_TOML, read_sites
from tests.apptest import html_text

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def five(five_clinics) -> Iterator[dict[str, str]]:
    """The environment of a checkout whose clinics file lists a fifth clinic (and its index)."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in five_clinics.env.items():
            mp.setenv(name, value)
        load_locator.clear()  # the app's per-process locator, shared with the other tests
        yield five_clinics.env
        load_locator.clear()


@pytest.fixture(scope="module")
def locator5(five) -> Locator:
    return Locator.load()


def cli(five, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "locator", *args], input=stdin, capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={**os.environ, **five})


def test_the_fifth_clinic_is_loaded_complete_and_placed_at_its_postcode(locator5):
    assert [c.id for c in locator5.clinics] == [s.id for s in read_sites(CLINICS_TOML)] + ["manchester"]
    manchester = locator5.clinics[-1]
    assert 53.4 < manchester.lat < 53.5 and -2.3 < manchester.lon < -2.2


def test_the_cli_sends_liverpool_to_the_new_clinic_and_lists_all_five(five):
    done = cli(five, "--json", "--", "L1 8JQ", "M1 1AE", "SL6 8DG", "BT1 1AA")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0, done.stderr
    assert [line["clinic"]["id"] for line in lines] == ["manchester", "manchester", "maidenhead", "dublin"]
    assert lines[1]["distance"]["km"] < 0.01
    assert all(len(line["distances"]) == 5 and "manchester" in line["distances"] for line in lines)
    assert lines[3]["distances"]["manchester"]["serves_you"] is False
    assert lines[0]["clinic"]["phone_dial"] == "0800 783 6106"


def test_the_cli_csv_and_the_list_path_use_the_new_clinic(five, locator5):
    queries = ["L1 8JQ", "Manchester", "HP7 0HP", "D18 X5K7", "ZZ1 1ZZ"]
    rows = answer_list(locator5, queries).table()
    assert [r["Nearest clinic"] for r in rows] == ["Manchester", "Manchester", "Amersham", "Dublin", ""]
    per_clinic, _ = answer_list(locator5, queries).counts()
    assert per_clinic["Manchester"] == 2 and len(per_clinic) == 5
    done = cli(five, "--csv", "-", stdin="Postcode\n" + "\n".join(queries) + "\n")
    assert list(csv.DictReader(io.StringIO(done.stdout))) == list(csv.DictReader(io.StringIO(to_csv(rows))))
    for query, row in zip(queries, rows, strict=True):  # the list answers as one lookup does
        if row["Nearest clinic"]:
            assert locator5.lookup(query).clinic.name == row["Nearest clinic"]


def test_the_app_lists_and_maps_five_clinics_and_answers_with_the_new_one(five):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    maps = [e for e in at.get("component_instance") if "st_folium" in e.proto.component_name]
    assert json.loads(maps[0].proto.json_args)["script"].count("L.marker(") == 5
    listed = html_text(at)
    assert "Manchester" in listed and "1 Example Street" in listed
    at.text_input(key="postcode").input("L1 8JQ").run()
    assert not at.exception
    assert at.header[0].value == "Nearest clinic: Manchester"


def test_the_call_centre_counts_rows_for_the_new_clinic(five):
    desk = AppTest.from_file(str(ROOT / "tests" / "call_centre_app.py"), default_timeout=120).run()
    desk.text_area[0].input("L1 8JQ\nSL6 8DG\nBT1 1AA\n")
    next(b for b in desk.button if b.label == "Find nearest clinics").click()
    desk.run()
    assert not desk.exception
    assert {m.label: m.value for m in desk.metric} == {
        "Amersham": "0", "Maidenhead": "1", "London": "0", "Dublin": "1", "Manchester": "1", "Not located": "0"}
