"""A replica's health checks on their own port (web/readiness.py, ADR 20): answered by a thread, so a replica busy
with many pages opening at once is not taken for a dead one, and a stopped one is.

HAProxy (deploy/haproxy.cfg.j2) takes a replica out after 2 checks in a row that fail or take
over 1 s: that is the rule checked here, on a real replica.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import start_streamlit
from tests.event_loop import run_in_own_loop
from tests.streamlit_protocol import Session
from web.readiness import HEALTH_PORT_ENV, READY_PATH

CHECK_TIMEOUT_S = 1.0  # the template's `timeout check`
PAGES_AT_ONCE = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def replica():
    port = free_port()
    server = start_streamlit("app.py", env={HEALTH_PORT_ENV: str(port)})
    server.health_url = f"http://127.0.0.1:{port}{READY_PATH}"  # type: ignore[attr-defined]  # the test's own
    deadline = time.monotonic() + 120
    while not check(server.health_url, 5.0):  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the health port never said ready"
        time.sleep(0.5)
    yield server
    server.stop()


def check(url: str, timeout: float = CHECK_TIMEOUT_S) -> bool:
    """One check as HAProxy makes it: a 200 within the timeout."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until_stopped(pid: int) -> None:
    """Until every thread of ``pid`` is stopped (a signal takes effect as each thread is next scheduled)."""
    deadline = time.monotonic() + 10
    tasks = Path(f"/proc/{pid}/task")
    while not all((t / "stat").read_text().rsplit(")", 1)[1].split()[0] == "T" for t in tasks.iterdir()):
        assert time.monotonic() < deadline, "SIGSTOP did not stop the replica"
        time.sleep(0.05)


def test_a_replica_busy_opening_many_pages_passes_its_health_checks(replica):
    results: list[bool] = []
    done = threading.Event()

    def checking() -> None:
        while not done.is_set():
            results.append(check(replica.health_url))
            time.sleep(0.25)

    async def open_pages() -> None:
        sessions = [Session(replica.url, "postcode") for _ in range(PAGES_AT_ONCE)]
        await asyncio.gather(*(s.open() for s in sessions))
        await asyncio.gather(*(s.close() for s in sessions))

    checker = threading.Thread(target=checking)
    checker.start()
    try:
        run_in_own_loop(open_pages)
    finally:
        done.set()
        checker.join()
    assert len(results) >= 2
    two_in_a_row = [i for i in range(1, len(results)) if not results[i] and not results[i - 1]]
    assert not two_in_a_row, f"HAProxy would have taken the busy replica out: {results}"


def test_a_stopped_replica_fails_its_health_checks_and_passes_again_once_it_continues(replica):
    os.kill(replica.proc.pid, signal.SIGSTOP)
    try:
        wait_until_stopped(replica.proc.pid)
        assert not check(replica.health_url) and not check(replica.health_url)
    finally:
        os.kill(replica.proc.pid, signal.SIGCONT)
    deadline = time.monotonic() + 30
    while not check(replica.health_url):
        assert time.monotonic() < deadline, "the replica never answered again after SIGCONT"
        time.sleep(0.2)
