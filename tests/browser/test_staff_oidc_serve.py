"""Staff sign-in through bin/serve's balancer: the identity provider's sign-in survives the replica being replaced,
and a sign-out on one replica ends the sign-in on the other.

One real service (``bin/serve --replicas 2``, HAProxy) whose replicas all read the same ``[auth]`` (through
``STREAMLIT_SECRETS_FILES``, as an operator's shared secrets file) and share a state directory; a real OpenID
provider on loopback; ``CLINIC_LOCATOR_PUBLIC_URL`` is the balancer's address, and so the callback.
"""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
from playwright.sync_api import Page, expect

from locator import messages
from serve.haproxy import STICKY_COOKIE
from tests.serve_harness import free_ports, self_signed, start_service
from web.public_url import PUBLIC_URL_ENV

from . import wait_for_app
from .balancer import only_reconnection_errors, pinned_to
from .oidc import (
    ALLOWED,
    DESK,
    LOADED_MACHINE_MS,
    LOGOUT_BUTTON,
    OTHER_DOMAIN,
    OidcProvider,
    auth_secrets,
    desk,
    put_back,
    sign_in_as,
)

pytestmark = pytest.mark.serve


@pytest.fixture(scope="module")
def balanced(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-serve")
    [port] = free_ports(1)
    yield from _service_with_provider(folder, f"http://127.0.0.1:{port}", 2, "--drain-seconds", "3", port=port)


@pytest.mark.allow_page_errors
def test_a_signed_in_member_of_staff_stays_signed_in_when_their_replica_is_replaced(page: Page, balanced):
    service, _ = balanced
    sign_in_as(page, service.url, ALLOWED)
    expect(desk(page)).to_be_visible()
    slot = pinned_to(page)
    pid = service.replica_pid(slot)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    page.goto(service.url + DESK, timeout=LOADED_MACHINE_MS)
    wait_for_app(page, timeout=60)
    assert pinned_to(page) != slot  # another process answered, with the same signed sign-in
    expect(desk(page)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    service.wait_for(lambda: service.replica_pid(slot) not in (None, pid) and len(service.in_service()) == 2, 180,
                     f"replica {slot} restarted")
    only_reconnection_errors(page)


@pytest.mark.allow_page_errors
def test_signing_out_on_one_replica_ends_the_sign_in_on_the_other(page: Page, balanced):
    service, _ = balanced
    sign_in_as(page, service.url, ALLOWED)
    expect(desk(page)).to_be_visible()
    here = pinned_to(page)
    copied = [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name=LOGOUT_BUTTON).click()
    page.wait_for_url(re.compile(re.escape(service.url + DESK)), timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    # The old cookie, presented to the other replica.
    other = next(slot for slot in service.in_service() if slot != here)
    sticky = next(c for c in page.context.cookies() if c["name"] == STICKY_COOKIE)
    put_back(page, service.url, [*copied, {**sticky, "value": other}])
    page.goto(service.url + DESK, timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    assert pinned_to(page) == other
    expect(page.get_by_text("You signed out of the desk")).to_be_visible()
    expect(desk(page)).to_have_count(0)
    only_reconnection_errors(page)


@pytest.mark.allow_page_errors
def test_through_the_balancer_another_domain_is_not_allowed_and_a_tampered_cookie_is_refused(page: Page, balanced):
    service, _ = balanced
    sign_in_as(page, service.url, OTHER_DOMAIN)
    expect(page.get_by_role("alert")).to_contain_text("is not allowed to use the call-centre desk")
    expect(desk(page)).to_have_count(0)
    [cookie] = [c for c in page.context.cookies() if c["name"] == "_streamlit_user"]
    payload, _, signature = cookie["value"].partition(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    page.context.add_cookies([{"name": cookie["name"], "value": forged, "url": service.url}])
    page.goto(service.url + DESK, timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    expect(page.get_by_text(messages.SIGN_IN_AGAIN)).to_be_visible()
    expect(desk(page)).to_have_count(0)
    only_reconnection_errors(page)


@pytest.fixture(scope="module")
def balanced_https(tmp_path_factory):
    """One replica behind HAProxy terminating TLS (a test-made certificate): the public origin is https."""
    folder = tmp_path_factory.mktemp("oidc-serve-tls")
    cert, key = self_signed(folder)
    port, http_port = free_ports(2)
    yield from _service_with_provider(folder, f"https://127.0.0.1:{port}", 1, "--tls-cert", str(cert),
                                      "--tls-key", str(key), "--http-port", str(http_port), tls=True, port=port)


def _service_with_provider(folder, public: str, replicas: int, *args: str, **options):
    """A provider on loopback and ``bin/serve`` whose replicas share its ``[auth]``, the callback at ``public``."""
    provider = OidcProvider(free_ports(1)[0], [f"{public}/oauth2callback"])
    secrets = auth_secrets(folder / "secrets.toml", f"{public}/oauth2callback", provider.metadata_url)
    try:
        service = start_service(replicas, *args, tmp=folder,
                                env={"STREAMLIT_SECRETS_FILES": str(secrets), PUBLIC_URL_ENV: public}, **options)
    except Exception:
        provider.stop()
        raise
    yield service, provider
    service.stop()
    provider.stop()


@pytest.mark.allow_page_errors
def test_behind_tls_the_callback_is_the_public_https_origin_and_the_sign_in_cookie_is_secure(new_page, balanced_https):
    service, _ = balanced_https
    page = new_page(ignore_https_errors=True)
    sign_in_as(page, service.url, ALLOWED)
    expect(desk(page)).to_be_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "_streamlit_user"]
    assert cookie["secure"] and cookie["httpOnly"]
    assert 0 < cookie["expires"] - time.time() <= 10 * 3600 + 60  # a working day, not Streamlit's 30 days
    only_reconnection_errors(page)
