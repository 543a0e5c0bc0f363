"""bin/serve under load: replicas killed, hung and rolled over while people search, and no answer lost.

One real service for the module: ``bin/serve --replicas 2`` (HAProxy and two
Streamlit replicas on loopback). The people are pages speaking Streamlit's
websocket protocol (tests/streamlit_protocol.py) through the balancer, each
searching one postcode after another; a page whose connection goes reconnects
with its address (``?postcode=…``), as Streamlit's frontend does, and must get
its answer back. Every answer is checked against the real lookup.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import urllib.error
import urllib.request

import pytest

from locator import messages
from tests.serve_harness import Service, start_service
from tests.streamlit_protocol import Patient

pytestmark = pytest.mark.serve

POSTCODES = ["SL6 8DG", "HP7 0HP", "W1G 8AJ", "L1 8JQ", "BT1 1AA", "D18 X5K7", "G1 1XQ", "CF10 1EP", "EH1 1YZ",
             "PL1 1EA"]
PEOPLE = 8
THINK_S = 0.3  # between one answer and the next search: people read


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = start_service(2, "--drain-seconds", "3", tmp=tmp_path_factory.mktemp("serve"))
    yield service
    service.stop()


@pytest.fixture(scope="module")
def expected(locator) -> dict[str, str]:
    return {pc: f"Nearest clinic: {locator.lookup(pc).clinic.name}" for pc in POSTCODES}


class Crowd:
    """``PEOPLE`` pages searching through the balancer on a thread of their own, until stopped.

    Also, with ``arrivals``, a new visitor every ``arrivals`` seconds who loads
    the page at an answer's address (``?postcode=…``) once, with no retry: a
    failed page load counts as one.
    """

    def __init__(self, url: str, expected: dict[str, str], arrivals: float | None = None) -> None:
        self.url, self.expected, self.arrivals = url, expected, arrivals
        self.patients = [Patient(url, messages.SEARCH_LABEL) for _ in range(PEOPLE)]
        self.lost: list[str] = []
        self.page_loads = 0
        self.failed_page_loads: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def __enter__(self) -> Crowd:
        self._thread.start()
        deadline = time.monotonic() + 120
        while not all(p.answers for p in self.patients) and time.monotonic() < deadline:
            time.sleep(0.1)  # everyone has a page and an answer before the fault
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=180)

    @property
    def answers(self) -> int:
        return sum(p.answers for p in self.patients)

    @property
    def wrong(self) -> int:
        return sum(p.wrong for p in self.patients)

    @property
    def reconnects(self) -> int:
        return sum(p.reconnects for p in self.patients)

    def keep_searching(self, searches: int) -> None:
        """Wait until ``searches`` more answers have come (so the crowd searched after the fault too)."""
        target = self.answers + searches
        deadline = time.monotonic() + 120
        while self.answers < target and time.monotonic() < deadline and self._thread.is_alive():
            time.sleep(0.1)

    async def _run(self) -> None:
        tasks = [self._search(i, p) for i, p in enumerate(self.patients)]
        if self.arrivals:
            tasks.append(self._arrive())
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, BaseException):  # a person gave up: that is a lost answer too
                self.lost.append(f"{type(outcome).__name__}: {outcome}")

    async def _search(self, i: int, patient: Patient) -> None:
        k = 0
        try:
            await patient.search(POSTCODES[i % len(POSTCODES)], self.expected[POSTCODES[i % len(POSTCODES)]])
            while not self._stop.is_set():
                postcode = POSTCODES[(i + k) % len(POSTCODES)]
                k += 1
                try:
                    await patient.search(postcode, self.expected[postcode])
                except Exception as exc:  # noqa: BLE001  (whatever it was, the search went unanswered)
                    self.lost.append(f"{postcode}: {type(exc).__name__}: {exc}")
                await asyncio.sleep(THINK_S)
        finally:
            await patient.close()

    async def _arrive(self) -> None:
        k = 0
        while not self._stop.is_set():
            postcode = POSTCODES[k % len(POSTCODES)]
            k += 1
            visitor = Patient(self.url, messages.SEARCH_LABEL)
            self.page_loads += 1
            try:
                texts = await visitor.open(postcode)
                if not any(self.expected[postcode] in text for _, text in texts):
                    self.failed_page_loads.append(f"{postcode}: no answer in {texts[:3]}")
                page = await asyncio.to_thread(_get, self.url + f"/?postcode={postcode.replace(' ', '+')}")
                if page != 200:
                    self.failed_page_loads.append(f"GET /: {page}")
            except Exception as exc:  # noqa: BLE001  (whatever it was, the page did not load)
                self.failed_page_loads.append(f"{postcode}: {type(exc).__name__}: {exc}")
            finally:
                await visitor.close()
            assert self.arrivals is not None
            await asyncio.sleep(self.arrivals)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return -1  # refused, reset or timed out


def busiest(service: Service) -> tuple[str, int]:
    """The slot in service with the most open sessions, and its pid."""
    rows = service.runtime.servers()
    slot = max(service.in_service(), key=lambda s: int(rows[s]["scur"] or 0))
    pid = service.replica_pid(slot)
    assert pid is not None
    return slot, pid


def all_in_service(service: Service, replicas: int = 2) -> bool:
    return len(service.in_service()) == replicas


# ------------------------------------------------------------------ the service's doors


def test_each_replica_says_it_is_ready_once_it_can_answer(service):
    for slot, _ in service.in_service().items():
        port = service.slot_ports[int(slot[1:]) - 1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/ready", timeout=10) as response:
            assert response.status == 200 and response.read() == b'{"ready":true}'
            assert response.headers["Cache-Control"] == "no-store"


def test_the_balancer_pins_a_browser_to_one_replica_with_a_cookie(service):
    with urllib.request.urlopen(service.url + "/", timeout=30) as response:
        cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("clinic_locator_replica=r") and "HttpOnly" in cookie
    pinned = cookie.split(";")[0]
    request = urllib.request.Request(service.url + "/", headers={"Cookie": pinned})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert "Set-Cookie" not in response.headers  # already where it belongs


@pytest.mark.parametrize("path", ["/metrics", "/metrics/", "//metrics", "/%6detrics", "/./metrics", "/METRICS"])
def test_no_replicas_metrics_through_the_public_port(service, path):
    assert _get(service.url + path) == 404


def test_the_balancers_own_stats_and_metrics_are_on_loopback(service):
    with urllib.request.urlopen(f"http://127.0.0.1:{service.stats_port}/metrics", timeout=10) as response:
        text = response.read().decode()
    assert 'haproxy_server_status{proxy="replicas",server="r1"' in text
    with urllib.request.urlopen(f"http://127.0.0.1:{service.stats_port}/stats", timeout=10) as response:
        assert "Statistics Report" in response.read().decode()
    with urllib.request.urlopen(service.url + "/stats", timeout=30) as response:  # the app's own page, not HAProxy's
        assert "Statistics Report" not in response.read().decode()


# ------------------------------------------------------------------ faults under load


def test_a_replica_killed_mid_search_loses_no_answer(service, expected):
    with Crowd(service.url, expected) as crowd:
        slot, pid = busiest(service)
        os.kill(pid, signal.SIGKILL)
        service.wait_for(lambda: service.replica_pid(slot) not in (None, pid) and all_in_service(service), 180,
                         f"replica {slot} restarted after SIGKILL")
        crowd.keep_searching(2 * PEOPLE)
    assert crowd.lost == [] and crowd.wrong == 0
    assert crowd.reconnects >= 1, "the kill hit no session: the test proved nothing"
    assert f"replica {slot} (pid {pid}) exited" in service.log()


def test_a_hung_replica_is_out_within_3_s_its_pages_move_and_it_is_replaced(service, expected):
    with Crowd(service.url, expected) as crowd:
        slot, pid = busiest(service)
        os.kill(pid, signal.SIGSTOP)
        try:
            took = service.wait_for(lambda: service.statuses()[slot] != "UP", 10, f"{slot} marked DOWN")
            assert took <= 3.0
            service.wait_for(lambda: service.replica_pid(slot) not in (None, pid) and all_in_service(service), 180,
                             f"replica {slot} replaced after SIGSTOP")
        finally:
            if service.replica_pid(slot) == pid:  # never leave a stopped process behind
                os.kill(pid, signal.SIGKILL)
        crowd.keep_searching(2 * PEOPLE)
    assert crowd.lost == [] and crowd.wrong == 0
    assert crowd.reconnects >= 1
    assert "is stopped; replacing it" in service.log()


def test_a_rolling_restart_under_load_fails_no_page_load_and_loses_no_answer(service, expected):
    before = service.in_service()
    with Crowd(service.url, expected, arrivals=0.25) as crowd:
        service.proc.send_signal(signal.SIGHUP)
        service.wait_for(lambda: "rolling restart done" in service.log(), 240, "the rolling restart")
        crowd.keep_searching(2 * PEOPLE)
    after = service.in_service()
    assert len(after) == 2 and not set(after.values()) & set(before.values()), "every replica replaced"
    assert crowd.failed_page_loads == [] and crowd.page_loads >= 10
    assert crowd.lost == [] and crowd.wrong == 0
