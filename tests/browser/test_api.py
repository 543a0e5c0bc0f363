"""The JSON API over real HTTP, against `streamlit run app.py` (the same server as the pages).

No browser here: plain HTTP requests, as the clinics' website, a booking tool or a CRM
would send them. The server is the shared one, started with CLINIC_LOCATOR_ALLOWED_ORIGINS.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from locator.parse import MAX_QUERY_LENGTH
from web.api import MAX_QUERIES

from . import CLINIC_SITE, REPO_ROOT

NEAREST = "/api/v1/nearest"
OTHER_SITE = "https://evil.example"
QUERIES = ["SL6 8DG", "BT1 1AA", "D18 X5K7", "Dún Laoghaire", "Readng", "ZZ1 1ZZ", "L1 8JQ", "90210",
           "x" * (MAX_QUERY_LENGTH + 1), "   ", "<script>alert(1)</script>", "sl68dg", "Isle of Man"]


def cli_lines(queries: list[str]) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "locator", "--json", "--", *queries], cwd=REPO_ROOT,
                          capture_output=True, text=True, encoding="utf-8")
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def api(app_url):
    return app_url + NEAREST


@pytest.fixture(scope="module")
def cli_answers() -> dict[str, dict]:
    return dict(zip(QUERIES, cli_lines(QUERIES), strict=True))


def assert_json_error(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["ok"] is False and isinstance(body["error"], str) and body["error"]
    return body


def post(api: str, body, **headers) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(api, data=data, headers={"Content-Type": "application/json", **headers}, timeout=30)


# ------------------------------------------------------------------ GET


@pytest.mark.parametrize("query", QUERIES)
def test_get_gives_exactly_the_clis_json_line(api, cli_answers, query):
    response = requests.get(api, params={"q": query}, timeout=30)
    assert response.json() == cli_answers[query]
    assert response.status_code == (200 if cli_answers[query]["ok"] else 422)
    assert response.headers["content-type"].startswith("application/json")


def test_a_query_that_cannot_be_answered_gets_the_cores_error_with_its_suggestions(api):
    body = requests.get(api, params={"q": "Readng"}, timeout=30).json()
    assert body["ok"] is False and "Reading" in body["suggestions"] and body["error_type"] == "UnknownPlace"


def test_get_without_q_or_with_two_is_a_400_saying_how_to_ask(api):
    assert "q" in assert_json_error(requests.get(api, timeout=30), 400)["error"]
    assert_json_error(requests.get(api, params=[("q", "SL6 8DG"), ("q", "W1G 8AJ")], timeout=30), 400)


# ------------------------------------------------------------------ POST


def test_post_answers_every_query_in_order_as_the_cli_does(api, cli_answers):
    response = post(api, {"queries": QUERIES})
    assert response.status_code == 200
    assert response.json() == {"results": [cli_answers[q] for q in QUERIES]}


def test_post_takes_up_to_the_limit_and_refuses_more_with_413(api, locator):
    keys = locator.index.unit_keys[:MAX_QUERIES]
    queries = [f"{k[:-3]} {k[-3:]}" for k in (key.decode() for key in keys)]
    results = post(api, {"queries": queries}).json()["results"]
    assert [r["query"] for r in results] == queries
    assert all(r["ok"] for r in results)
    body = assert_json_error(post(api, {"queries": queries + ["SL6 8DG"]}), 413)
    assert f"{MAX_QUERIES:,}" in body["error"]


def test_an_empty_list_gets_an_empty_list(api):
    assert post(api, {"queries": []}).json() == {"results": []}


@pytest.mark.parametrize("body", [b"{not json", b'{"queries": ["SL6 8DG"', b"\xff\xfe{}", b"", b"[]", b'"SL6 8DG"',
                                  b'{"q": "SL6 8DG"}', b'{"queries": "SL6 8DG"}', b'{"queries": [1, 2]}',
                                  b'{"queries": [null]}', b'{"queries": [["SL6 8DG"]]}'])
def test_a_malformed_body_is_a_400(api, body):
    assert "queries" in assert_json_error(post(api, body), 400)["error"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_the_wrong_content_type_is_a_400(api, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.post(api, data=json.dumps({"queries": ["SL6 8DG"]}), headers=headers, timeout=30)
    assert "application/json" in assert_json_error(response, 400)["error"]


def test_a_body_too_big_for_the_limit_is_a_413_before_it_is_read(api):
    huge = json.dumps({"queries": ["x" * MAX_QUERY_LENGTH] * (MAX_QUERIES * 8)})
    assert_json_error(post(api, huge), 413)


def test_content_type_with_a_charset_is_fine(api):
    response = post(api, {"queries": ["SL6 8DG"]}, **{"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200 and response.json()["results"][0]["ok"]


# ------------------------------------------------------------------ everything else is JSON too


def test_other_methods_and_addresses_get_json_not_the_apps_html(app_url, api):
    assert_json_error(requests.put(api, data="{}", timeout=30), 405)
    assert_json_error(requests.delete(api, timeout=30), 405)
    assert_json_error(requests.get(app_url + "/api/v1/nowhere", timeout=30), 404)
    assert_json_error(requests.get(app_url + "/api/v2/nearest?q=SL6", timeout=30), 404)
    assert_json_error(requests.post(app_url + "/api/v1/openapi.json", timeout=30), 405)


@pytest.mark.parametrize("query", ["\x00", "\u202e", "%", "' OR 1=1 --", "🏥", "\ufeffSL6 8DG", "SL6 8DG" * 1000])
def test_no_query_ever_gets_a_500_or_an_html_page(api, query):
    response = requests.get(api, params={"q": query}, timeout=30)
    assert response.status_code in (200, 422)
    assert response.json()["query"] == query


def test_the_openapi_description_names_both_operations_and_the_limit(app_url):
    response = requests.get(app_url + "/api/v1/openapi.json", timeout=30)
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    assert {"get", "post"} <= set(spec["paths"][NEAREST])
    post_schema = spec["paths"][NEAREST]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert post_schema["properties"]["queries"]["maxItems"] == MAX_QUERIES
    refs = json.dumps(spec).count('"$ref": "#/components/schemas/')
    assert refs and {"Answer", "QueryError", "Refused"} <= set(spec["components"]["schemas"])


# ------------------------------------------------------------------ CORS and the security headers


def test_an_allowed_origin_may_read_the_answers(api):
    response = requests.get(api, params={"q": "SL6 8DG"}, headers={"Origin": CLINIC_SITE}, timeout=30)
    assert response.headers["access-control-allow-origin"] == CLINIC_SITE
    assert "Origin" in response.headers["vary"]
    response = post(api, {"queries": ["SL6 8DG"]}, Origin=CLINIC_SITE)
    assert response.headers["access-control-allow-origin"] == CLINIC_SITE


def test_any_other_origin_gets_no_cors_header(api):
    for origin in (OTHER_SITE, CLINIC_SITE + ".evil.example", CLINIC_SITE.replace("https", "http"), "null"):
        response = requests.get(api, params={"q": "SL6 8DG"}, headers={"Origin": origin}, timeout=30)
        assert "access-control-allow-origin" not in response.headers, origin
    assert "access-control-allow-origin" not in requests.get(api, params={"q": "SL6 8DG"}, timeout=30).headers


def test_the_preflight_of_an_allowed_origin_is_answered(api):
    response = requests.options(api, headers={"Origin": CLINIC_SITE, "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"}, timeout=30)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == CLINIC_SITE
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()


def test_the_preflight_of_another_origin_is_refused_in_json(api):
    response = requests.options(api, headers={"Origin": OTHER_SITE, "Access-Control-Request-Method": "POST"},
                                timeout=30)
    assert_json_error(response, 403)
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("path", ["/", "/?embed=true", "/call-centre", "/about-treatment", NEAREST + "?q=SL6%208DG",
                                  "/api/v1/openapi.json", "/app/static/vendor/README.md", "/_stcore/health"])
def test_every_response_says_who_may_frame_it_and_not_to_sniff(app_url, path, parent_site):
    response = requests.get(app_url + path, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == f"frame-ancestors 'self' {CLINIC_SITE} {parent_site.url}"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_takes_commands_only_from_the_sites_allowed_to_embed_it(app_url, parent_site):
    # Streamlit's page obeys postMessage commands (rerun, stop, set the query) from an embedding page
    # whose origin its host config lists; by default that is Streamlit's own hosting sites.
    allowed = requests.get(app_url + "/_stcore/host-config", timeout=30).json()["allowedOrigins"]
    assert allowed == [CLINIC_SITE, parent_site.url]


def test_the_staff_session_route_sets_no_cookie_without_a_real_sign_in(app_url):
    from web.staff import COOKIE, SESSION_PATH

    for token in ("", "1.abc", f"{10**9}.{'0' * 64}"):
        response = requests.post(app_url + SESSION_PATH, data=token, timeout=30)
        assert_json_error(response, 403)
        assert COOKIE not in response.headers.get("set-cookie", "")
    assert_json_error(requests.get(app_url + SESSION_PATH, timeout=30), 405)


def test_a_big_answer_comes_gzipped_to_a_client_that_takes_it_and_plain_to_one_that_does_not(api):
    queries = {"queries": QUERIES * 10}
    zipped = post(api, queries, **{"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and len(zipped.json()["results"]) == len(QUERIES) * 10
    plain = requests.post(api, json=queries, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "content-encoding" not in plain.headers and plain.json() == zipped.json()
