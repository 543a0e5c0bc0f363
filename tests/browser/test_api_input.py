"""Nothing a client sends loses its batch or gets a 5xx: the API over real HTTP, with bodies no schema describes.

One server of its own, so that what it logs can be read afterwards. The bodies are written by
hand, byte for byte: a lone surrogate escape, a NUL, a JSON document nested thousands deep.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import urllib.parse

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locator.parse import MAX_QUERY_LENGTH
from locator.text import readable
from tests.strategies import TEXT

from . import ARTIFACTS, REPO_ROOT, start_streamlit

NEAREST = "/api/v1/nearest"
SCHEMATHESIS_CONFIG = REPO_ROOT / "tests" / "schemathesis.toml"
SEED = 20_261_207
EXAMPLES = 300  # per operation and phase: about 1,000 cases, under a minute on this 2-core machine
JSON_TYPE = {"Content-Type": "application/json"}
GOOD = ["SL6 8DG", "D18 X5K7", "Reading"]
# As a client's JSON encoder writes them: escapes, so the body itself is plain ASCII.
UNREADABLE = {
    r'"\ud800"': "broken character",          # a lone high surrogate
    r'"SL6 \udfff8DG"': "broken character",   # a lone low surrogate inside a postcode
    r'"\u0000"': "control",                   # NUL
    r'"SL6 8DG\u0000"': "control",
    r'"\u202eSL6 8DG"': "text-direction",     # right-to-left override
    '"' + "SL6 8DG " * 1_250 + '"': "characters long",  # 10,000 characters
}


@pytest.fixture(scope="module")
def server():
    server = start_streamlit("app.py")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(server):
    return server.url + NEAREST


def post_raw(api: str, body: str | bytes) -> requests.Response:
    return requests.post(api, data=body.encode() if isinstance(body, str) else body, headers=JSON_TYPE, timeout=60)


@pytest.mark.parametrize("escaped", UNREADABLE)
def test_a_query_that_cannot_be_read_gets_its_own_error_and_the_rest_are_answered(api, escaped):
    queries = ", ".join([json.dumps(GOOD[0]), escaped, *map(json.dumps, GOOD[1:])])
    body = f'{{"queries": [{queries}]}}'
    response = post_raw(api, body)
    assert response.status_code == 200, response.text
    response.content.decode("utf-8")  # strict: the echo of a broken query is still UTF-8
    results = response.json()["results"]
    assert [r["ok"] for r in results] == [True, False, True, True]
    assert [r["query"] for r in results[2:]] == GOOD[1:] and results[0]["query"] == GOOD[0]
    bad = results[1]
    assert bad["error_type"] in ("ForbiddenCharacters", "QueryTooLong")
    assert UNREADABLE[escaped] in bad["error"] and "SL6 8DG" in bad["error"]  # what was wrong, what is good


def test_a_broken_character_is_echoed_as_the_replacement_character_and_named(api):
    [result] = post_raw(api, r'{"queries": ["SL6\ud8008DG"]}').json()["results"]
    assert result["query"] == "SL6\ufffd8DG"
    assert "U+D800" in result["error"]


def test_a_query_of_any_length_in_a_list_is_one_error_not_a_refused_body(api):
    long = "x" * (MAX_QUERY_LENGTH * 50)
    results = post_raw(api, json.dumps({"queries": [long, "SL6 8DG"]})).json()["results"]
    assert results[0]["error_type"] == "QueryTooLong" and f"{MAX_QUERY_LENGTH}" in results[0]["error"]
    assert results[1]["ok"]


@pytest.mark.parametrize("depth", [3, 100, 5_000, 100_000])
@pytest.mark.parametrize("opener,closer", [("[", "]"), ('{"a":', "}")])
def test_a_body_nested_too_deep_is_a_400_that_says_so(api, depth, opener, closer):
    body = '{"queries": ' + opener * depth + '"SL6 8DG"' + closer * depth + "}"
    response = post_raw(api, body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["ok"] is False and '{"queries": [' in response.json()["error"]
    if depth >= 5_000:
        assert "nested" in response.json()["error"]


@pytest.mark.parametrize("body", ['{"queries": ["SL6 8DG"], "extra": 1}', '{"queries": ["SL6 8DG"], "Queries": []}'])
def test_a_body_with_anything_but_queries_is_a_400_naming_it(api, body):
    response = post_raw(api, body)
    assert response.status_code == 400
    assert "extra" in response.json()["error"] or "Queries" in response.json()["error"]


@pytest.mark.parametrize("body", ['{"queries": [' + "1" * 5_000 + "]}", '{"queries": NaN}', '{"queries": [Infinity]}',
                                  '{"queries": ["SL6 8DG"]}\x00', "\ufeff" + '{"queries": ["SL6 8DG"]}',
                                  '{"queries": ["a\\x"]}', '{"queries": ["\\ud800\\udc00"], "queries": 1}'])
def test_other_malformed_bodies_are_400s(api, body):
    response = post_raw(api, body)
    assert response.status_code == 400, response.text
    assert "queries" in response.json()["error"]


def test_a_surrogate_pair_is_one_character_and_read_as_text(api):
    [result] = post_raw(api, r'{"queries": ["\ud83c\udfe5 Reading"]}').json()["results"]
    assert result["query"] == "\U0001f3e5 Reading"


OVER_HTTP = settings(derandomize=True, database=None, max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_answer_or_query_error(result: dict, sent: str) -> None:
    assert result["query"] == readable(sent)
    if result["ok"]:
        assert result["clinic"]["phone_dial"] and result["error"] is None
    else:
        assert result["error"].strip() and result["error_type"] and result["clinic"] is None


@OVER_HTTP
@given(st.lists(TEXT, max_size=6), st.sampled_from(["SL6 8DG", "D18 X5K7", "Reading"]))
def test_a_batch_of_any_text_gets_one_answer_or_error_per_query_in_order(api, texts, good):
    queries = [*texts, good]
    # As a client's JSON encoder sends text: a lone surrogate as its \u escape.
    response = post_raw(api, json.dumps({"queries": queries}))
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(queries) and results[-1]["ok"]
    for result, sent in zip(results, queries, strict=True):
        assert_answer_or_query_error(result, sent)


@OVER_HTTP
@given(TEXT)
def test_one_query_of_any_text_is_answered_or_gets_its_error(api, text):
    # Percent-encoded as UTF-8 (a lone surrogate as its three bytes, which the server reads as U+FFFD).
    raw = urllib.parse.quote(text.encode("utf-8", "surrogatepass"), safe="")
    response = requests.get(f"{api}?q={raw}", timeout=60)
    assert response.status_code in (200, 422), response.text
    body = response.json()
    assert body["ok"] is (response.status_code == 200)
    assert body["error"] is None if body["ok"] else body["error"].strip()


def test_the_statuses_the_fuzzing_expects_are_the_ones_the_description_documents(server):
    spec = requests.get(server.url + "/api/v1/openapi.json", timeout=30).json()
    documented = {(op.get("operationId"), status) for path in spec["paths"].values() for op in path.values()
                  for status in op["responses"]}
    config = tomllib.loads(SCHEMATHESIS_CONFIG.read_text(encoding="utf-8"))
    general = {s for check in config["checks"].values() for s in check["expected-statuses"]}
    assert general <= {s for op, s in documented if op in ("nearestOne", "nearestMany")}
    for override in config["operations"]:
        op = override["include-operation-id"]
        named = {s for check in override["checks"].values() for s in check["expected-statuses"]}
        assert named <= {s for o, s in documented if o == op}, op


def test_schemathesis_finds_nothing_with_every_check_on_valid_and_invalid_data(server):
    report = ARTIFACTS / "schemathesis"  # its junit report, and its crash cache (kept out of the checkout)
    report.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(SCHEMATHESIS_CONFIG), "--no-color",
         "run", f"{server.url}/api/v1/openapi.json", "--checks", "all", "--mode", "all", "--seed", str(SEED),
         "--max-examples", str(EXAMPLES), "--workers", "1", "--request-timeout", "60",
         "--generation-database", "none", "--report", "junit", "--report-dir", str(report)],
        capture_output=True, text=True, timeout=600, cwd=report)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "No issues found" in done.stdout and " passed" in done.stdout


def test_none_of_it_is_a_server_error_or_leaves_a_traceback_in_the_log(server, api):
    # Runs after the tests above (pytest keeps file order) on the same server.
    for body in ['{"queries": ' + "[" * 50_000 + "]" * 50_000 + "}", r'{"queries": ["\ud800", "SL6 8DG"]}']:
        assert post_raw(api, body).status_code < 500
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and "RecursionError" not in log and "UnicodeEncodeError" not in log, log[-3000:]
