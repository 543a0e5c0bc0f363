"""A browser behind bin/serve's balancer: which replica it is pinned to, killing that one, and what the page logs."""

from __future__ import annotations

import os
import re
import signal

from playwright.sync_api import Page

from serve.haproxy import STICKY_COOKIE
from tests.serve_harness import Service

# What Streamlit's page logs while its server is gone: the failed reconnection attempts.
_RECONNECTING = re.compile(r"WebSocket|_stcore/(health|host-config|stream)|Failed to load resource|ERR_CONNECTION|"
                           r"net::ERR_|503|502")


def pinned_to(page: Page) -> str:
    """The slot (r1, r2, …) the page's browser is pinned to."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies[STICKY_COOKIE]


def kill_replica_of(page: Page, service: Service) -> tuple[str, int]:
    slot = pinned_to(page)
    pid = service.replica_pid(slot)
    assert pid is not None, f"no replica in {slot}"
    os.kill(pid, signal.SIGKILL)
    return slot, pid


def only_reconnection_errors(page: Page) -> None:
    unexpected = [e for e in page.log.errors if not _RECONNECTING.search(e)]
    assert unexpected == [], unexpected
    page.log.errors.clear()
