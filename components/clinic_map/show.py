"""The map on a page: :func:`show_map` in st_folium's frame, and :func:`map_notes_html` beside it."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

import streamlit as st
import streamlit_folium

from components.clinic_map.folium_frame import base_frame, layer_script
from components.clinic_map.layers import Catchment, MapClinic, MapSearch, MapTiles, search_layer

DEFAULT_HEIGHT = 450


def show_map(
    clinics: Iterable[MapClinic],
    searched: MapSearch | None = None,
    *,
    catchment: Catchment | None = None,
    tiles: MapTiles | None = None,
    key: str = "clinic_map",
    height: int = DEFAULT_HEIGHT,
) -> None:
    """Draw the map in ``st_folium``'s frame, full container width, with the search on it.

    ``key`` names this map on the page; keep it the same from run to run.
    The base map (:func:`~components.clinic_map.layers.build_map`) is the same
    on every run: it is rendered once per process and its frame in the browser
    is kept. Only :func:`~components.clinic_map.layers.search_layer` is
    rendered on each run, and the frame swaps it in place. The map sends
    nothing back (``returned_objects=[]``), so panning, zooming and clicking
    never rerun the app.
    """
    clinics = list(clinics)
    base = base_frame(clinics, catchment, tiles, key, height)
    view = 0
    if searched is not None:
        # Counts the searches drawn in this session: each one moves the view, even to the same place.
        view = st.session_state.get(f"{key}-view", 0) + 1
        st.session_state[f"{key}-view"] = view
    layer = layer_script(search_layer(clinics, searched, view))
    with st.container(key=f"{key}-frame"):
        streamlit_folium._component_func(**base, feature_group=layer)


def map_notes_html(catchment: Catchment | None, tiles: MapTiles | None) -> str:
    """Beside the map, in text: who goes where in words, and where the map comes from (privacy); escaped
    HTML for ``st.html``, set as Streamlit sets a caption (``layout.css``)."""
    notes = [catchment.sentence()] if catchment is not None else []
    if tiles is None:
        notes.append("Privacy: this map is drawn by this site alone. Nothing you search for, and no part "
                     "of the map you look at, is sent to anyone else.")
    else:
        notes.append(f"Privacy: the map's background pictures (tiles) come from {tiles.host}, which can "
                     "tell which part of the map you look at, though not what you searched for.")
    return "".join(f'<p class="html-caption">{escape(note)}</p>' for note in notes)
