"""The clinic map in a real browser, exactly as st_folium's frame loads it."""

from __future__ import annotations

import http.server
import threading

from tests.browser import block_third_party, track
from tests.test_clinic_map import CLINICS, NASTY_LABEL, STATIC, _page, _search


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_in_a_browser_the_map_works_from_the_app_s_own_files_alone(browser, tmp_path):
    """The map as st_folium's frame sees it, with every third-party request blocked.

    The page sits at /component/streamlit_folium.st_folium/index.html, where
    Streamlit puts st_folium's frame, and static/ at /app/static/, so the
    relative links resolve as they do in the app. Tiles cannot load; markers
    and popups must work regardless, with no page error in the frame.
    """
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "static").symlink_to(STATIC, target_is_directory=True)
    frame_dir = tmp_path / "component" / "streamlit_folium.st_folium"
    frame_dir.mkdir(parents=True)
    (frame_dir / "index.html").write_text(_page(searched=_search(label=NASTY_LABEL, clinic_id="amersham",
                                                                 lat=51.75, lon=-0.34)))

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **kw: _QuietHandler(*a, directory=str(tmp_path), **kw)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        context = browser.new_context(viewport={"width": 900, "height": 600})
        try:
            page = context.new_page()
            log = track(page)
            block_third_party(context, log)
            page.set_default_timeout(10_000)
            page.goto(f"{base}/component/streamlit_folium.st_folium/index.html", wait_until="load")
            # The map script has run by now; a page error in it would leave the map blank.
            assert log.errors == [], log.errors
            page.wait_for_function("document.querySelectorAll('.leaflet-marker-icon').length === 4")
            page.wait_for_function(
                "[...document.querySelectorAll('.leaflet-marker-icon, .leaflet-marker-shadow')]"
                ".every(img => img.complete && img.naturalWidth > 0)"
            )
            for c in CLINICS:
                page.locator(f'.leaflet-marker-icon[alt="{c.name}"]').dispatch_event("click")
                popup = page.locator(f'.leaflet-popup-content .clinic-popup[data-clinic-id="{c.id}"]')
                popup.wait_for()
                hrefs = popup.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
                assert hrefs == [c.phone_tel, f"mailto:{c.email}"]
            page.locator("path.leaflet-interactive").dispatch_event("click")
            page.locator(".searched-popup").wait_for()
            assert "window.__xss=4" in page.locator(".searched-popup").inner_text()
            assert page.evaluate("window.__xss") is None
            assert page.locator(".leaflet-control-attribution").inner_text().strip().endswith(
                "OpenStreetMap contributors")
        finally:
            context.close()
    finally:
        server.shutdown()
        server.server_close()

    assert log.errors == []
    assert log.third_party() == []
    assert any(u.startswith("https://tile.openstreetmap.org/") for u, _ in log.external_requests)
    loaded = [u for u in log.requests if u.startswith(base)]
    assert f"{base}/app/static/vendor/leaflet-1.9.4/leaflet.js" in loaded
    assert f"{base}/app/static/vendor/jquery-3.7.1/jquery.min.js" in loaded
    assert f"{base}/app/static/vendor/leaflet-1.9.4/images/marker-icon.png" in loaded
