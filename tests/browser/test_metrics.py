"""``/metrics`` on a real server: searches on the page and through the API move exactly their counts,
and nothing that was asked, where it is, or who asked ever appears in it.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import requests
from playwright.sync_api import expect
from prometheus_client.parser import text_string_to_metric_families

from components.search import LABEL
from locator import LocatorError

from . import start_streamlit, wait_for_app

# Unusual enough that none can appear in the metrics by chance; two are refused.
PAGE_QUERIES = ["HP7 0HP", "W1G 8AJ", "L1 8JQ", "ZZ9 9ZZ"]
LINK_QUERY = "CF10 1EP"
API_QUERIES = ["BT1 1AA", "D18 X5K7", "EH1 1YZ", "PL1 1EA", "Maidenhedd"]
PLAIN_QUERIES = ["G1 1XQ", "YO1 7HH"]  # the page without JavaScript (/search)


@pytest.fixture(scope="module")
def server():
    server = start_streamlit("app.py")
    yield server
    server.stop()


def scrape(url: str, **headers: str) -> tuple[str, Counter]:
    response = requests.get(url + "/metrics", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    samples: Counter = Counter()
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value  # type: ignore[assignment]  # floats
    return response.text, samples


def searches(samples: Counter, source: str) -> Counter:
    """Searches from ``source`` by (outcome, clinic)."""
    out: Counter = Counter()
    for (name, labels), count in samples.items():
        labels = dict(labels)
        if name == "clinic_locator_searches_total" and labels["source"] == source:
            out[(labels["outcome"], labels["clinic"])] += count
    return out


def expected(locator, queries: list[str]) -> Counter:
    out: Counter = Counter()
    for query in queries:
        try:
            out[("ok", locator.lookup(query).clinic.id)] += 1
        except LocatorError as exc:
            out[(exc.label, "")] += 1
    return out


def search_on_page(page, query: str) -> None:
    field = page.get_by_label(LABEL)
    field.fill(query)
    field.press("Enter")
    wait_for_app(page)


def test_searches_move_their_counts_and_no_query_position_or_address_is_in_the_metrics(server, new_page, locator):
    _, before = scrape(server.url)

    page = new_page()
    page.goto(f"{server.url}/?postcode={LINK_QUERY.replace(' ', '%20')}")
    wait_for_app(page)
    expect(page.locator(".st-key-answer-card")).to_be_visible()
    for query in PAGE_QUERIES:
        search_on_page(page, query)
    api = server.url + "/api/v1/nearest"
    answers = [requests.get(api, params={"q": q}, timeout=30) for q in API_QUERIES]
    answers.append(requests.post(api, json={"queries": API_QUERIES}, timeout=30))

    for query in PLAIN_QUERIES:
        assert requests.get(server.url + "/search", params={"postcode": query}, timeout=30).status_code == 200

    text, after = scrape(server.url)
    assert searches(after, "plain") - searches(before, "plain") == expected(locator, PLAIN_QUERIES)
    assert searches(after, "page") - searches(before, "page") == expected(locator, [LINK_QUERY, *PAGE_QUERIES])
    assert searches(after, "api") - searches(before, "api") == expected(locator, API_QUERIES * 2)
    statuses = Counter(str(a.status_code) for a in answers)
    for status, count in statuses.items():
        key = ("clinic_locator_api_requests_total", (("status", status),))
        assert after[key] - before[key] == count
    assert after[("clinic_locator_page_search_seconds_count", (("source", "page"),))] - \
        before[("clinic_locator_page_search_seconds_count", (("source", "page"),))] == 1 + len(PAGE_QUERIES)
    assert after[("clinic_locator_sessions_open", ())] >= 1  # the page is still open

    # Nothing asked, nowhere it is, nobody who asked.
    asked = [LINK_QUERY, *PAGE_QUERIES, *API_QUERIES, *PLAIN_QUERIES]
    found = [q for q in asked if re.search(re.escape(q).replace(r"\ ", r"(\s|%20|\+)?"), text, re.I)]
    assert not found, f"/metrics holds what was asked: {found}"
    positions = [locator.lookup(q).location for q in asked if q not in ("ZZ9 9ZZ", "Maidenhedd")]
    coordinates = {f"{c:.3f}" for p in positions for c in (p.lat, p.lon)}
    assert not [c for c in coordinates if c in text], "/metrics holds a searched position"
    assert "127.0.0.1" not in text and "localhost" not in text


def test_a_request_relayed_by_a_proxy_or_from_another_machine_gets_no_metrics(server):
    relayed = requests.get(server.url + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=30)
    assert relayed.status_code == 403 and "clinic_locator" not in relayed.text
    assert requests.get(server.url + "/metrics", timeout=30).status_code == 200
