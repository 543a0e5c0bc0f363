"""Running a coroutine from a test, whatever loop the main thread already has.

Once a browser test has run, Playwright's sync API keeps an event loop on the
main thread for the rest of the session, and ``asyncio.run`` refuses to start
another there. A loop on a thread of its own works in any order of tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")


def run_in_own_loop(scenario: Callable[[], Awaitable[_T]]) -> _T:
    """``scenario()`` run to the end in a new event loop on a thread of its own; its result."""

    async def main() -> _T:
        return await scenario()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def asgi_get(app, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One GET through an ASGI app, on a loop of its own thread (Playwright may hold the main one)."""
    async def run():
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "headers": [(k.encode(), v.encode()) for k, v in headers.items()], "http_version": "1.1",
                 "scheme": "http", "server": ("test", 80), "root_path": "",
                 "asgi": {"version": "3.0", "spec_version": "2.4"}}
        await app(scope, receive, send)
        start = sent[0]
        return (start["status"], {k.decode(): v.decode() for k, v in start["headers"]},
                b"".join(m.get("body", b"") for m in sent[1:]))

    return run_in_own_loop(run)
