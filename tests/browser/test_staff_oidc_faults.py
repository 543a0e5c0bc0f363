"""Staff sign-in when something is wrong: a mistaken [auth], a provider that stops answering.

Staff read one plain sentence and never a traceback or an open desk; the operator reads one line in the
log saying what to fix; patients' pages carry on.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from components.call_centre import FIELD_LABEL
from components.staff_sign_in import PASSPHRASE_LABEL
from locator import messages

from . import _free_port, start_streamlit, wait_for_app
from .oidc import ALLOWED, DESK, LOADED_MACHINE_MS, OidcProvider, auth_secrets, sign_in_as

OPERATOR_LINE = "Staff sign-in is not available: "


@pytest.fixture(scope="module")
def provider():
    # Redirect URIs are checked by the provider; none of these apps gets that far but one.
    p = OidcProvider(_free_port(), ["http://127.0.0.1:1/oauth2callback"])
    yield p
    p.stop()


def start_app(tmp_path, redirect_uri: str, metadata_url: str, port: int | None = None, **auth):
    secrets = auth_secrets(tmp_path / "secrets.toml", redirect_uri, metadata_url, **auth)
    return start_streamlit("app.py", "--secrets.files", str(secrets), port=port)


def closed_desk(page: Page, url: str, says: str) -> None:
    page.goto(url + DESK, timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    expect(page.get_by_text(says)).to_be_visible()
    expect(page.get_by_role("textbox", name=FIELD_LABEL)).to_have_count(0)
    expect(page.get_by_label(PASSPHRASE_LABEL)).to_have_count(0)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


@pytest.mark.parametrize("mistake, operator_reads", [
    ({"client_id": None}, "missing client_id"),
    ({"redirect_uri": "http://127.0.0.1:1/oauth2callback"}, "redirect_uri is on http://127.0.0.1:1"),
    ({"redirect_uri": "http://127.0.0.1:{port}/oauth2/callback"}, "followed by /oauth2callback"),
])
def test_a_mistaken_auth_section_closes_the_desk_with_a_plain_sentence_and_one_line_for_the_operator(
        pages, provider, tmp_path, mistake, operator_reads):
    auth = {"redirect_uri": "http://127.0.0.1:{port}/oauth2callback", **mistake}
    app = start_app(tmp_path, metadata_url=provider.metadata_url, **auth)
    try:
        page = pages()
        closed_desk(page, app.url, messages.SIGN_IN_NOT_AVAILABLE)
        page.reload()
        wait_for_app(page)
        page.close()
        log = app.log_tail(50_000)
        lines = [line for line in log.splitlines() if OPERATOR_LINE in line]
        assert len(lines) == 1 and operator_reads in lines[0], lines
        assert "Traceback" not in log
    finally:
        app.stop()


def test_an_unreachable_metadata_address_tells_staff_to_try_again_and_the_operator_which_address(pages, tmp_path):
    app = start_app(tmp_path, "http://127.0.0.1:{port}/oauth2callback",
                    metadata_url=f"http://127.0.0.1:{_free_port()}/.well-known/openid-configuration")
    try:
        page = pages()
        closed_desk(page, app.url, messages.SIGN_IN_PROVIDER_DOWN)
        expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
        page.close()
        [line] = [line for line in app.log_tail(50_000).splitlines() if OPERATOR_LINE in line]
        assert "does not answer at server_metadata_url" in line
    finally:
        app.stop()


def test_when_the_provider_stops_staff_are_told_to_try_again_shortly_and_patients_carry_on(pages, tmp_path):
    app_port = _free_port()
    down = OidcProvider(_free_port(), [f"http://127.0.0.1:{app_port}/oauth2callback"])
    app = start_app(tmp_path, "http://127.0.0.1:{port}/oauth2callback", down.metadata_url, port=app_port)
    signed_in, about_to, later, patient = pages(), pages(), pages(), pages()
    try:
        sign_in_as(signed_in, app.url, ALLOWED)
        about_to.goto(app.url + DESK, timeout=LOADED_MACHINE_MS)
        wait_for_app(about_to)
        down.stop()

        # A sign-in started as the provider went: back at the desk, asked to try again shortly.
        with about_to.expect_navigation(url=re.compile(re.escape(app.url + DESK))):
            about_to.get_by_role("button", name="Sign in").click()
        wait_for_app(about_to)
        expect(about_to.get_by_text(messages.SIGN_IN_PROVIDER_DOWN)).to_be_visible()
        closed_desk(later, app.url, messages.SIGN_IN_PROVIDER_DOWN)
        expect(later.get_by_role("button", name=messages.SIGN_IN_TRY_AGAIN)).to_be_visible()

        # Staff already signed in keep the desk; patients' searches are answered as ever.
        signed_in.reload()
        wait_for_app(signed_in)
        expect(signed_in.get_by_role("textbox", name=FIELD_LABEL)).to_be_visible()
        patient.goto(app.url + "/?postcode=SL6%208DG", timeout=LOADED_MACHINE_MS)
        wait_for_app(patient)
        expect(patient.get_by_text("Maidenhead").first).to_be_visible()
    finally:
        for page in (signed_in, about_to, later, patient):
            page.close()  # before their server goes, which they would report as errors
        app.stop()
        down.stop()
