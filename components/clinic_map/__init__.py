"""The clinic map: drawn from the app's own files, built once, updated in place.

The base map is the same on every run: the land and sea of the places the
clinics serve (``static/map/land.geojson``), who goes where (the catchment
picture built with the index) with its legend, the main towns' names, and
every clinic's marker and popup. Because it does not change, ``st_folium``
keeps it mounted; a search only replaces one small layer
(``feature_group_to_add``): the searched place, a ring round its clinic, and a
move of the view to fit both. See ``docs/adr/0003-map-assets-served-locally.md``
and ``docs/adr/0011-map-drawn-offline-and-updated-in-place.md``.

One job per module:

``show``
    :func:`show_map` and :func:`map_notes_html`, what a page calls.
``layers``
    What the map shows: the base map (:func:`build_map`) and a search's layer
    (:func:`search_layer`), from plain values; all text escaped.
``elements``
    The folium elements that hand each map's settings to ``static/map/clinic-map.js``
    (and its styles, ``clinic-map.css``): the behaviour lives in those files.
``assets``
    Where the frame's files come from, and the rule that they all come from the app.
``folium_frame``
    The shim over ``streamlit_folium``'s private helpers that renders the base map
    once per process (``tests/test_folium_frame.py`` holds it to st_folium's own output).

This package draws; it does not locate or validate. The clinics it is given
were checked when they were read (``locator/clinics.py``).
"""

from components.clinic_map.assets import FRAME_TITLE
from components.clinic_map.layers import Catchment, MapClinic, MapSearch, MapTiles, build_map, search_layer
from components.clinic_map.show import DEFAULT_HEIGHT, map_notes_html, show_map

__all__ = [
    "DEFAULT_HEIGHT", "FRAME_TITLE", "Catchment", "MapClinic", "MapSearch", "MapTiles", "build_map",
    "map_notes_html", "search_layer", "show_map",
]
