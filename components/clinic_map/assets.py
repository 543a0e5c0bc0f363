"""Where the map's frame loads its files from: the app's own ``static/``, and nowhere else.

Every script, stylesheet, image and data file the map loads comes from the
app's own origin (``static/``, served at ``/app/static/``). Map tiles are drawn
over the background only when an operator configures them in
``data/map.toml``; nothing here names a tile server.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import branca.colormap
import folium
import folium.elements

from components.view import map_unavailable

LEAFLET_VERSION = "1.9.4"

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"

#: ``static/`` as seen from st_folium's frame. The frame's document is
#: ``<app root>/component/streamlit_folium.st_folium/index.html`` and
#: Streamlit serves ``static/`` at ``<app root>/app/static/``, so this relative
#: path reaches them whether or not the app runs under a ``server.baseUrlPath``
#: or behind a proxy that adds a path prefix, and with or without
#: ``?embed=true``. (``/app/static/vendor`` would break under a path prefix.)
FRAME_STATIC = "../../app/static"
FRAME_ASSET_BASE = f"{FRAME_STATIC}/vendor"
LAND_URL = f"{FRAME_STATIC}/map/land.geojson"

#: The map frame's title (its ``<iframe title>``), for screen readers and axe.
FRAME_TITLE = "Map of the clinics and of which clinic serves each area"


def _versioned(name: str) -> str:
    """``static/map/<name>`` as the frame links it, with its content's hash: a changed file is never
    taken from a browser's cache, and an unchanged one need not be asked for again."""
    digest = hashlib.sha256((STATIC_DIR / "map" / name).read_bytes()).hexdigest()[:16]
    return f"{FRAME_STATIC}/map/{name}?v={digest}"


#: The map's own behaviour and styles (``static/map/clinic-map.js``, ``clinic-map.css``).
MAP_JS = _versioned("clinic-map.js")
MAP_CSS = _versioned("clinic-map.css")


def asset_links(asset_base: str = FRAME_ASSET_BASE) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The map's ``(js, css)`` links as folium lists them: ``(name, url)`` pairs, in loading order.

    The vendored names are folium's own, so nothing is listed twice; the map's
    own script comes after Leaflet, which it extends.
    """
    leaflet = f"{asset_base}/leaflet-{LEAFLET_VERSION}"
    # No jQuery: folium's Map lists it for its Popup, which the map does not use (elements.Popup).
    js = [("leaflet", f"{leaflet}/leaflet.js"), ("clinic_map", MAP_JS)]
    css = [("leaflet_css", f"{leaflet}/leaflet.css"), ("clinic_map_css", MAP_CSS)]
    return js, css


def listed_links(m: folium.Map) -> tuple[list[str], list[str]]:
    """Every ``(js, css)`` URL that ``st_folium`` would load for this map.

    Walks the map as streamlit_folium 0.27 does: the links of every element
    with folium's JS/CSS mixin, and the two d3 CDN links it adds by itself for
    any branca colormap.
    """
    js: list[str] = []
    css: list[str] = []

    def walk(element: Any) -> None:
        if isinstance(element, branca.colormap.ColorMap):
            js.append("https://d3js.org/d3.v4.min.js (added by st_folium for colormaps)")
        if isinstance(element, folium.elements.JSCSSMixin):
            js.extend(url for _, url in element.default_js)
            css.extend(url for _, url in element.default_css)
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(js)), list(dict.fromkeys(css))


def check_local_links(m: folium.Map, static_base: str = FRAME_STATIC) -> None:
    """Raise :class:`~locator.errors.MapDataError` unless every listed JS/CSS link is a file under ``static_base``."""
    js, css = listed_links(m)
    foreign = [url for url in js + css if not _is_local(url, static_base)]
    if foreign:
        raise map_unavailable("The map lists files that are not served by the app itself: " + ", ".join(foreign)
                         + ". Vendor them under static/vendor (see static/vendor/README.md) "
                         "and list the local copies instead.")


def _is_local(url: str, base: str) -> bool:
    return url.startswith(base.rstrip("/") + "/") and "://" not in url and not url.startswith("//")
