"""What st_folium's frame is sent, made the way st_folium makes it, but the base map only once.

``st_folium(map, feature_group_to_add=layer)`` renders the whole folium map on
every call (about 50 Jinja templates compiled: ~20 ms of a search's server
time, measured with cProfile). Ours is the same on every run, so its part of
the frame's arguments is computed once, the way st_folium computes it, and only
the search layer is rendered per run. This leans on streamlit_folium's private
helpers (pinned in pyproject.toml and the lock); ``tests/test_folium_frame.py`` checks
that the result equals st_folium's own, so an upgrade that changes them fails there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import streamlit_folium

from components.clinic_map.assets import check_local_links, listed_links
from components.clinic_map.elements import Map
from components.clinic_map.layers import Catchment, MapClinic, MapTiles, build_map

_BASE_FRAMES: dict[tuple, dict[str, Any]] = {}


def base_frame(clinics: Sequence[MapClinic], catchment: Catchment | None, tiles: MapTiles | None,
               key: str, height: int) -> dict[str, Any]:
    """st_folium's arguments for the base map (all but ``feature_group``), made once per process."""
    cache_key = (tuple(_clinic_fields(c) for c in clinics), catchment, _tile_fields(tiles), key, height)
    base = _BASE_FRAMES.get(cache_key)
    if base is None:
        m = build_map(clinics, catchment, tiles)
        check_local_links(m)
        base = _frame_arguments(m, key, height)
        if len(_BASE_FRAMES) > 16:  # only ever one or two in practice; never grow without bound
            _BASE_FRAMES.clear()
        _BASE_FRAMES[cache_key] = base
    return base


def layer_script(layer: folium.FeatureGroup) -> str:
    """The search layer's script as st_folium sends ``feature_group_to_add``.

    Rendered against an empty map named as st_folium names every map in its
    frame (``map_div``), so the base map need not be rendered again.
    """
    stand_in = Map(tiles=None)
    stand_in._id = "div"
    folium.Figure().add_child(stand_in)
    return streamlit_folium._get_feature_group_string(layer, map=stand_in, idx=0)


def _frame_arguments(m: folium.Map, key: str, height: int) -> dict[str, Any]:
    """What ``st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])``
    passes to its frame, but ``feature_group`` and ``on_change`` (streamlit_folium 0.27.4)."""
    m.get_root().render()
    m.render()
    html = streamlit_folium._get_html(m)
    header = streamlit_folium._get_header(m)
    script = streamlit_folium._get_map_string(m)  # renames the map's elements: after html and header
    js, css = listed_links(m)
    return {
        "script": script, "header": header, "html": html, "id": streamlit_folium.get_full_id(m),
        "key": streamlit_folium.generate_js_hash(script, key, False), "height": height, "width": None,
        "returned_objects": [], "default": {}, "zoom": None, "center": None, "return_on_hover": False,
        "layer_control": None, "pixelated": False, "css_links": css, "js_links": js, "wrap_longitude": False,
    }


def _clinic_fields(c: MapClinic) -> tuple:
    return (c.id, c.name, tuple(c.address), c.lat, c.lon, c.phone_display, c.phone_tel, c.email)


def _tile_fields(tiles: MapTiles | None) -> tuple | None:
    return None if tiles is None else (tiles.url, tiles.attribution, tiles.subdomains, tiles.max_zoom)
