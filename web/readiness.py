"""``/healthz/ready``: whether this process can answer a search now (the balancer's health check).

Ready means the postcode index is loaded and a real lookup answers: the first
clinic's own place (``locate_by`` in ``data/clinics.toml``) is looked up and
must be sent to that clinic. Until then the answer is 503, so HAProxy (and
``bin/serve``, which waits for it before giving a new replica any traffic)
keeps patients away from a process that would show them "Loading…".

The first request loads the index on a worker thread; requests that arrive
while it loads are answered 503 at once rather than queued behind it. The
body names no query and no visitor: only ``ready`` and, when not, why.

The same check is also answered on a port of its own by a thread of its own
(:class:`HealthPort`, ADR 20): that is the one the balancer and the deploy
recipes use, because the event loop that answers the route above can be
seconds behind when many pages open at once.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, HTTPServer

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from locator import Locator, LocatorError

READY_PATH = "/healthz/ready"
_NO_STORE = {"Cache-Control": "no-store"}


class Readiness:
    """The readiness endpoint for the locator that ``get_locator()`` returns (the pages' own)."""

    def __init__(self, get_locator: Callable[[], Locator]) -> None:
        self._get_locator = get_locator
        self._loaded = False
        self._loading = threading.Lock()

    def routes(self) -> list[Route]:
        return [Route(READY_PATH, self.ready, methods=["GET", "HEAD"])]

    async def ready(self, request: Request) -> JSONResponse:
        if not self._loaded:
            if not self._loading.acquire(blocking=False):
                return _not_ready("loading the postcode index")
            try:
                await run_in_threadpool(self._get_locator)
                self._loaded = True
            except LocatorError:
                return _not_ready(NOT_LOADED)
            finally:
                self._loading.release()
        if not answers(self._get_locator()):
            return _not_ready(NOT_ANSWERING)
        return JSONResponse({"ready": True}, headers=_NO_STORE)


NOT_ANSWERING = "a lookup of a clinic's own place did not answer with that clinic"
NOT_LOADED = "the postcode index cannot be loaded (see the server log)"


def answers(locator: Locator) -> bool:
    """Whether a real lookup answers: the first clinic's own place is sent to that clinic."""
    clinic = locator.clinics[0]
    try:
        return locator.lookup(clinic.locate_by).clinic.id == clinic.id
    except LocatorError:
        return False


def _not_ready(why: str) -> JSONResponse:
    return JSONResponse({"ready": False, "why": why}, status_code=503, headers=_NO_STORE)


# ------------------------------------------------------------------ on a port of its own, answered by a thread

HEALTH_PORT_ENV = "CLINIC_LOCATOR_HEALTH_PORT"
# Loopback unless set: a container's balancer or kubelet checks it from another address.
HEALTH_ADDRESS_ENV = "CLINIC_LOCATOR_HEALTH_ADDRESS"
HEALTH_PORT_OFFSET = 1000  # bin/serve and the recipes: a replica on port P is checked on P + 1000
HEALTH_THREAD = "health checks"
# An event loop that has not run a timer for this long is wedged, not busy: with 200 pages opening
# at once on one process, one turn of the loop was seen to take over 15 s (bench/bench_serve.py).
STALLED_S = 60.0
BEAT_S = 0.5


class HealthPort:
    """``GET /healthz/ready`` on ``address:port``, answered by one thread of its own.

    The event loop carries every page's messages: with 50 pages opening at once
    it was 4.5 s behind (measured), and a check answered there would call a busy
    replica dead, and HAProxy would cut every page on it. A thread gets the GIL
    within milliseconds, so this answers at once while the process runs, and not
    at all when it is stopped (SIGSTOP) or gone. A wedged event loop is still
    caught: the loop beats every ``BEAT_S``, and the check fails once no beat has
    come for ``STALLED_S``.
    """

    def __init__(self, get_locator: Callable[[], Locator], port: int, address: str = "127.0.0.1") -> None:
        self._get_locator = get_locator
        self.port = port
        self.address = address
        self._beat = time.monotonic()
        self._ready = False

    @classmethod
    def from_environ(cls, get_locator: Callable[[], Locator], environ: Mapping[str, str]) -> HealthPort | None:
        """The health port ``environ`` asks for (``CLINIC_LOCATOR_HEALTH_PORT``), or None."""
        port = environ.get(HEALTH_PORT_ENV, "").strip()
        if not port:
            return None
        return cls(get_locator, int(port), environ.get(HEALTH_ADDRESS_ENV, "").strip() or "127.0.0.1")

    def start(self) -> None:
        """Listen, and beat on the running event loop (call from the server's lifespan)."""
        loop = asyncio.get_running_loop()

        def beat() -> None:
            self._beat = time.monotonic()
            loop.call_later(BEAT_S, beat)

        beat()
        server = _Server((self.address, self.port), _handler(self))
        threading.Thread(target=server.serve_forever, name=HEALTH_THREAD, daemon=True).start()

    def check(self) -> tuple[bool, str]:
        """(ready, why not); loads the index on the first call (this thread only waits)."""
        if time.monotonic() - self._beat > STALLED_S:
            return False, "the server's event loop has stalled"
        if not self._ready:
            try:
                self._ready = answers(self._get_locator())
            except LocatorError:
                return False, NOT_LOADED
            if not self._ready:
                return False, NOT_ANSWERING
        return True, ""


def _handler(health: HealthPort) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self._answer(body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(body=False)

        def _answer(self, body: bool) -> None:
            ok, why = health.check() if self.path == READY_PATH else (False, f"the check is at {READY_PATH}")
            data = json.dumps({"ready": True} if ok else {"ready": False, "why": why}).encode()
            self.send_response(200 if ok else 503)
            for name, value in {**_NO_STORE, "Content-Type": "application/json",
                                "Content-Length": str(len(data))}.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
            pass  # a check every half second: no access log

    return Handler


class _Server(HTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # HAProxy closes a check's connection once it has read the status: nothing went wrong
