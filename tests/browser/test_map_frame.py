"""The clinic map in a real browser, exactly as st_folium's frame loads it."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from pathlib import Path

from tests.map_pages import BY_ID, CLINICS, NASTY_LABEL, STATIC, map_page, search_pin


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_frame(root: Path, html: str):
    """Serve ``html`` where Streamlit puts st_folium's frame, with static/ at /app/static/; yield the base URL.

    The relative links then resolve as they do in the app.
    """
    (root / "app").mkdir()
    (root / "app" / "static").symlink_to(STATIC, target_is_directory=True)
    frame_dir = root / "component" / "streamlit_folium.st_folium"
    frame_dir.mkdir(parents=True)
    (frame_dir / "index.html").write_text(html)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **kw: _QuietHandler(*a, directory=str(root), **kw)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_in_a_browser_the_map_works_from_the_app_s_own_files_alone(new_page, tmp_path):
    """The map as st_folium's frame sees it, with every third-party request blocked.

    The page sits at /component/streamlit_folium.st_folium/index.html, where
    Streamlit puts st_folium's frame, and static/ at /app/static/, so the
    relative links resolve as they do in the app. Markers and popups must
    work, with no page error in the frame and no request to another origin.
    """
    html = map_page(searched=search_pin(label=NASTY_LABEL, clinic_id="amersham", lat=51.75, lon=-0.34))
    with serve_frame(tmp_path, html) as base:
        page = new_page((900, 600))
        log = page.log
        page.set_default_timeout(10_000)
        page.goto(f"{base}/component/streamlit_folium.st_folium/index.html", wait_until="load")
        # The map script has run by now; a page error in it would leave the map blank.
        assert log.errors == [], log.errors
        page.wait_for_function(f"document.querySelectorAll('.leaflet-marker-icon').length === {len(CLINICS)}")
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
        assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()

    assert log.errors == []
    assert log.third_party() == []
    loaded = [u for u in log.requests if u.startswith(base)]
    assert f"{base}/app/static/vendor/leaflet-1.9.4/leaflet.js" in loaded
    assert not [u for u in loaded if "jquery" in u.lower()]
    assert f"{base}/app/static/vendor/leaflet-1.9.4/images/marker-icon.png" in loaded


# The frame as st_folium builds it: Leaflet loaded, leaflet.css appended to the
# head but not yet loaded when the map script runs.
_CSS_LINK = '<link rel="stylesheet" href="../../app/static/vendor/leaflet-1.9.4/leaflet.css"/>'
_CSS_ADDED_LATE = (
    "<body>\n<script>\n  const link = document.createElement('link');\n  link.rel = 'stylesheet';\n"
    "  link.href = '../../app/static/vendor/leaflet-1.9.4/leaflet.css';\n"
    "  document.head.appendChild(link);\n</script>"
)
_LABELS_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2,
                                                            l: r.left, r: r.right, t: r.top, b: r.bottom}; };
  return {map: box(document.querySelector('.leaflet-container')),
          clinic: box(document.querySelector('.leaflet-marker-icon[alt="Maidenhead"]')),
          searched: box(document.querySelector('path.leaflet-interactive')),
          labels: Object.fromEntries([...document.querySelectorAll('.leaflet-tooltip')].map(t => [t.textContent.trim(), box(t)]))};
}"""


def test_labels_sit_by_their_points_even_when_leaflet_css_arrives_after_the_map_script(new_page, tmp_path):
    """A search at the clinic's own postcode (SL6 8DG, Maidenhead): both labels by their points.

    Leaflet measures a permanent tooltip when it opens; measured before
    leaflet.css applied, the labels landed at or past the map's left edge.
    """
    lat, lon = BY_ID["maidenhead"].lat, BY_ID["maidenhead"].lon
    page_html = map_page(searched=search_pin(label="SL6 8DG", clinic_id="maidenhead", lat=lat, lon=lon))
    assert page_html.count(_CSS_LINK) == 1 and page_html.count("<body>") == 1
    page_html = page_html.replace(_CSS_LINK, "").replace("<body>", _CSS_ADDED_LATE)

    def css_late(route):
        time.sleep(0.5)  # the map script runs meanwhile
        route.continue_()

    with serve_frame(tmp_path, page_html) as base:
        page = new_page((544, 450))
        log = page.log
        page.route("**/leaflet.css", css_late)
        page.set_default_timeout(10_000)
        page.goto(f"{base}/component/streamlit_folium.st_folium/index.html", wait_until="load")
        page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-tooltip')).position === 'absolute'")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        where = page.evaluate(_LABELS_JS)

    assert log.errors == []
    assert set(where["labels"]) == {"Maidenhead", "SL6 8DG"}
    for label in where["labels"].values():
        assert where["map"]["l"] <= label["l"] and label["r"] <= where["map"]["r"], where
    clinic, searched = where["labels"]["Maidenhead"], where["labels"]["SL6 8DG"]
    # Leaflet puts the search's label below its dot, centred, and the clinic's name
    # beside its pin (left or right, by which half of the map the pin is in).
    assert abs(searched["x"] - where["searched"]["x"]) <= 2, where
    assert 0 < searched["t"] - where["searched"]["y"] <= 30, where
    pin = where["clinic"]
    assert 0 <= pin["l"] - clinic["r"] <= 30 or 0 <= clinic["l"] - pin["r"] <= 30, where
    # Leaflet centres a side label on its point, the pin's tip; within a pixel, as a label's
    # height is fractional with the map's 13px/1.4 text.
    assert pin["t"] <= clinic["y"] <= pin["b"] + 1, where
    assert clinic["b"] <= searched["t"] + 1, where
