"""The JSON API, served by the same process as the pages (``app.py`` hands these routes to ``st.App``).

``GET /api/v1/nearest?q=SL6%208DG``
    One query. The body is exactly the object one line of
    ``python -m locator --json`` gives: 200 when answered; 422 with the core's
    own error object (``ok: false``, ``error``, ``error_type``, ``suggestions``)
    when the query cannot be answered.
``POST /api/v1/nearest`` with ``{"queries": [...]}`` (``Content-Type: application/json``)
    Up to :data:`MAX_QUERIES` queries; 200 with ``{"results": [...]}``, one
    object per query, in order, each as above. More queries give 413.
``GET /api/v1/openapi.json``
    The OpenAPI description (``web.openapi``).

Every other outcome is ``{"ok": false, "error": "..."}`` with its status:
400 (no ``q``, a malformed body, not JSON), 404, 405, 413 (too many queries or
too big a body), 503 with ``Retry-After`` (busy, or the index cannot be
loaded). Never an HTML page, never a 500.

Limits are the core's own (each query at most ``MAX_QUERY_LENGTH``
characters, checked by the core) plus a cap on the number in flight: at most
``workers`` requests compute at once, each on a worker thread so the event
loop keeps serving pages, and at most ``waiting`` more wait for a worker;
beyond that a request is refused at once with 503, not queued. Queries,
postcodes and positions are never logged (see ``web.privacy``).
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable

from anyio import CapacityLimiter, to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from locator import messages
from locator.bulk import ListRow, answer_list
from locator.errors import IndexUnavailable
from locator.parse import MAX_QUERY_LENGTH
from locator.service import Locator
from locator.text import readable
from web.metrics import API, count_search
from web.openapi import describe
from web.privacy import log_failure

PREFIX = "/api/v1"
MAX_QUERIES = 1_000
# Room for MAX_QUERIES queries at the core's length cap, every character a JSON \uXXXX escape.
MAX_BODY_BYTES = MAX_QUERIES * (MAX_QUERY_LENGTH * 6 + 4) + 1_024
RETRY_AFTER_S = 1
JSON = "application/json"
DESCRIPTION = describe(MAX_QUERIES, MAX_BODY_BYTES, RETRY_AFTER_S)
EXAMPLE_GET = f"{PREFIX}/nearest?q=SL6%208DG"
EXAMPLE_POST = '{"queries": ["SL6 8DG", "D18 X5K7", "Reading"]}'


_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


class ApiError(Exception):
    """A request the API refuses: ``status`` and the sentence a caller reads."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def json_response(status: int, body: object, headers: dict[str, str] | None = None) -> Response:
    return Response(_dumps(body), status, headers, media_type=JSON)


def error_response(error: ApiError) -> Response:
    return json_response(error.status, {"ok": False, "error": error.message}, error.headers)


def _dumps(body: object) -> bytes:
    # As the CLI writes its lines: UTF-8 (accents in Dún Laoghaire), not \u escapes.
    return json.dumps(body, ensure_ascii=False).encode()


def answers(locator: Locator, queries: list[str]) -> list[ListRow]:
    """Each query's row (its answer or its error), in order, each counted in the metrics."""
    rows = list(answer_list(locator, queries))
    for row in rows:
        count_search(API, row.outcome)
    return rows


class Admission:
    """At most ``workers`` computations at once on worker threads, at most ``waiting`` more queued.

    Used only from the event loop's thread, so the count needs no lock.
    """

    def __init__(self, workers: int, waiting: int) -> None:
        self._limiter = CapacityLimiter(workers)
        self._capacity = workers + waiting
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """How many computations are running or waiting for a worker now."""
        return self._admitted

    async def run(self, fn: Callable, *args):
        if self._admitted >= self._capacity:
            raise ApiError(503, "The service is busy: try again in a moment.",
                           {"Retry-After": str(RETRY_AFTER_S)})
        self._admitted += 1
        try:
            return await to_thread.run_sync(fn, *args, limiter=self._limiter)
        finally:
            self._admitted -= 1


class NearestApi:
    """The API's endpoints, answering from the locator that ``get_locator`` returns (loaded once, shared)."""

    def __init__(self, get_locator: Callable[[], Locator], workers: int | None = None, waiting: int = 16) -> None:
        self._get_locator = get_locator
        self.admission = Admission(workers or max(1, os.cpu_count() or 1), waiting)

    def routes(self) -> list[Route]:
        # Every method reaches the endpoints, so that a wrong one gets a JSON 405, not Starlette's text.
        return [
            Route(f"{PREFIX}/nearest", self.nearest, methods=_METHODS),
            Route(f"{PREFIX}/openapi.json", self.description, methods=_METHODS),
            # Anything else under /api/ is a JSON 404, not the app's HTML page.
            Route("/api/{rest:path}", self.not_found, methods=_METHODS),
        ]

    async def nearest(self, request: Request) -> Response:
        gzip_ok = "gzip" in request.headers.get("accept-encoding", "").lower()
        try:
            if request.method in ("GET", "HEAD"):
                query = _one_query(request)
                status, body = await self.admission.run(_compressed(self._answer_one, gzip_ok), query)
            elif request.method == "POST":
                body_bytes = await _read_body(request)
                status, body = await self.admission.run(_compressed(self._answer_list, gzip_ok), body_bytes)
            elif request.method == "OPTIONS":
                return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
            else:
                raise ApiError(405, f"{request.method} is not supported here: GET {EXAMPLE_GET}, or POST "
                                    f"{EXAMPLE_POST}.", {"Allow": "GET, HEAD, POST, OPTIONS"})
        except ApiError as exc:
            return error_response(exc)
        except Exception as exc:  # never a 500 page; the log gets the kind of failure, not the request
            log_failure("API request failed", exc)
            return error_response(ApiError(503, "The service could not answer just now: try again in a moment.",
                                           {"Retry-After": str(RETRY_AFTER_S)}))
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"} if body[:2] == _GZIP_MAGIC else None
        return Response(body, status, headers, media_type=JSON)

    async def description(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return error_response(ApiError(405, "Only GET is supported here.", {"Allow": "GET, HEAD"}))
        return json_response(200, DESCRIPTION)

    async def not_found(self, request: Request) -> Response:
        return error_response(ApiError(404, f"There is nothing at this address. The API is GET {EXAMPLE_GET} and "
                                            f"POST {PREFIX}/nearest; its description is at {PREFIX}/openapi.json."))

    # -- on a worker thread

    def _locator(self) -> Locator:
        try:
            return self._get_locator()
        except IndexUnavailable as exc:
            raise ApiError(exc.status, exc.message, {"Retry-After": "30"}) from None

    def _answer_one(self, query: str) -> tuple[int, bytes]:
        [row] = answers(self._locator(), [query])
        return (row.error.status if row.error else 200), _dumps(row.to_dict())

    def _answer_list(self, body: bytes) -> tuple[int, bytes]:
        rows = answers(self._locator(), _parse_queries(body))
        return 200, _dumps({"results": [row.to_dict() for row in rows]})


_GZIP_MAGIC = b"\x1f\x8b"  # JSON never starts with it
GZIP_FROM_BYTES = 1_000  # as Streamlit's own gzip middleware


def _compressed(work: Callable[..., tuple[int, bytes]], gzip_ok: bool) -> Callable[..., tuple[int, bytes]]:
    """``work``, its body gzipped on the same worker thread when the client takes gzip.

    A list's answer is about 1 KB a query; compressed by Streamlit's middleware it would
    be compressed on the event loop, holding up every page while it runs.
    """
    def run(*args) -> tuple[int, bytes]:
        status, body = work(*args)
        if gzip_ok and len(body) >= GZIP_FROM_BYTES:
            body = gzip.compress(body, compresslevel=5, mtime=0)
        return status, body

    return run


def _one_query(request: Request) -> str:
    values = request.query_params.getlist("q")
    if not values:
        raise ApiError(400, f"Give the postcode, Eircode or town as q, e.g. {EXAMPLE_GET}.")
    if len(values) > 1:
        raise ApiError(400, f"Give one q per request; for a list, POST {EXAMPLE_POST} to {PREFIX}/nearest.")
    return values[0]


async def _read_body(request: Request) -> bytes:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != JSON:
        raise ApiError(400, f"Send the list as JSON, with Content-Type: {JSON} and a body like {EXAMPLE_POST}.")
    too_big = ApiError(413, f"That body is too big: send at most {MAX_QUERIES:,} queries of at most "
                            f"{MAX_QUERY_LENGTH} characters each per request.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_queries(body: bytes) -> list[str]:
    shape = f"The body must be a JSON object like {EXAMPLE_POST}"
    try:
        # Numbers are never queries: read as floats, so that 5,000 digits are not an int's ValueError.
        data = json.loads(body.decode("utf-8"), parse_int=float)
    except RecursionError:
        # Deeper than the parser's recursion limit; the good shape is two levels deep.
        raise ApiError(400, messages.body_nested_too_deep(EXAMPLE_POST)) from None
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, f"{shape}; this one is not valid JSON (UTF-8).") from None
    queries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(queries, list):
        raise ApiError(400, f"{shape}: an object with a list named queries.")
    others = sorted(k for k in data if k != "queries")
    if others:
        raise ApiError(400, messages.body_unknown_keys([readable(k) for k in others], EXAMPLE_POST))
    if len(queries) > MAX_QUERIES:
        raise ApiError(413, f"That list has {len(queries):,} queries; one request may hold at most "
                            f"{MAX_QUERIES:,}. Split it into several requests.")
    if not all(isinstance(q, str) for q in queries):
        raise ApiError(400, f"{shape}: every query must be a string (quote postcodes and numbers).")
    return queries
