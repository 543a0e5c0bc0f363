"""Run the pinned Lighthouse (bin/fetch-lighthouse) against a URL with Debian's Chromium; return its figures.

Used by bench/bench_lighthouse.py and tests/browser/test_lighthouse.py. Each run gets a fresh
Chromium profile (a first visit: nothing cached), the flags the browser tests use, and Lighthouse's
own mobile (a mid-range phone on slow 4G, simulated) or desktop settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
# Every host but the loopback address is unresolvable: a request to another origin fails (and is listed).
BLOCK_OTHER_ORIGINS = '--host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"'
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


@dataclass(frozen=True)
class Audit:
    """One Lighthouse run's figures: scores 0-100, times in ms, bytes in KiB."""

    url: str
    form_factor: str
    scores: dict[str, int]
    fcp_ms: float
    lcp_ms: float
    tbt_ms: float
    cls: float
    kib: float
    requests: int
    origins: frozenset[str]
    failed: tuple[str, ...]  # ids of the accessibility, best-practice and SEO audits that did not pass


def lighthouse(url: str, form_factor: str = "mobile", *, timeout: float = 300, save: Path | None = None) -> Audit:
    """Audit ``url`` once; ``form_factor`` is "mobile" or "desktop". Raises RuntimeError if Lighthouse fails.

    ``save``: a file to write Lighthouse's whole JSON report to (open it in the Lighthouse viewer,
    or read its audits: ``largest-contentful-paint-element``, ``long-tasks``, ``bootup-time``).
    """
    if not CLI.is_file():
        raise RuntimeError(f"{CLI} is missing: run bin/fetch-lighthouse (bin/setup --browser does)")
    with tempfile.TemporaryDirectory(prefix="lighthouse-profile-") as profile:
        flags = " ".join([*CHROME_FLAGS, BLOCK_OTHER_ORIGINS, f"--user-data-dir={profile}"])
        if form_factor not in ("mobile", "desktop"):
            raise ValueError(f"form_factor must be 'mobile' or 'desktop', not {form_factor!r}")
        cmd = ["node", str(CLI), url, "--quiet", "--output=json", "--output-path=stdout",
               f"--config-path={HERE / f'{form_factor}.config.mjs'}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "CHROME_PATH": CHROMIUM})
    # On a loaded machine a late DevTools call (a response body for an audit) may time out: Lighthouse
    # then exits 1 and names the error, but still writes its report, whose scores are whole. No
    # report, or one without every score, is a failure.
    try:
        report = json.loads(done.stdout)
    except ValueError:
        raise RuntimeError(f"Lighthouse failed on {url} ({form_factor}): {done.stderr[-2000:]}") from None
    if save is not None:
        save.parent.mkdir(parents=True, exist_ok=True)
        save.write_text(done.stdout, encoding="utf-8")
    if report.get("runtimeError") and any(report["categories"][name]["score"] is None for name in CATEGORIES):
        raise RuntimeError(f"Lighthouse could not audit {url}: {report['runtimeError']}")
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    failed = tuple(sorted(
        ref["id"] for name in ("accessibility", "best-practices", "seo")
        for ref in report["categories"][name]["auditRefs"]
        if ref.get("weight", 0) > 0 and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1))
    return Audit(
        url=url,
        form_factor=form_factor,
        scores={name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES},
        fcp_ms=audits["first-contentful-paint"]["numericValue"],
        lcp_ms=audits["largest-contentful-paint"]["numericValue"],
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        cls=audits["cumulative-layout-shift"]["numericValue"],
        kib=audits["total-byte-weight"]["numericValue"] / 1024,
        requests=len(requests),
        origins=frozenset("/".join(r["url"].split("/")[:3]) for r in requests if r["url"].startswith("http")),
        failed=failed,
    )
