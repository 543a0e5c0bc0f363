"""The JSON API under `streamlit run app.py`: latency against the same server's own health route, and load.

    .venv/bin/python bench/bench_api.py [--requests 300] [--clients 32]

Same run, same server, keep-alive connections:

* floor: GET /_stcore/health (Streamlit's own route: HTTP and routing, no work);
* GET /api/v1/nearest?q=<a real postcode>, a different one each time; both on a
  new connection each time and on one kept alive (where Streamlit 1.67's server
  adds ~40 ms to every response, its own health route included);
* POST /api/v1/nearest with 1,000 real postcodes, against the core doing the
  same in-process (`web.api.answers` + JSON), which it cannot beat;
* load: --clients threads each POSTing 1,000 postcodes back to back for a few
  seconds: how many are answered, how many refused (503 + Retry-After),
  and the health route's latency meanwhile (the pages' server stays responsive).

Postcodes are real unit postcodes drawn from the index with a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
import requests  # noqa: E402

from locator import Locator  # noqa: E402
from tests.browser import start_streamlit  # noqa: E402
from web.api import MAX_QUERIES, answers  # noqa: E402

SEED = 20240705


def sample_postcodes(locator: Locator, n: int) -> list[str]:
    keys = locator.index.unit_keys
    picked = keys[np.random.default_rng(SEED).choice(len(keys), n, replace=False)]
    return [f"{k[:-3]} {k[-3:]}" for k in (key.decode() for key in picked)]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="sequential GETs per measure (default 300)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients in the load test (default 32)")
    parser.add_argument("--load-seconds", type=float, default=5.0)
    args = parser.parse_args()

    locator = Locator.load()
    postcodes = sample_postcodes(locator, max(args.requests, MAX_QUERIES))
    batch = postcodes[:MAX_QUERIES]
    core = [timed(lambda: json.dumps({"results": [row.to_dict() for row in answers(locator, batch)]},
                                     ensure_ascii=False).encode())
            for _ in range(20)]

    server = start_streamlit("app.py")
    try:
        http = requests.Session()
        health, nearest = server.url + "/_stcore/health", server.url + "/api/v1/nearest"
        http.get(nearest, params={"q": "SL6 8DG"}).raise_for_status()  # loads the index
        floor, get_one, floor_fresh, get_fresh = [], [], [], []
        for i in range(args.requests):  # interleaved, so all see the same noise
            floor.append(timed(lambda: http.get(health).raise_for_status()))
            get_one.append(timed(lambda i=i: http.get(nearest, params={"q": postcodes[i]}).raise_for_status()))
            floor_fresh.append(timed(lambda: requests.get(health).raise_for_status()))
            get_fresh.append(timed(lambda i=i: requests.get(nearest, params={"q": postcodes[-i]}).raise_for_status()))
        post = [timed(lambda: http.post(nearest, json={"queries": batch}).raise_for_status()) for _ in range(20)]

        outcomes: dict[int, int] = {}
        lock = threading.Lock()
        stop = time.monotonic() + args.load_seconds

        def client() -> None:
            session = requests.Session()
            while time.monotonic() < stop:
                status = session.post(nearest, json={"queries": batch}).status_code
                with lock:
                    outcomes[status] = outcomes.get(status, 0) + 1

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        during = []
        while time.monotonic() < stop:
            during.append(timed(lambda: http.get(health).raise_for_status()))
            time.sleep(0.05)
        for t in threads:
            t.join()
    finally:
        server.stop()

    for how, base, api in (("new connection each", floor_fresh, get_fresh), ("keep-alive", floor, get_one)):
        print(f"{how}: floor GET /_stcore/health median {ms(base)}; GET /api/v1/nearest?q=<postcode> median "
              f"{ms(api)} ({statistics.median(api) / statistics.median(base):.2f}x floor; {args.requests} each)")
    print(f"POST 1,000 postcodes                  median {ms(post)}  (core in-process, same work: {ms(core)})")
    answered = outcomes.get(200, 0)
    print(f"load: {args.clients} clients x {args.load_seconds:.0f} s of POST 1,000: {answered} answered "
          f"({answered * MAX_QUERIES / args.load_seconds:,.0f} postcodes/s), "
          f"{outcomes.get(503, 0)} refused with 503, other: "
          f"{ {k: v for k, v in outcomes.items() if k not in (200, 503)} or 'none'}")
    print(f"      GET /_stcore/health meanwhile     median {ms(during)}, max {max(during) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
