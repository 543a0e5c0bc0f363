"""The command line, run as a user would run it: a real process, real output."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from locator import messages
from locator.clinics import clinics_path, read_sites


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "locator", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def json_run():
    queries = ["SL6 8DG", "not a place 123 <b>", "BT1 1AA", "D18 X5K7", "-5", "", "Glasgow"]
    done = run("--json", "--", *queries)
    return queries, done, [json.loads(line) for line in done.stdout.splitlines()]


def test_json_gives_one_object_per_query_in_order(json_run):
    queries, _, lines = json_run
    assert [line["query"] for line in lines] == queries


def test_json_answer_has_every_field_the_website_needs(json_run):
    answer = json_run[2][0]
    assert answer["ok"] is True and answer["error"] is None
    assert answer["precision"] == "postcode" and answer["normalised"] == "SL6 8DG"
    assert set(answer["location"]) == {"lat", "lon"}
    assert list(answer["distances"]) != [] and set(answer["distances"]) == {s.id for s in read_sites(clinics_path())}
    assert all({"miles", "km"} <= set(d) for d in answer["distances"].values())
    assert answer["clinic"]["id"] == "maidenhead"
    assert answer["clinic"]["phone_e164"] == "+448007836106"
    assert answer["clinic"]["phone_dial"] == "0800 783 6106"
    assert answer["clinic"]["email"] == "enquiries@britishveininstitute.com"
    assert "SL6 8DG" in answer["clinic"]["address"]


def test_json_dialling_follows_the_caller(json_run):
    lines = json_run[2]
    assert lines[2]["clinic"]["phone_dial"] == "+353 1 293 7839"
    assert lines[3]["clinic"]["phone_dial"] == "01 293 7839"
    assert lines[6]["clinic"]["id"] != "dublin"


def test_a_bad_query_gets_its_own_error_line_and_the_exit_code_says_so(json_run):
    _, done, lines = json_run
    assert [line["ok"] for line in lines] == [True, False, True, True, False, False, True]
    assert "SL6 8DG" in lines[1]["error"]
    assert done.returncode == 1


def test_all_good_queries_exit_zero_with_readable_text():
    done = run("W1G 8AJ", "Reading")
    assert done.returncode == 0
    assert "London" in done.stdout and "0800 783 6106" in done.stdout and "Maidenhead" in done.stdout


def test_no_query_is_a_usage_error():
    done = run()
    assert done.returncode == 2
    assert "QUERY" in done.stderr


def test_csv_from_standard_input_answers_every_row_in_order_and_flags_bad_ones():
    done = run("--csv", "-", stdin='Postcode,Name\nSL6 8DG,Ann\n=HYPERLINK("x"),Bob\nBT1 1AA,Cat\n')
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["Query"] for r in rows] == ["SL6 8DG", "'=HYPERLINK(\"x\")", "BT1 1AA"]
    assert [r["Nearest clinic"] for r in rows] == ["Maidenhead", "", "Dublin"]
    assert rows[1]["Error"] and not rows[0]["Error"]
    assert rows[2]["Phone"] == "'+353 1 293 7839"
    assert done.returncode == 1


def test_a_missing_index_says_so_plainly_and_tells_the_operator_the_command_that_builds_it(tmp_path):
    done = subprocess.run([sys.executable, "-m", "locator", "--json", "SL6 8DG"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "CLINIC_LOCATOR_INDEX": str(tmp_path / "index.bin")})
    assert done.returncode == 1 and done.stdout == ""
    message, detail = done.stderr.splitlines()
    assert message == f"error: {messages.SERVICE_UNAVAILABLE}"
    assert detail.startswith("detail: ") and str(tmp_path / "index.bin") in detail
    assert "`python -m locator.build`" in detail
    assert not (tmp_path / "index.bin").exists()


def test_an_index_that_cannot_be_built_says_so_plainly_and_tells_the_operator_how_to_fix_it(tmp_path):
    broken = tmp_path / "clinics.toml"
    broken.write_text("this is not TOML = = =")
    done = subprocess.run([sys.executable, "-m", "locator.build", "--index-only"], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "CLINIC_LOCATOR_CLINICS": str(broken),
                                            "CLINIC_LOCATOR_INDEX": str(tmp_path / "index.bin")})
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and str(broken) in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "index.bin").exists()


def test_a_missing_csv_file_is_a_clear_error_not_a_traceback(tmp_path):
    done = run("--csv", str(tmp_path / "nope.csv"))
    assert done.returncode == 1
    assert "nope.csv" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("as_json", [True, False])
def test_an_argument_that_is_not_utf8_gets_its_own_error_and_the_others_are_answered(as_json):
    # A terminal in another encoding: Python hands the undecodable byte over as a lone surrogate.
    args = [b"SL6 8DG", b"SL6 \xff8DG", b"Reading"]
    done = subprocess.run([sys.executable, "-m", "locator", *(["--json"] if as_json else []), "--", *args],
                          capture_output=True, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    out = done.stdout.decode("utf-8")  # strict: every line is still UTF-8
    if as_json:
        lines = [json.loads(line) for line in out.splitlines()]
        assert [line["ok"] for line in lines] == [True, False, True]
        assert lines[1]["query"] == "SL6 \ufffd8DG" and "broken character" in lines[1]["error"]
    else:
        assert "SL6 \ufffd8DG: error: " in out and "Reading: nearest clinic" in out
