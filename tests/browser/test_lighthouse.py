"""Lighthouse 12.2.3 (bin/fetch-lighthouse) on a first visit, desktop: accessibility, best practices
and SEO all 100, no layout shift to speak of, and not one request to another origin (every other
host is unresolvable in its Chromium). Its speed figures depend on the machine's load, so they are
left to bench/bench_lighthouse.py, which compares them with a bare Streamlit page in the same run."""

from __future__ import annotations

from urllib.parse import urlsplit

from bench.lighthouse.run import lighthouse


def test_a_first_visit_scores_100_for_accessibility_best_practices_and_seo_and_does_not_jump(app_url):
    audit = lighthouse(app_url + "/", "desktop")
    assert {name: audit.scores[name] for name in ("accessibility", "best-practices", "seo")} == {
        "accessibility": 100, "best-practices": 100, "seo": 100}, audit.failed
    assert audit.failed == ()
    assert audit.cls <= 0.05
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(app_url))
    assert audit.origins == {origin}
