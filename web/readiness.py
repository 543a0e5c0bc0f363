"""``/healthz/ready``: whether this process can answer a search now (the balancer's health check).

Ready means the postcode index is loaded and a real lookup answers: the first
clinic's own place (``locate_by`` in ``data/clinics.toml``) is looked up and
must be sent to that clinic. Until then the answer is 503, so HAProxy (and
``bin/serve``, which waits for it before giving a new replica any traffic)
keeps patients away from a process that would show them "Loading…".

The first request loads the index on a worker thread; requests that arrive
while it loads are answered 503 at once rather than queued behind it. The
body names no query and no visitor: only ``ready`` and, when not, why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

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
                return _not_ready("the postcode index cannot be loaded (see the server log)")
            finally:
                self._loading.release()
        locator = self._get_locator()
        clinic = locator.clinics[0]
        try:
            answered = locator.lookup(clinic.locate_by).clinic.id == clinic.id
        except LocatorError:
            answered = False
        if not answered:
            return _not_ready("a lookup of a clinic's own place did not answer with that clinic")
        return JSONResponse({"ready": True}, headers=_NO_STORE)


def _not_ready(why: str) -> JSONResponse:
    return JSONResponse({"ready": False, "why": why}, status_code=503, headers=_NO_STORE)
