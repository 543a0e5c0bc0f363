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
