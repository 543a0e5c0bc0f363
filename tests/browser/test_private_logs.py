"""No query, postcode or position ever reaches the server's log, not even on errors.

One server of its own, logging at Streamlit's most talkative level (debug), is asked
through the API and through the pages (good queries, bad ones, a broken body, a shared
link); then everything it wrote is searched for what was asked and where it is.
"""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from components.search import LABEL

from . import STAFF_PASSPHRASE, sign_in, start_streamlit, wait_for_app

# Each is unusual enough that it cannot appear in a log by chance.
API_QUERIES = ["HP7 0HP", "W1G 8AJ", "Dun Laoghaire", "ZZ9 9ZZ", "Maidenhedd", "q" * 150, "BT1 1AA", "D18 X5K7"]
PAGE_QUERIES = ["SL6 8DG", "Readng", "L1 8JQ"]
DESK_QUERIES = ["GU1 1AA", "Tralee"]
LINK_QUERY = "RG1 1AA"
# Searched through the page's no-JavaScript form, answered by the server (web/plain_search.py)
PLAIN_QUERIES = ["OX1 1AA", "Galwy"]


@pytest.fixture(scope="module")
def server():
    server = start_streamlit("app.py", "--logger.level", "debug")
    yield server
    server.stop()


def test_no_query_postcode_or_position_is_ever_logged(server, new_page):
    api = server.url + "/api/v1/nearest"
    answers = [requests.get(api, params={"q": q}, timeout=30).json() for q in API_QUERIES]
    answers += requests.post(api, json={"queries": API_QUERIES}, timeout=30).json()["results"]
    requests.post(api, data='{"queries": ["TN1 1AA"', headers={"Content-Type": "application/json"}, timeout=30)
    requests.get(api + "?q=GL1%201AA&q=EX1%201AA", timeout=30)
    for query in PLAIN_QUERIES:
        assert requests.get(server.url + "/search", params={"postcode": query}, timeout=30).ok

    page = new_page()
    page.goto(server.url)
    wait_for_app(page)
    for query in PAGE_QUERIES:
        field = page.get_by_label(LABEL)
        field.fill(query)
        field.press("Enter")
        wait_for_app(page)
    page.goto(f"{server.url}/?postcode={LINK_QUERY.replace(' ', '%20')}")
    wait_for_app(page)
    expect(page.locator(".st-key-answer-card")).to_be_visible()
    page.goto(server.url + "/call-centre")
    wait_for_app(page)
    page.log.errors.clear()  # Streamlit's own probe of /call-centre/_stcore/ (see test_call_centre.py)
    sign_in(page, "wrong " + STAFF_PASSPHRASE)
    sign_in(page)
    for query in DESK_QUERIES:
        field = page.get_by_label("Your postcode or town")
        field.fill(query)
        field.press("Enter")
        wait_for_app(page)

    log = server.log_path.read_text(errors="replace")
    assert "Running script" in log, "the server logged at debug level"
    secrets = API_QUERIES + PAGE_QUERIES + DESK_QUERIES + PLAIN_QUERIES + [LINK_QUERY, "TN1 1AA", "GL1 1AA", STAFF_PASSPHRASE]
    found = [s for s in secrets if re.search(re.escape(s).replace(r"\ ", r"(\s|%20|\+)?"), log, re.I)]
    assert not found, f"the server's log ({server.log_path}) holds what was asked: {found}"
    positions = [f"{a['location'][k]}" for a in answers if a["ok"] for k in ("lat", "lon")]
    assert positions and not [p for p in positions if p[:7] in log]
