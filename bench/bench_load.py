"""Many people searching at once: concurrent sessions through Streamlit's own websocket protocol.

    .venv/bin/python bench/bench_load.py [--sessions 40] [--searches 10] [--rounds 2]

No browser: each session talks to the server as Streamlit's frontend does. It
opens ``/_stcore/stream`` (subprotocol ``streamlit``), asks for the page
(``BackMsg.rerun_script``), finds the search field in the elements it is sent,
then searches ``--searches`` times, one after another with no pause: each search
sets the field's ``string_value`` (scoped to the field's fragment, if it is in
one, as the browser scopes it) and waits for the answer. Every answer is checked
against the session's own query, so a mix-up between sessions would show.

Measured per page load: from the first rerun sent (the page opened) to the run's
end (``script_finished``), every session opening at once, as ../shared/tools/load_check.py
times it. Measured per search: from the rerun sent to the message that carries the answer
("Nearest clinic: <the clinic lookup() gives>", or the echo app's "You typed:
<postcode>"). Both apps, app.py and bench/minimal_app.py (the floor: what any
Streamlit app costs), get the same load in the same run, taking turns
(``--rounds``). Also measured on each server: CPU time (user + system) spent per
search while all sessions search, and memory (RSS) per open session.

Prints p50/p95 per app and the app/floor ratios; the targets are search p95 at
most 1.5x the floor's and page-load p50 at most 1.2x the floor's under the same load. Not a test: the figures depend on the
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.browser import start_streamlit  # noqa: E402  (starts `streamlit run` on a free port)
from tests.streamlit_protocol import Session  # noqa: E402  (the protocol, as Streamlit's frontend speaks it)

POSTCODES = ["SL6 8DG", "HP7 0HP", "W1G 8AJ", "L1 8JQ", "BT1 1AA", "D18 X5K7", "G1 1XQ", "CF10 1EP",
             "EH1 1YZ", "PL1 1EA"]


@dataclass
class Target:
    name: str
    script: str
    label: str  # a word in the search field's label
    answer: dict[str, str]  # postcode -> text the answer must contain
    latencies: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    cpu_per_search_ms: list[float] = field(default_factory=list)
    rss_per_session_mb: list[float] = field(default_factory=list)
    wrong: int = 0


async def load(target: Target, url: str, pid: int, sessions: int, searches: int) -> None:
    """Open ``sessions`` sessions, then let all of them search at once; record the figures on ``target``."""
    base_rss = rss_mb(pid)
    opened = [Session(url, target.label) for _ in range(sessions)]
    await asyncio.gather(*(s.open() for s in opened))
    target.loads.extend(s.load_s for s in opened)
    rss_open = rss_mb(pid)
    cpu_before = cpu_s(pid)

    async def searching(i: int, session: Session) -> None:
        for k in range(searches):
            postcode = POSTCODES[(i + k) % len(POSTCODES)]
            latency, right = await session.search(postcode, target.answer[postcode])
            target.latencies.append(latency)
            target.wrong += not right

    await asyncio.gather(*(searching(i, s) for i, s in enumerate(opened)))
    cpu_after = cpu_s(pid)
    await asyncio.gather(*(s.close() for s in opened))
    target.cpu_per_search_ms.append((cpu_after - cpu_before) * 1000 / (sessions * searches))
    target.rss_per_session_mb.append((rss_open - base_rss) / sessions)


def cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=40, help="concurrent sessions (default 40)")
    parser.add_argument("--searches", type=int, default=10, help="searches per session (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="loads per app, the apps taking turns (default 2)")
    parser.add_argument("--no-post-script-gc", action="store_true",
                        help="both servers without Streamlit's gc.collect() after each run (runner.postScriptGC), "
                             "which the app already spares itself with gc.freeze(): the scripts' own costs compared")
    args = parser.parse_args()

    from locator import Locator

    locator = Locator.load()
    apps = [
        Target("floor: bench/minimal_app.py", "bench/minimal_app.py", "postcode",
               {pc: f"You typed: {pc}" for pc in POSTCODES}),
        Target("app.py (Find a clinic)", "app.py", "postcode",
               {pc: f"Nearest clinic: {locator.lookup(pc).clinic.name}" for pc in POSTCODES}),
    ]
    # The floor is a bare Streamlit app: Streamlit's own default for the collection after each
    # run, whatever this repo's .streamlit/config.toml says for the app (as load_check's echo
    # app, run from a folder of its own); --no-post-script-gc takes it from both.
    gc_after_runs = "false" if args.no_post_script_gc else "true"
    envs = [{"STREAMLIT_RUNNER_POST_SCRIPT_GC": gc_after_runs},
            {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"} if args.no_post_script_gc else None]
    servers = [start_streamlit(t.script, env=env) for t, env in zip(apps, envs, strict=True)]
    try:
        # One session each first: caches filled, the index loaded, as on a server that has been up a while.
        for target, server in zip(apps, servers, strict=True):
            asyncio.run(load(Target(target.name, "", target.label, target.answer), server.url, server.proc.pid, 1, 1))
        for r in range(args.rounds):
            order = list(zip(apps, servers, strict=True))
            for target, server in order if r % 2 == 0 else order[::-1]:
                asyncio.run(load(target, server.url, server.proc.pid, args.sessions, args.searches))
    finally:
        for server in servers:
            server.stop()
    report(apps, args)


def report(apps: list[Target], args) -> None:
    floor = apps[0]
    print(f"{args.sessions} sessions x {args.searches} searches at once, {args.rounds} rounds per app, "
          "Streamlit websocket protocol (ms: rerun sent -> answer received)"
          + (", runner.postScriptGC off on both" if args.no_post_script_gc else ""))
    print(f"{'':30} {'load p50':>8} {'load p95':>8} {'n':>5} {'wrong':>5} {'p50':>7} {'p95':>7} {'p95 x floor':>11} "
          f"{'CPU/search':>10} {'MB/session':>10}")
    for t in apps:
        print(f"{t.name:30} {statistics.median(t.loads) * 1000:8.0f} {p95(t.loads) * 1000:8.0f} "
              f"{len(t.latencies):5} {t.wrong:5} {statistics.median(t.latencies) * 1000:7.0f} "
              f"{p95(t.latencies) * 1000:7.0f} {p95(t.latencies) / p95(floor.latencies):11.2f} "
              f"{statistics.median(t.cpu_per_search_ms):8.1f}ms {statistics.median(t.rss_per_session_mb):10.2f}")
    app = apps[1]
    print(f"page load app/floor: p50 {statistics.median(app.loads) / statistics.median(floor.loads):.2f}x "
          f"(target <= 1.2x), p95 {p95(app.loads) / p95(floor.loads):.2f}x")
    print(f"search app/floor: p50 {statistics.median(app.latencies) / statistics.median(floor.latencies):.2f}x, "
          f"p95 {p95(app.latencies) / p95(floor.latencies):.2f}x (target <= 1.5x), CPU per search "
          f"{statistics.median(app.cpu_per_search_ms) / statistics.median(floor.cpu_per_search_ms):.2f}x")


if __name__ == "__main__":
    main()
