"""The shim over streamlit_folium's private helpers (components/clinic_map/folium_frame.py).

The base map is rendered once per process and only the search layer per run; the
frame must not be able to tell. streamlit_folium is pinned: these fail on an upgrade
that changes what st_folium sends.
"""

from __future__ import annotations

import re

import streamlit_folium

from components.clinic_map import DEFAULT_HEIGHT, build_map, folium_frame, search_layer, show_map
from tests.map_pages import CATCHMENT, CLINICS, TILES, search_pin


def test_the_frame_is_sent_exactly_what_st_folium_itself_would_send(sent):
    # show_map renders the base map once per process and only the search layer per run;
    # the frame must not be able to tell (streamlit_folium is pinned; this checks an upgrade).
    show_map(CLINICS, search_pin(), catchment=CATCHMENT, tiles=TILES, key="the_map")
    view = int(re.search(r"// view (\d+)", sent[0]["feature_group"]).group(1))
    streamlit_folium.st_folium(build_map(CLINICS, CATCHMENT, TILES), key="the_map", height=DEFAULT_HEIGHT,
                               use_container_width=True, returned_objects=[],
                               feature_group_to_add=search_layer(CLINICS, search_pin(), view))
    ours, theirs = ({k: v for k, v in call.items() if k != "on_change"} for call in sent)
    assert ours == theirs



def test_the_base_map_is_rendered_once_per_process(monkeypatch):
    rendered = []

    def counted(*args, **kwargs):
        rendered.append(args)
        return build_map(*args, **kwargs)

    monkeypatch.setattr(folium_frame, "build_map", counted)
    monkeypatch.setattr(folium_frame, "_BASE_FRAMES", {})
    first = folium_frame.base_frame(CLINICS, CATCHMENT, None, "the_map", DEFAULT_HEIGHT)
    again = folium_frame.base_frame(CLINICS, CATCHMENT, None, "the_map", DEFAULT_HEIGHT)
    assert again is first and len(rendered) == 1
