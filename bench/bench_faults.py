"""People searching through bin/serve while its replicas are killed, hung and rolled over: every answer counted.

    .venv/bin/python bench/bench_faults.py [--replicas 3] [--sessions 30] [--seconds 60] [--every 15]

Starts ``bin/serve --replicas N`` on loopback (tests/serve_harness.py), then,
for each fault in turn (SIGKILL of a replica, SIGSTOP of a replica, SIGHUP of
bin/serve: a rolling restart), lets ``--sessions`` pages search through the
balancer over Streamlit's websocket protocol (tests/streamlit_protocol.py), a
search every 0.2 s each, for ``--seconds``, while the fault is dealt every
``--every`` seconds, to each replica slot in turn. A page whose connection goes
reconnects at its address (``?postcode=…``), as Streamlit's frontend does.

Prints per fault: searches answered, wrong and lost (never answered), the
reconnections, and the recovery time (from the search sent to its answer, for
searches that needed a reconnection): p50, p95, max. Not a test: the figures
depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from locator import Locator, messages  # noqa: E402
from tests.serve_harness import Service, pid_listening_as, start_service  # noqa: E402
from tests.streamlit_protocol import Patient  # noqa: E402

POSTCODES = ["SL6 8DG", "HP7 0HP", "W1G 8AJ", "L1 8JQ", "BT1 1AA", "D18 X5K7", "G1 1XQ", "CF10 1EP", "EH1 1YZ",
             "PL1 1EA"]
THINK_S = 0.2
FAULTS = ("SIGKILL", "SIGSTOP", "SIGHUP")


def deal(service: Service, fault: str, turn: int) -> str:
    """One fault: the replica in the ``turn``-th slot that has one killed or stopped, or bin/serve told to roll."""
    if fault == "SIGHUP":
        service.proc.send_signal(signal.SIGHUP)
        return "rolling restart"
    ports = service.slot_ports
    for k in range(len(ports)):
        port = ports[(turn + k) % len(ports)]
        if (pid := pid_listening_as(port)) is not None:
            os.kill(pid, getattr(signal, fault))
            return f"pid {pid} on :{port}"
    return "no replica found"


def run(service: Service, fault: str, sessions: int, seconds: float, every: float,
        expected: dict[str, str]) -> dict[str, object]:
    lost: list[str] = []
    patients = [Patient(service.url, messages.SEARCH_LABEL) for _ in range(sessions)]
    end = time.monotonic() + seconds

    def dealer() -> None:
        time.sleep(min(every, seconds / 3))
        turn = 0
        while time.monotonic() < end - every / 2:
            print(f"  {fault}: {deal(service, fault, turn)}", flush=True)
            turn += 1
            time.sleep(every)

    async def person(i: int, patient: Patient) -> None:
        k = 0
        while time.monotonic() < end:
            postcode = POSTCODES[(i + k) % len(POSTCODES)]
            k += 1
            try:
                await patient.search(postcode, expected[postcode])
            except Exception as exc:  # noqa: BLE001  (whatever it was, the search went unanswered)
                lost.append(f"{postcode}: {type(exc).__name__}")
            await asyncio.sleep(THINK_S)
        await patient.close()

    async def everyone() -> None:
        await asyncio.gather(*(person(i, p) for i, p in enumerate(patients)))

    thread = threading.Thread(target=dealer, daemon=True)
    thread.start()
    asyncio.run(everyone())
    thread.join()
    recoveries = sorted(r for p in patients for r in p.recoveries)
    return {"answers": sum(p.answers for p in patients), "wrong": sum(p.wrong for p in patients), "lost": len(lost),
            "reconnects": sum(p.reconnects for p in patients), "recoveries": recoveries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0, help="per fault (default 60)")
    parser.add_argument("--every", type=float, default=15.0, help="seconds between faults (default 15)")
    parser.add_argument("--faults", default=",".join(FAULTS), help=f"comma-separated, of {', '.join(FAULTS)}")
    args = parser.parse_args()

    locator = Locator.load()
    expected = {pc: f"Nearest clinic: {locator.lookup(pc).clinic.name}" for pc in POSTCODES}
    with tempfile.TemporaryDirectory() as tmp:
        service = start_service(args.replicas, "--drain-seconds", "5", tmp=Path(tmp))
        try:
            results = {}
            for fault in args.faults.split(","):
                service.wait_for(lambda: len(service.in_service()) == args.replicas, 300, "every replica in service")
                print(f"{fault}: {args.sessions} sessions for {args.seconds:.0f} s", flush=True)
                results[fault] = run(service, fault, args.sessions, args.seconds, args.every, expected)
        finally:
            service.stop()
    print(f"\nbin/serve --replicas {args.replicas}, {args.sessions} sessions searching every {THINK_S} s; "
          f"a fault every {args.every:.0f} s")
    print(f"{'fault':8} {'answered':>8} {'wrong':>5} {'lost':>4} {'reconnects':>10} "
          f"{'recovery p50':>12} {'p95':>6} {'max':>6}")
    for fault, r in results.items():
        rec = r["recoveries"]
        assert isinstance(rec, list)
        p50 = f"{statistics.median(rec):.1f} s" if rec else "-"
        p95 = f"{statistics.quantiles(rec, n=20)[-1]:.1f} s" if len(rec) > 1 else "-"
        top = f"{rec[-1]:.1f} s" if rec else "-"
        print(f"{fault:8} {r['answers']:>8} {r['wrong']:>5} {r['lost']:>4} {r['reconnects']:>10} {p50:>12} "
              f"{p95:>6} {top:>6}")


if __name__ == "__main__":
    main()
