"""What this replica is doing, at ``/metrics`` in Prometheus's text format (prometheus-client).

Counts and timings only: never a query, postcode, position, IP address or
anything else a person typed or sent. Every label value comes from a short
fixed list: where a search came from (``page``, ``plain``, ``api``), its outcome
(``ok`` or the error's ``label`` from :mod:`locator.errors`, a class
attribute, never built from input), the precision it was located to and the
clinic's ``id``; an API response's status code. See
docs/adr/0014-metrics.md for who may read them.

Each replica has its own registry and is scraped on its own port: nothing is
summed across processes here, Prometheus does that.

The hooks, one line where each thing happens:

* :func:`counted_search` wraps a page's lookup: the app's (the UI's one door) and
  the no-JavaScript page's (``/search``);
* :func:`count_search` counts one answer or error given by another surface
  (the API counts each query of a request, a list's included);
* :class:`ApiRequests` (middleware) counts and times every response under ``/api/``;
* :func:`count_desk_action` counts what a staff member did at the desk.

Sessions open and the index's release and build time are read when
``/metrics`` is scraped, not kept up to date in between.
"""

from __future__ import annotations

import calendar
import hmac
import ipaddress
import os
import re
import time
from collections.abc import Callable, Iterator
from typing import ParamSpec

from anyio import to_thread
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from locator.answer import Answer
from locator.errors import LocatorError
from locator.service import Locator

PATH = "/metrics"
TOKEN_ENV = "CLINIC_LOCATOR_METRICS_TOKEN"
# Headers a proxy adds: behind HAProxy every request reaches a replica from 127.0.0.1, so a
# request that carries one came from elsewhere whatever its peer address.
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
# Where a search came from: the app's page, the plain HTML page (/search, no JavaScript), the API.
PAGE, PLAIN, API = "page", "plain", "api"

REGISTRY = CollectorRegistry()
# process_cpu_seconds_total and process_resident_memory_bytes: CPU per search and memory per replica.
ProcessCollector(registry=REGISTRY)

SEARCHES = Counter(
    "clinic_locator_searches", "Searches answered or refused: where from (page, plain, api), outcome ('ok' or the "
    "error's label), the precision located to and the clinic chosen (both empty when refused).",
    ["source", "outcome", "precision", "clinic"], registry=REGISTRY)
PAGE_SEARCH_SECONDS = Histogram(
    "clinic_locator_page_search_seconds", "Server time to answer one search on a page (read, locate, route), "
    "seconds, by page (page, plain); refused searches included.", ["source"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5), registry=REGISTRY)
API_REQUESTS = Counter(
    "clinic_locator_api_requests", "Responses under /api/, by HTTP status.", ["status"], registry=REGISTRY)
API_SECONDS = Histogram(
    "clinic_locator_api_request_seconds", "Time from an /api/ request's arrival to its response's start, seconds.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0), registry=REGISTRY)
DESK_ACTIONS = Counter(
    "clinic_locator_desk_actions", "What staff did at the call-centre desk, per staff member and kind of action.",
    ["person", "action"], registry=REGISTRY)

P = ParamSpec("P")


def counted_search(source: str, lookup: Callable[P, Answer], *args: P.args, **kwargs: P.kwargs) -> Answer:
    """``lookup(*args)`` for a page (``page``, ``plain``), counted and timed; its answer returned, its error raised.

    The arguments (what was typed, a position) go to ``lookup`` only, never to a metric.
    """
    started = time.perf_counter()
    try:
        answer = lookup(*args, **kwargs)
    except LocatorError as exc:
        count_search(source, exc)
        raise
    finally:
        PAGE_SEARCH_SECONDS.labels(source).observe(time.perf_counter() - started)
    count_search(source, answer)
    return answer


def count_search(source: str, outcome: Answer | LocatorError) -> None:
    """Count one search from ``source`` (``page``, ``plain``, ``api``): its clinic and precision, or its error's label."""
    if isinstance(outcome, LocatorError):
        SEARCHES.labels(source, outcome.label, "", "").inc()
    else:
        SEARCHES.labels(source, "ok", outcome.location.precision.value, outcome.clinic.id).inc()


_ACTION = re.compile(r"[a-z][a-z_]{0,31}")
_MAX_PERSON = 254  # the longest email address


def count_desk_action(person: str, action: str) -> None:
    """Count one thing a staff member did at the desk, as ``clinic_locator_desk_actions_total{person, action}``.

    ``person`` names the staff member as the audit log does (their sign-in
    identity on the allow-list; staff, never a caller). ``action`` is the
    kind of thing done, a lower-case word from the desk's own short list
    (``lookup``, ``list``, ``download``...), never what was looked up: anything
    else raises ``ValueError``, so a query cannot end up in a label by mistake.
    """
    if not _ACTION.fullmatch(action):
        raise ValueError(f"a desk action is a lower-case word of at most 32 letters, not {action!r}")
    if not person or len(person) > _MAX_PERSON:
        raise ValueError(f"a staff member is named by their sign-in identity (at most {_MAX_PERSON} characters)")
    DESK_ACTIONS.labels(person, action).inc()


class ApiRequests:
    """ASGI middleware: counts every response under ``/api/`` by status and times it (arrival to response start)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                API_SECONDS.observe(time.perf_counter() - started)
                API_REQUESTS.labels(str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counted)


class _ReadAtScrape(Collector):
    """Sessions open (Streamlit's runtime) and the loaded index's release and build time, read at each scrape."""

    get_locator: Callable[[], Locator] | None = None

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("clinic_locator_sessions_open", "Browser sessions connected to this replica now.",
                                value=_sessions_open())
        if self.get_locator is None:
            return
        try:
            index = self.get_locator().index
        except LocatorError:
            yield GaugeMetricFamily("clinic_locator_index_loaded", "1 once the postcode index is loaded.", value=0)
            return
        yield GaugeMetricFamily("clinic_locator_index_loaded", "1 once the postcode index is loaded.", value=1)
        yield InfoMetricFamily("clinic_locator_index", "The Code-Point Open release the postcode index was built from.",
                               value={"release": index.release})
        built = _timestamp(index.meta.get("built_at", ""))
        if built is not None:
            yield GaugeMetricFamily("clinic_locator_index_built_timestamp_seconds",
                                    "When the loaded postcode index was built, Unix time.", value=built)


_READ_AT_SCRAPE = _ReadAtScrape()
REGISTRY.register(_READ_AT_SCRAPE)


def _sessions_open() -> int:
    # Streamlit has no public count of sessions; its runtime's session manager keeps one (ADR 14).
    from streamlit import runtime

    if not runtime.exists():
        return 0
    return runtime.get_instance()._session_mgr.num_active_sessions()


def _timestamp(iso_utc: str) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


def may_read(request: Request, token: str | None) -> bool:
    """Whether ``request`` may read the metrics (ADR 14).

    With a token set, only a request bearing it, from anywhere. Without one,
    only this machine (a loopback peer), and never a request relayed by a
    proxy, which would otherwise come from loopback too.
    """
    if token:
        return hmac.compare_digest(request.headers.get("authorization", "").encode(), f"Bearer {token}".encode())
    host = request.client.host if request.client else ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return loopback and not any(h in request.headers for h in PROXY_HEADERS)


def routes(get_locator: Callable[[], Locator]) -> list[Route]:
    """The ``/metrics`` route for ``st.App``; ``get_locator`` is the pages' own (loaded once, shared)."""
    _READ_AT_SCRAPE.get_locator = get_locator

    async def metrics(request: Request) -> Response:
        token = os.environ.get(TOKEN_ENV, "").strip() or None
        if not may_read(request, token):
            if token:
                return Response("A bearer token is needed to read the metrics.\n", 401,
                                {"WWW-Authenticate": 'Bearer realm="metrics"'}, media_type="text/plain")
            return Response("The metrics are served to this machine only.\n", 403, media_type="text/plain")
        # Off the event loop: a first scrape may load the index (about 0.4 s).
        body = await to_thread.run_sync(generate_latest, REGISTRY)
        return Response(body, headers={"Cache-Control": "no-store"}, media_type=CONTENT_TYPE_LATEST)

    return [Route(PATH, metrics, methods=["GET", "HEAD"])]
