"""Capacity of the app as a service: many sessions at once through ``bin/serve`` with 1, 2 and 3 replicas.

    .venv/bin/python bench/bench_serve.py [--replicas 1 2 3] [--sessions 100 200] [--searches 5]

For each number of replicas, ``bin/serve --replicas N`` is started on a free port
(HAProxy in front, as in production) and, for each number of sessions, that many
sessions open the page at once through the balancer and then search
``--searches`` times each, one after another with no pause, over Streamlit's own
websocket protocol (``bench/bench_load.py``'s driver: every answer is checked
against the session's own query). A page load that takes longer than
``--load-timeout`` (30 s, as ../shared/tools/load_check.py) counts as timed out.

Reported per run: page-load p50/p95 and timeouts, search p95, searches per second
(all sessions' searches over the search phase's wall time), server CPU per search
(every replica's ``process_cpu_seconds_total`` from its own ``/metrics``, read on
its loopback port, during the search phase) and memory per replica (its
``process_resident_memory_bytes`` with every session open). Then sessions and
searches per core: the sessions each replica held with no page load timed out and
the searches per second, per core used (replicas, capped at the machine's cores).

Not a test: on a machine shared with other work the absolute figures move from run
to run; compare runs made together.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

from bench_load import POSTCODES, p95  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from tests.streamlit_protocol import Session  # noqa: E402
from web.readiness import READY_PATH  # noqa: E402

LABEL = "postcode"  # a word of the search field's label


@dataclass
class Run:
    replicas: int
    sessions: int
    loads: list[float] = field(default_factory=list)
    load_timeouts: int = 0
    failed: int = 0
    latencies: list[float] = field(default_factory=list)
    wrong: int = 0
    search_wall_s: float = 0.0
    cpu_s: float = 0.0
    rss_mb: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the first few failures, for the report

    @property
    def searches_per_s(self) -> float:
        return len(self.latencies) / self.search_wall_s if self.search_wall_s else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_run_of_ports(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports (bin/serve's replica slots)."""
    for _ in range(50):
        first = free_port()
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError("no run of free ports")


def ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class Service:
    """``bin/serve --replicas N`` on free ports, in its own process group; stopped with SIGTERM."""

    def __init__(self, replicas: int, log: Path) -> None:
        self.replicas = replicas
        self.port = free_port()
        self.replica_port = free_run_of_ports(replicas + 1)
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [str(REPO_ROOT / "bin" / "serve"), "--replicas", str(replicas), "--port", str(self.port),
                 "--bind", "127.0.0.1", "--replica-port", str(self.replica_port), "--stats-port", str(free_port()),
                 "--state-dir", str(log.parent / f"serve-state-{self.port}")],
                cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 300
        while not (ok(f"{self.url}{READY_PATH}") and len(self.replica_urls()) == replicas):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"bin/serve --replicas {replicas} did not come up; its output:\n"
                                   f"{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def replica_urls(self) -> list[str]:
        """The replicas that are ready now, on their own loopback ports (one slot is spare)."""
        urls = [f"http://127.0.0.1:{self.replica_port + i}" for i in range(self.replicas + 1)]
        return [u for u in urls if ok(u + READY_PATH)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def process_figures(replica_url: str) -> tuple[float, float]:
    """(CPU seconds, resident MB) of one replica, from its own /metrics (loopback: no token needed)."""
    with urllib.request.urlopen(replica_url + "/metrics", timeout=10) as response:
        text = response.read().decode()
    values = {s.name: s.value for family in text_string_to_metric_families(text) for s in family.samples}
    return values["process_cpu_seconds_total"], values["process_resident_memory_bytes"] / 2**20


async def drive(run: Run, service: Service, searches: int, load_timeout: float, answers: dict[str, str]) -> None:
    sessions = [Session(service.url, LABEL) for _ in range(run.sessions)]

    async def open_one(session: Session) -> Session | None:
        try:
            await asyncio.wait_for(session.open(), load_timeout)
        except TimeoutError:
            run.load_timeouts += 1
            return None
        except Exception as exc:  # refused, reset: a failed page load
            run.failed += 1
            if len(run.errors) < 3:
                run.errors.append(f"page load: {type(exc).__name__}: {exc}")
            return None
        run.loads.append(session.load_s)
        return session

    opened = [s for s in await asyncio.gather(*(open_one(s) for s in sessions)) if s is not None]
    replicas = service.replica_urls()
    run.rss_mb = [process_figures(u)[1] for u in replicas]
    cpu_before = sum(process_figures(u)[0] for u in replicas)
    started = time.perf_counter()

    async def searching(i: int, session: Session) -> None:
        for k in range(searches):
            postcode = POSTCODES[(i + k) % len(POSTCODES)]
            try:
                latency, right = await session.search(postcode, answers[postcode])
            except Exception as exc:
                run.failed += 1
                if len(run.errors) < 3:
                    run.errors.append(f"search: {type(exc).__name__}: {exc}")
                return
            run.latencies.append(latency)
            run.wrong += not right

    await asyncio.gather(*(searching(i, s) for i, s in enumerate(opened)))
    run.search_wall_s = time.perf_counter() - started
    run.cpu_s = sum(process_figures(u)[0] for u in replicas) - cpu_before
    await asyncio.gather(*(s.close() for s in opened), return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--sessions", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--searches", type=int, default=5, help="searches per session (default 5)")
    parser.add_argument("--load-timeout", type=float, default=30.0, help="a page load slower than this timed out")
    args = parser.parse_args()

    from locator import Locator

    locator = Locator.load()
    answers = {pc: f"Nearest clinic: {locator.lookup(pc).clinic.name}" for pc in POSTCODES}
    logs = REPO_ROOT / "artifacts" / "bench_serve"
    logs.mkdir(parents=True, exist_ok=True)
    runs = []
    for replicas in args.replicas:
        service = Service(replicas, logs / f"serve-{replicas}.log")
        try:
            # One session first: every replica's caches filled, as on a service that has been up a while.
            for _ in range(replicas * 2):
                asyncio.run(drive(Run(replicas, 1), service, 1, 60, answers))
            for sessions in args.sessions:
                run = Run(replicas, sessions)
                asyncio.run(drive(run, service, args.searches, args.load_timeout, answers))
                runs.append(run)
                print(line(run), *run.errors, sep="\n  ", flush=True)
        finally:
            service.stop()
    report(runs, args)


def line(r: Run) -> str:
    loads = r.loads or [float("nan")]
    lat = r.latencies or [float("nan")]
    return (f"{r.replicas:8} {r.sessions:8} {statistics.median(loads):9.2f} {p95(loads) if len(loads) > 1 else loads[0]:9.2f} "
            f"{r.load_timeouts:8} {r.failed:6} {r.wrong:5} {p95(lat) if len(lat) > 1 else lat[0]:10.2f} "
            f"{r.searches_per_s:8.1f} {r.cpu_s * 1000 / max(1, len(r.latencies)):10.1f} "
            f"{statistics.mean(r.rss_mb) if r.rss_mb else 0:9.0f}")


def report(runs: list[Run], args) -> None:
    cores = os.cpu_count() or 1
    print(f"\n{args.searches} searches per session; page load = first rerun -> script finished (s); "
          f"timeout {args.load_timeout:g} s; {cores} cores")
    print(f"{'replicas':>8} {'sessions':>8} {'load p50':>9} {'load p95':>9} {'timeouts':>8} {'failed':>6} "
          f"{'wrong':>5} {'search p95':>10} {'search/s':>8} {'CPU ms/search':>10} {'MB/replica':>9}")
    for r in runs:
        print(line(r))
    print("\nper core: measured (searches per second over the cores the replicas could use, min(replicas, cores)), "
          "and from CPU time (1000 / CPU ms per search: what one whole core gives)")
    for r in runs:
        used = min(r.replicas, cores)
        held = r.sessions - r.load_timeouts - r.failed
        per_cpu_s = 1000 / (r.cpu_s * 1000 / len(r.latencies)) if r.latencies and r.cpu_s else 0.0
        print(f"  {r.replicas} replica(s), {r.sessions} sessions: {held / used:.0f} sessions held and "
              f"{r.searches_per_s / used:.1f} searches/s per core measured; {per_cpu_s:.0f} searches per CPU-second")

if __name__ == "__main__":
    main()
