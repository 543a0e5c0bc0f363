"""Driving the app's pages through Streamlit's AppTest: the shared helpers of the AppTest modules."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


def search(at: AppTest, text: str) -> AppTest:
    """Type ``text`` in the field and press Enter (a rerun with the new value)."""
    if not at._tree.children:  # the field exists only after a first run
        at.run()
    return at.text_input(key="postcode").input(text).run()


def shown(markdown: str) -> str:
    """What a reader sees of Markdown the app escaped: the backslashes go."""
    return re.sub(r"\\(.)", r"\1", markdown)


def html_text(at: AppTest) -> str:
    """The text of every ``st.html`` on the page as a person reads it: tags gone, a line per block."""
    blocks = (re.sub(r"<(?:br|p|h\d|li|a)\b[^>]*>", "\n", h.proto.body) for h in at.get("html"))
    return "\n".join(unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks)


def the_map(at: AppTest) -> dict:
    """The arguments the page gave st_folium: the Leaflet script, its JS/CSS links."""
    maps = [e for e in at.get("component_instance") if "st_folium" in e.proto.component_name]
    assert len(maps) == 1, f"expected one map, found {len(maps)}"
    return json.loads(maps[0].proto.json_args)
