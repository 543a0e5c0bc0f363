"""bin/serve with HTTPS (a self-signed certificate the test makes), in Chromium too, and SIGTERM leaving no process behind.

One real service: ``bin/serve --replicas 1 --tls-cert … --tls-key … --http-port Q``.
The last test stops it with SIGTERM, as systemd or ``kill`` does.
"""

from __future__ import annotations

import http.client
import signal
import ssl
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from locator import messages
from serve.haproxy import STICKY_COOKIE
from tests.event_loop import run_in_own_loop
from tests.serve_harness import SESSION_KEY, STAFF_PASSPHRASE, alive, free_ports, self_signed, start_service
from tests.streamlit_protocol import Patient
from web import staff
from web.shared_state import SESSION_KEY_ENV

from . import wait_for_app

pytestmark = pytest.mark.serve


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    cert, key = self_signed(directory)
    context = ssl.create_default_context(cafile=str(cert))
    (http_port,) = free_ports(1)
    service = start_service(1, "--tls-cert", str(cert), "--tls-key", str(key), "--http-port", str(http_port),
                            tmp=directory, tls=True)
    yield service, context, http_port
    service.stop()


def test_the_app_is_served_over_https_with_hsts_and_a_secure_sticky_cookie(tls):
    service, context, _ = tls
    with urllib.request.urlopen(service.url + "/", context=context, timeout=30) as response:
        assert response.status == 200 and b"<html" in response.read().lower()
        assert response.headers["Strict-Transport-Security"] == "max-age=63072000"
        cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{STICKY_COOKIE}=") and "Secure" in cookie and "HttpOnly" in cookie


def test_plain_http_is_sent_to_the_same_address_over_https(tls):
    service, _, http_port = tls
    connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
    connection.request("GET", "/about-treatment?search=SL6+8DG", headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"{service.url}/about-treatment?search=SL6+8DG"


def test_a_search_over_a_secure_websocket_is_answered(tls, locator):
    service, context, _ = tls
    patient = Patient(service.url, messages.SEARCH_LABEL, ssl=context)

    async def search() -> None:
        try:
            await patient.search("BT1 1AA", f"Nearest clinic: {locator.lookup('BT1 1AA').clinic.name}")
        finally:
            await patient.close()

    run_in_own_loop(search)
    assert patient.answers == 1 and patient.wrong == 0


def test_behind_tls_the_replicas_staff_cookie_is_secure(tls, monkeypatch):
    """The replica knows the browser's scheme (X-Forwarded-Proto from HAProxy), so it marks its cookies Secure."""
    service, context, _ = tls
    monkeypatch.setenv(SESSION_KEY_ENV, SESSION_KEY)  # the service's key: a token made here is valid there
    request = urllib.request.Request(service.url + staff.SESSION_PATH, method="POST",
                                     data=staff.session_token(STAFF_PASSPHRASE).encode())
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        assert response.status == 204
        cookies = response.headers.get_all("Set-Cookie")
    staff_cookie = next(c for c in cookies if c.startswith(f"{staff.COOKIE}="))
    assert "Secure" in staff_cookie and "HttpOnly" in staff_cookie


def test_in_chromium_the_page_answers_over_https_with_http2(tls, new_page, locator):
    """Chromium talks HTTP/2 to HAProxy (ALPN h2), the websocket included; "Use my location" needs the secure context."""
    service, _, _ = tls
    page = new_page(ignore_https_errors=True)  # the test's own certificate
    page.goto(service.url + "/?postcode=BT1+1AA")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=f"Nearest clinic: {locator.lookup('BT1 1AA').clinic.name}")).to_be_visible()
    assert page.evaluate("() => performance.getEntriesByType('navigation')[0].nextHopProtocol") == "h2"
    assert page.evaluate("() => window.isSecureContext")


def test_sigterm_stops_haproxy_and_every_replica_and_leaves_none_behind(tls):
    service, _, http_port = tls
    pids = service.pids()
    assert len(pids) >= 3, f"the supervisor, HAProxy and a replica: {pids}"
    service.proc.send_signal(signal.SIGTERM)
    assert service.proc.wait(timeout=60) == 0
    deadline = time.monotonic() + 10
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p for p in pids if alive(p)] == []
    assert service.pids() == set()
    assert "bin/serve: stopping" in service.log()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{http_port}/", timeout=5)
    assert not (service.state_dir / "haproxy.sock").exists()
