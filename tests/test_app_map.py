"""The map on Find a clinic, through AppTest: private by default, tiles only when configured,
one base map kept from search to search, and who goes where explained in words.
"""

from __future__ import annotations

import re

import pytest

from components.resources import map_layers_for
from locator import map_layers
from tests.apptest import html_text, search, shown, the_map

# Any absolute URL (http, https, ws, protocol-relative) in what the app sends the map's frame.
ABSOLUTE_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//([^/\"'\s`<>)]+)", re.IGNORECASE)


def hosts(args: dict) -> set[str]:
    text = " ".join(str(args[k]) for k in ("script", "header", "html", "feature_group", "js_links", "css_links"))
    # Leaflet's attribution links to leafletjs.com: a link a person may follow, never loaded.
    return set(ABSOLUTE_URL.findall(text)) - {"leafletjs.com"}


@pytest.fixture
def tiles_configured(tmp_path, monkeypatch):
    settings = tmp_path / "map.toml"
    settings.write_text(map_layers.MAP_TOML.read_text(encoding="utf-8").replace(
        'url = ""\nattribution = ""',
        'url = "https://tiles.example.net/{z}/{x}/{y}.png"\nattribution = "Tiles by Example"'))
    monkeypatch.setattr(map_layers, "MAP_TOML", settings)
    map_layers_for.clear()
    yield
    map_layers_for.clear()


def notes(app) -> str:
    """What the page says in words beside the map (and elsewhere in captions)."""
    return " ".join(shown(c.value) for c in app.caption) + "\n" + html_text(app)


def test_by_default_the_map_names_no_other_origin_before_or_after_a_search(app):
    app.run()
    assert hosts(the_map(app)) == set()
    search(app, "BT1 1AA")
    assert hosts(the_map(app)) == set()
    assert "Privacy: this map is drawn by this site alone" in notes(app)


def test_a_configured_tile_service_is_drawn_and_the_privacy_note_names_it(app, tiles_configured):
    search(app, "SL6 8DG")
    args = the_map(app)
    assert hosts(args) == {"tiles.example.net"}
    assert '"https://tiles.example.net/{z}/{x}/{y}.png"' in args["script"]
    assert "Tiles by Example" in args["script"]
    assert "tiles.example.net" in notes(app) and "drawn by this site alone" not in notes(app)


def test_searches_keep_the_same_base_map_and_only_swap_the_search_layer(app):
    app.run()
    before = the_map(app)
    search(app, "SL6 8DG")
    first = the_map(app)
    search(app, "D18 X5K7")
    second = the_map(app)
    for args in (first, second):
        assert args["key"] == before["key"] and args["script"] == before["script"]
    assert "SL6 8DG" in first["feature_group"] and "D18 X5K7" in second["feature_group"]


def test_searching_the_same_place_again_moves_the_view_back_to_it(app):
    # st_folium ignores a search layer equal to the last one; "sl6 8dg" is the same place as "SL6 8DG".
    search(app, "SL6 8DG")
    first = the_map(app)["feature_group"]
    search(app, "sl6 8dg")
    again = the_map(app)["feature_group"]
    assert first != again
    assert re.sub(r"// view \d+", "", first) == re.sub(r"// view \d+", "", again)


def test_who_goes_where_is_on_the_map_with_its_legend_and_in_words_on_the_page(app, locator):
    app.run()
    script = the_map(app)["script"]
    assert "clinicMap.background(" in script and "catchment-512.webp?v=" in script
    for clinic in locator.clinics:
        assert f"for {clinic.name}" in notes(app)
        assert clinic.name in script
