"""Fixtures for browser tests: chromium, Streamlit servers, recorded pages.

    browser            session  Playwright Browser (Debian's /usr/bin/chromium, headless)
    streamlit_app      session  factory: streamlit_app("bench/minimal_app.py", *args, env={...}) -> base URL
    parent_site        session  ParentSite: a local page on another origin that embeds app.py
    app_url            session  base URL of app.py (its allowed origins: CLINIC_SITE and parent_site)
    new_page           test     factory: new_page(viewport=(w, h), **context options) -> recorded Page, own context
    page               test     a recorded Page (viewport from @pytest.mark.viewport, default 1280x900)
    pages              test     factory: pages(**options) -> new_page for staff sign-in (tests/browser/oidc.py)

Helpers (import them: `from . import wait_for_app, screenshot`) are in __init__.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from web.headers import ORIGINS_ENV

from . import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, CLINIC_SITE, ParentSite, block_third_party, start_streamlit, track
from .oidc import HARMLESS

DEFAULT_VIEWPORT = (1280, 900)
HERE = Path(__file__).parent

expect.set_options(timeout=10_000)  # CI has 2 shared cores: Playwright's 5 s default is tight


def pytest_collection_modifyitems(items):
    # Every test in this folder is a browser test, so `-m "not browser"` skips them all.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so `page` can screenshot a failed test.
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} not found: run `bin/setup --browser` (installs Debian's chromium)"
        # Skipping is opt-in for a developer's machine, and never on CI.
        if os.environ.get("ALLOW_NO_BROWSER") == "1" and not os.environ.get("CI"):
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def streamlit_app():
    """Factory: start (once per session and arguments) `streamlit run script *args`; returns its URL."""
    servers = {}

    def start(script: str, *args: str, env: dict[str, str] | None = None) -> str:
        key = (script, args, tuple(sorted((env or {}).items())))
        if key not in servers:
            servers[key] = start_streamlit(script, *args, env=env)
        return servers[key].url

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def parent_site():
    """A local page on another origin that embeds the app (tests/browser/embed_parent.html)."""
    site = ParentSite()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def app_url(streamlit_app, parent_site):
    """app.py as the clinics would run it: their website and the local parent page may frame it and call its API."""
    url = streamlit_app("app.py", env={ORIGINS_ENV: f"{CLINIC_SITE},{parent_site.url}"})
    parent_site.embed_app(url)
    return url


@pytest.fixture
def new_page(browser, request):
    """Factory for recorded pages, each in its own context (own cookies, own Streamlit session).

    At teardown: screenshots a failed test's pages to artifacts/screenshots/failed/, then
    fails the test if any page logged errors (unless marked allow_page_errors) or asked
    anything of another origin (unless marked allow_other_origins).
    """
    contexts = []

    def make(viewport: tuple[int, int] = DEFAULT_VIEWPORT, **options):
        # options go to new_context as they are: permissions=["geolocation"], geolocation={...}
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            locale="en-GB",
            timezone_id="Europe/London",
            reduced_motion="reduce",
            service_workers="block",  # so that every request goes through the route below
            **options,
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        block_third_party(context, track(page))
        contexts.append((context, page))
        return page

    yield make

    failed = any(getattr(getattr(request.node, f"_report_{when}", None), "failed", False) for when in ("setup", "call"))
    errors, elsewhere = [], []
    for i, (context, page) in enumerate(contexts):
        if failed and not page.is_closed():
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid) + (f"-{i}" if i else "")
            path = ARTIFACTS / "screenshots" / "failed" / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as exc:  # a crashed page must not hide the real failure
                print(f"could not screenshot {page.url}: {exc}")
        errors += page.log.errors
        elsewhere += page.log.third_party()
        context.close()
    if errors and not request.node.get_closest_marker("allow_page_errors"):
        pytest.fail("JavaScript errors in the page:\n" + "\n".join(errors), pytrace=False)
    # The promise to patients: nothing, not even an image, is asked of another origin.
    if elsewhere and not request.node.get_closest_marker("allow_other_origins"):
        pytest.fail("Requests to another origin (blocked, but made):\n"
                    + "\n".join(f"{kind}: {url}" for url, kind in elsewhere), pytrace=False)


@pytest.fixture
def page(new_page, request):
    """A recorded Page: page.log has .requests, .external_requests, .errors, .console."""
    marker = request.node.get_closest_marker("viewport")
    return new_page(viewport=_size(*marker.args, **marker.kwargs) if marker else DEFAULT_VIEWPORT)


def _size(width: int, height: int) -> tuple[int, int]:
    # Accepts @pytest.mark.viewport(390, 844) as well as viewport(width=390, height=844).
    return (width, height)


@pytest.fixture
def pages(new_page):
    """new_page for staff sign-in tests, whose pages may log harmless 404s (the provider's favicon, Streamlit's probes)."""
    made = []

    def make(**options):
        made.append(new_page(**options))
        return made[-1]

    yield make
    for page in made:
        page.log.errors[:] = [e for e in page.log.errors if not HARMLESS.search(e)]
