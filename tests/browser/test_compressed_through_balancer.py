"""Behind bin/serve's HAProxy, over HTTPS as the public meets it, a first visit is still compressed and cached.

Chromium sends ``Accept-Encoding: br`` only over HTTPS, so this is where a
real browser gets the brotli copies (web/static_files.py): one replica behind
the balancer with a certificate made for the test.
"""

from __future__ import annotations

import pytest

from tests.serve_harness import self_signed, start_service
from web.public_url import PUBLIC_URL_ENV
from web.static_build import MIN_BYTES
from web.static_files import IMMUTABLE

from . import wait_for_app

pytestmark = pytest.mark.serve


@pytest.fixture(scope="module")
def balancer(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    cert, key = self_signed(directory)
    service = start_service(1, "--tls-cert", str(cert), "--tls-key", str(key), tmp=directory, tls=True,
                            env={PUBLIC_URL_ENV: ""})
    yield service
    service.stop()


def test_a_first_visit_through_the_balancer_gets_every_script_and_style_in_brotli(new_page, balancer):
    page = new_page(viewport=(412, 823), ignore_https_errors=True)
    seen: list[tuple[str, str, dict[str, str]]] = []
    page.on("response", lambda r: seen.append((r.url, r.request.resource_type, r.all_headers()))
            if r.status == 200 else None)
    page.goto(balancer.url)
    wait_for_app(page)
    page.frame_locator("iframe").first.locator(".leaflet-marker-icon").first.wait_for()
    page.wait_for_load_state("networkidle")

    text = [(url, headers) for url, kind, headers in seen if kind in ("document", "script", "stylesheet")]
    # below 1 KiB a file goes as it is (web/static_build.MIN_BYTES): it fits in a packet or two anyway
    big = [(url, h) for url, h in text if int(h.get("content-length", MIN_BYTES + 1)) > MIN_BYTES
           or "content-encoding" in h]
    assert len(big) > 20
    assert [url for url, h in big if h.get("content-encoding") != "br"] == []
    bundle = [headers for url, headers in text if "/static/js/" in url and "/component/" not in url]
    assert bundle and all(h["cache-control"] == IMMUTABLE for h in bundle)
