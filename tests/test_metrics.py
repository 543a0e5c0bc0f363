"""The metrics on their own: what each hook counts, what labels it may use, and who may read ``/metrics``.

Through the real server, with a browser and real searches, in tests/browser/test_metrics.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request

from locator import LocatorError
from locator.model import Precision
from tests.event_loop import run_in_own_loop
from web import metrics
from web.api import NearestApi


def value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_page_search_is_counted_by_clinic_and_precision_and_timed(locator):
    answer = locator.lookup("SL6 8DG")
    labels = {"source": "page", "outcome": "ok", "precision": answer.location.precision.value,
              "clinic": answer.clinic.id}
    before, timed = value("clinic_locator_searches_total", **labels), value("clinic_locator_page_search_seconds_count", source="page")
    assert metrics.counted_search("page", locator.lookup, "SL6 8DG") == answer
    assert value("clinic_locator_searches_total", **labels) == before + 1
    assert value("clinic_locator_page_search_seconds_count", source="page") == timed + 1


@pytest.mark.parametrize("query", ["ZZ9 9ZZ", "   ", "x" * 300, "Maidenhedd", "12345"])
def test_a_refused_page_search_is_counted_by_its_errors_label_and_the_error_still_reaches_the_page(locator, query):
    with pytest.raises(LocatorError) as refused:
        locator.lookup(query)
    labels = {"source": "page", "outcome": refused.value.label, "precision": "", "clinic": ""}
    before = value("clinic_locator_searches_total", **labels)
    with pytest.raises(type(refused.value)):
        metrics.counted_search("page", locator.lookup, query)
    assert value("clinic_locator_searches_total", **labels) == before + 1


def searches_counted() -> dict[tuple, float]:
    return {tuple(sorted(s.labels.items())): s.value for family in metrics.REGISTRY.collect()
            if family.name == "clinic_locator_searches" for s in family.samples if s.name.endswith("_total")}


def test_every_label_value_comes_from_a_fixed_list_never_from_what_was_typed(locator):
    before = searches_counted()
    queries = ["SL6 8DG", "Reading", "BT1 1AA", "D18 X5K7", "ZZ9 9ZZ", "Not a place at all 42", "W1G", "\u202eSL6"]
    for query in queries:
        try:
            metrics.count_search("api", locator.lookup(query))
        except LocatorError as exc:
            metrics.count_search("api", exc)
    from locator import errors

    error_labels = {cls.label for cls in vars(errors).values()
                    if isinstance(cls, type) and issubclass(cls, errors.LocatorError)}
    allowed = {"source": {"page", "plain", "api"}, "outcome": error_labels | {"ok"},
               "precision": {p.value for p in Precision} | {""},
               "clinic": {c.id for c in locator.clinics} | {""}}
    moved = [dict(labels) for labels, count in searches_counted().items() if count != before.get(labels, 0.0)]
    assert sum(searches_counted().values()) - sum(before.values()) == len(queries)
    for labels in moved:
        for name, allowed_values in allowed.items():
            assert labels[name] in allowed_values


def test_a_desk_action_is_counted_per_person_and_a_query_cannot_be_an_action():
    before = value("clinic_locator_desk_actions_total", person="ann@clinic.example", action="lookup")
    metrics.count_desk_action("ann@clinic.example", "lookup")
    assert value("clinic_locator_desk_actions_total", person="ann@clinic.example", action="lookup") == before + 1
    for not_an_action in ["SL6 8DG", "lookup SL6", "", "Lookup", "a" * 40]:
        with pytest.raises(ValueError):
            metrics.count_desk_action("ann@clinic.example", not_an_action)
    with pytest.raises(ValueError):
        metrics.count_desk_action("", "lookup")


# ------------------------------------------------------------------ the route and the middleware, on a bare Starlette


def request_from(host: str, headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "GET", "path": "/metrics", "headers": raw, "client": (host, 50000)})


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "127.0.0.2"])
def test_without_a_token_this_machine_may_read(host):
    assert metrics.may_read(request_from(host), token=None)


@pytest.mark.parametrize("host", ["10.0.0.7", "192.168.1.2", "2001:db8::1", "testclient", ""])
def test_without_a_token_no_other_machine_may_read(host):
    assert not metrics.may_read(request_from(host), token=None)


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
def test_without_a_token_a_request_relayed_by_a_proxy_is_refused_though_it_comes_from_loopback(header):
    assert not metrics.may_read(request_from("127.0.0.1", {header: "203.0.113.9"}), token=None)


def test_with_a_token_only_its_bearer_may_read_from_anywhere_loopback_included():
    token = "s3cret-token"
    assert metrics.may_read(request_from("10.0.0.7", {"Authorization": f"Bearer {token}"}), token)
    assert metrics.may_read(request_from("127.0.0.1", {"Authorization": f"Bearer {token}",
                                                      "X-Forwarded-For": "203.0.113.9"}), token)
    for wrong in ["", f"Bearer {token}x", f"bearer{token}", token, "Bearer "]:
        assert not metrics.may_read(request_from("127.0.0.1", {"Authorization": wrong}), token)


@dataclass
class Reply:
    status_code: int
    headers: dict[str, str]
    text: str


class Client:
    """Requests straight to an ASGI app, as uvicorn would make them, from a peer that is not loopback."""

    def __init__(self, app) -> None:
        self.app = app

    def request(self, method: str, path: str, params: dict | None = None, headers: dict[str, str] | None = None,
                json_body: object = None) -> Reply:
        body = b"" if json_body is None else json.dumps(json_body).encode()
        raw_headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        if json_body is not None:
            raw_headers.append((b"content-type", b"application/json"))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
                 "query_string": urlencode(params or {}).encode(), "headers": raw_headers,
                 "client": ("192.0.2.10", 50000), "server": ("127.0.0.1", 8501)}
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        run_in_own_loop(lambda: self.app(scope, receive, send))
        start = next(m for m in sent if m["type"] == "http.response.start")
        text = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()
        return Reply(start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, text)

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: object) -> Reply:
        return self.request("POST", path, json_body=json)


@pytest.fixture()
def client(locator):
    return Client(Starlette(routes=[*NearestApi(lambda: locator).routes(), *metrics.routes(lambda: locator)],
                            middleware=[Middleware(metrics.ApiRequests)]))


def scrape(client: Client, token: str) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def test_api_responses_are_counted_by_status_and_every_query_as_a_search(client, monkeypatch, locator):
    monkeypatch.setenv(metrics.TOKEN_ENV, "t0ken")
    before = scrape(client, "t0ken")
    assert client.get("/api/v1/nearest", params={"q": "HP7 0HP"}).status_code == 200
    assert client.get("/api/v1/nearest", params={"q": "ZZ9 9ZZ"}).status_code == 422
    assert client.post("/api/v1/nearest", json={"queries": ["SL6 8DG", "ZZ9 9ZZ", "Reading"]}).status_code == 200
    assert client.get("/api/v1/nearest").status_code == 400
    assert client.get("/api/nowhere").status_code == 404
    after = scrape(client, "t0ken")

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert [moved("clinic_locator_api_requests_total", status=s) for s in ("200", "422", "400", "404")] == [2, 1, 1, 1]
    assert moved("clinic_locator_api_request_seconds_count") == 5
    refused = type(pytest.raises(LocatorError, locator.lookup, "ZZ9 9ZZ").value).label
    assert moved("clinic_locator_searches_total", source="api", outcome=refused, precision="", clinic="") == 2
    ok = sum(v - before.get(k, 0.0) for k, v in after.items()
             if k[0] == "clinic_locator_searches_total" and ("outcome", "ok") in k[1] and ("source", "api") in k[1])
    assert ok == 3


def test_the_index_release_and_build_time_and_this_process_are_there(client, monkeypatch, locator):
    monkeypatch.setenv(metrics.TOKEN_ENV, "t0ken")
    samples = scrape(client, "t0ken")
    assert samples[("clinic_locator_index_info", (("release", locator.index.release),))] == 1
    assert samples[("clinic_locator_index_loaded", ())] == 1
    assert samples[("clinic_locator_index_built_timestamp_seconds", ())] > 1.6e9
    assert samples[("process_resident_memory_bytes", ())] > 0
    assert ("clinic_locator_sessions_open", ()) in samples


def test_metrics_are_refused_without_the_token_and_to_other_machines_without_one(client, monkeypatch):
    monkeypatch.setenv(metrics.TOKEN_ENV, "t0ken")
    refused = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
    assert "clinic_locator" not in refused.text
    monkeypatch.delenv(metrics.TOKEN_ENV)
    refused = client.get("/metrics")  # from another machine
    assert refused.status_code == 403 and "clinic_locator" not in refused.text
