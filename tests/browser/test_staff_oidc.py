"""Staff sign in through the clinics' identity provider: a real OpenID provider on loopback, a real browser.

The provider is panva's oidc-provider (tests/oidc/), started and stopped here; app.py trusts it through
the ``[auth]`` and ``[staff_access]`` an operator would write. Only the app's and the provider's
origins are reachable from the page.
"""

from __future__ import annotations

import re
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from components.call_centre import LIST_LABEL
from components.staff_sign_in import PASSPHRASE_LABEL
from locator import messages
from web.sign_outs import STATE_DIR_ENV

from . import _free_port, screenshot, start_streamlit, wait_for_app
from .axe import run_axe
from .desk import download_results
from .oidc import (
    ALLOWED,
    DESK,
    HARMLESS,
    IN_GROUP,
    LOADED_MACHINE_MS,
    LOGOUT_BUTTON,
    OTHER_DOMAIN,
    OidcProvider,
    auth_secrets,
    desk,
    put_back,
    sign_in_as,
)

SHORT_S = 30  # a session short enough to wait out, long enough for a sign-in on a loaded machine


@contextmanager
def provider_and_app(folder: Path, session_hours: float | None = None):
    """The test provider and app.py, whose secrets name it, sign-outs kept in a state directory of ``folder``."""
    app_port, provider_port = _free_port(), _free_port()
    provider = OidcProvider(provider_port, [f"http://127.0.0.1:{app_port}/oauth2callback"])
    secrets = auth_secrets(folder / "secrets.toml", "http://127.0.0.1:{port}/oauth2callback", provider.metadata_url,
                           session_hours=session_hours)
    (folder / "state").mkdir()
    try:
        app = start_streamlit("app.py", "--secrets.files", str(secrets), port=app_port,
                              env={STATE_DIR_ENV: str(folder / "state")})
    except Exception:
        provider.stop()
        raise
    try:
        yield app, provider
    finally:
        app.stop()
        provider.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with provider_and_app(tmp_path_factory.mktemp("oidc")) as both:
        yield both


@pytest.fixture
def staff_page(new_page, site):
    """A page that may reach the app and the provider, and no other origin, loopback included."""
    app, provider = site
    page = new_page()
    allowed = {app.url, provider.issuer}
    page.context.route(lambda url: re.match(r"^https?://", url) is not None
                       and re.match(r"^https?://[^/]+", url).group(0) not in allowed,
                       lambda route: route.abort("blockedbyclient"))
    yield page
    page.log.errors[:] = [e for e in page.log.errors if not HARMLESS.search(e)]


def shown(text: str) -> str:
    """Text as a person reads it: without the invisible word joiners that keep an address from becoming a link."""
    return text.replace("\u2060", "")


def eventually(condition, what: str, timeout: float = 30.0) -> None:
    """Poll ``condition`` until it holds (the machine may be loaded); fail saying ``what`` did not happen."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.2)


def read_metrics(url: str) -> str:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as response:  # loopback: readable without a token
        return response.read().decode()


def test_an_allowed_member_of_staff_signs_in_uses_the_desk_and_signs_out(staff_page: Page, site, tmp_path):
    app, _ = site
    page = staff_page
    page.goto(app.url + DESK, timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    expect(page.get_by_text(messages.SIGN_IN_INTRO)).to_be_visible()
    expect(desk(page)).to_have_count(0)
    run_axe(page)
    # With [auth] the passphrase is never asked for.
    expect(page.get_by_label(PASSPHRASE_LABEL)).to_have_count(0)

    sign_in_as(page, app.url, ALLOWED)
    expect(page.get_by_text(re.compile("Signed in as alice"))).to_be_visible()
    assert shown(page.get_by_text(re.compile("Signed in as alice")).inner_text()) == f"Signed in as alice ({ALLOWED})"
    expect(desk(page)).to_be_visible()
    desk(page).fill("SL6 8DG")
    desk(page).press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("The nearest clinic to SL6 8DG is our Maidenhead clinic")).to_be_visible()
    screenshot(page, "call-centre-oidc-signed-in", full_page=False)
    run_axe(page)
    lines = page.get_by_role("textbox", name=LIST_LABEL)
    lines.fill("RG1 1DB\nBT1 1AA\nD18 X5K7")
    lines.press("Control+Enter")
    wait_for_app(page)
    rows = download_results(page, tmp_path)
    assert len(rows) == 3
    # One audit line per action: who and what kind, never what was looked up. (The download's line comes
    # with the rerun its click starts, which may land just after the file.)
    expected = [f"staff desk: who={ALLOWED} action={a} at=" for a in ("sign_in", "lookup", "list rows=3", "download")]
    eventually(lambda: all(line in app.log_tail(50_000) for line in expected), "every desk action in the log")
    assert not any(query in app.log_tail(50_000) for query in ("SL6", "RG1", "BT1", "D18"))
    counted = [f'clinic_locator_desk_actions_total{{action="{a}",person="{ALLOWED}"}} 1.0'
               for a in ("lookup", "list", "download")]
    eventually(lambda: all(c in read_metrics(app.url) for c in counted), "one count per action on /metrics")

    page.get_by_role("button", name=messages.SIGN_OUT_LABEL).click()
    page.get_by_role("button", name=LOGOUT_BUTTON).click()  # the provider's own sign-out page
    page.wait_for_url(re.compile(re.escape(app.url + DESK)), timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    expect(page.get_by_text(messages.SIGNED_OUT)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(desk(page)).to_have_count(0)


def test_someone_from_another_domain_is_told_they_are_not_allowed_and_never_sees_the_desk(staff_page: Page, site):
    app, _ = site
    sign_in_as(staff_page, app.url, OTHER_DOMAIN)
    alert = staff_page.get_by_role("alert")
    expect(alert).to_be_visible()
    said = shown(alert.inner_text())
    assert f"You are signed in as {OTHER_DOMAIN}, but this account is not allowed" in said
    assert "Ask the practice manager to add you." in said
    expect(alert.get_by_role("link")).to_have_count(0)  # the address is text, not a mail link
    expect(desk(staff_page)).to_have_count(0)
    expect(staff_page.get_by_role("button", name=messages.SIGN_OUT_LABEL)).to_be_visible()
    screenshot(staff_page, "call-centre-oidc-not-allowed", full_page=False)
    run_axe(staff_page)


def test_a_member_of_an_allowed_group_gets_the_desk_whatever_their_domain(staff_page: Page, site):
    app, _ = site
    sign_in_as(staff_page, app.url, IN_GROUP, keyboard=True)
    expect(desk(staff_page)).to_be_visible()


def test_a_tampered_sign_in_cookie_is_refused_and_staff_are_asked_to_sign_in_again(staff_page: Page, site):
    app, _ = site
    page = staff_page
    sign_in_as(page, app.url, ALLOWED)
    expect(desk(page)).to_be_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "_streamlit_user"]
    # The cookie's payload claims someone else; its signature is the original one's.
    payload, _, signature = cookie["value"].partition(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    page.context.add_cookies([{"name": cookie["name"], "value": forged, "url": app.url}])
    page.goto(app.url + DESK, timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    expect(page.get_by_text(messages.SIGN_IN_AGAIN)).to_be_visible()
    expect(desk(page)).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_signing_out_ends_the_sign_in_even_for_a_copy_of_its_cookie(staff_page: Page, site):
    app, _ = site
    page = staff_page
    sign_in_as(page, app.url, ALLOWED)
    expect(desk(page)).to_be_visible()
    copied = [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    page.get_by_role("button", name=messages.SIGN_OUT_LABEL).click()
    page.get_by_role("button", name=LOGOUT_BUTTON).click()
    page.wait_for_url(re.compile(re.escape(app.url + DESK)), timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    # The cookie is signed, not stored: put back, its signature still holds. The sign-out on record refuses it.
    put_back(page, app.url, copied)
    page.goto(app.url + DESK, timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    expect(page.get_by_text(messages.SIGNED_OUT_ELSEWHERE)).to_be_visible()
    expect(desk(page)).to_have_count(0)


def test_a_replayed_callback_or_a_forged_state_is_refused_and_asked_to_sign_in_again(staff_page: Page, pages, site):
    app, _ = site
    callbacks: list[str] = []
    staff_page.on("request", lambda r: callbacks.append(r.url) if "/oauth2callback?" in r.url else None)
    sign_in_as(staff_page, app.url, ALLOWED)
    expect(desk(staff_page)).to_be_visible()
    [callback] = callbacks
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    for url in (callback, forged):
        # Another browser (no sign-in of its own) replays what it saw.
        other = pages()
        other.goto(url, timeout=LOADED_MACHINE_MS)
        other.wait_for_url(re.compile(re.escape(app.url + DESK)), timeout=LOADED_MACHINE_MS)
        wait_for_app(other)
        expect(other.get_by_text(messages.SIGN_IN_AGAIN)).to_be_visible()
        expect(desk(other)).to_have_count(0)


@pytest.fixture(scope="module")
def short_sessions(tmp_path_factory):
    """The same set-up, with sign-ins that last SHORT_S seconds."""
    with provider_and_app(tmp_path_factory.mktemp("oidc-short"), session_hours=round(SHORT_S / 3600, 6)) as both:
        yield both


def test_a_sign_in_ends_when_its_session_is_over(pages, short_sessions):
    app, provider = short_sessions
    page = pages()
    sign_in_as(page, app.url, ALLOWED)
    expect(desk(page)).to_be_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "_streamlit_user"]
    assert cookie["expires"] - time.time() <= SHORT_S  # the browser forgets it when the session ends
    page.wait_for_timeout(max(0.0, cookie["expires"] - time.time() + 1) * 1000)
    put_back(page, app.url, [cookie])  # a copy without an expiry date: the browser would keep it for ever
    page.goto(app.url + DESK, timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    expect(page.get_by_text("Your sign-in has ended")).to_be_visible()
    expect(desk(page)).to_have_count(0)
