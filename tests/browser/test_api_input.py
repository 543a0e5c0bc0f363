"""Nothing a client sends loses its batch or gets a 5xx: the API over real HTTP, with bodies no schema describes.

One server of its own, so that what it logs can be read afterwards. The bodies are written by
hand, byte for byte: a lone surrogate escape, a NUL, a JSON document nested thousands deep.
"""

from __future__ import annotations

import json

import pytest
import requests

from locator.postcodes import MAX_QUERY_LENGTH

from . import start_streamlit

NEAREST = "/api/v1/nearest"
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
    body = '{"queries": [%s]}' % ", ".join([json.dumps(GOOD[0]), escaped, *map(json.dumps, GOOD[1:])])
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


def test_none_of_it_is_a_server_error_or_leaves_a_traceback_in_the_log(server, api):
    # Runs after the tests above (pytest keeps file order) on the same server.
    for body in ['{"queries": ' + "[" * 50_000 + "]" * 50_000 + "}", r'{"queries": ["\ud800", "SL6 8DG"]}']:
        assert post_raw(api, body).status_code < 500
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and "RecursionError" not in log and "UnicodeEncodeError" not in log, log[-3000:]
