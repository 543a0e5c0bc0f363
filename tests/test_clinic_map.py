"""The clinic map names no other origin unless an operator configures tiles, lists
only the app's own JS/CSS, shows every clinic's contact details and who goes
where, never runs a searched label as HTML or code, keeps its base map the same
from search to search, and fits the search.

The clinics are the real ones, however many the clinics file lists, as the
view model hands them to the map.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import folium
import folium.plugins
import jinja2.utils
import pytest

from components.clinic_map import assets, layers
from components.clinic_map.assets import (
    FRAME_ASSET_BASE,
    FRAME_STATIC,
    MAP_CSS,
    MAP_JS,
    check_local_links,
    listed_links,
)
from components.clinic_map.layers import Catchment, build_map, search_layer
from components.clinic_map.show import show_map
from locator import messages
from locator.clinics import clinics_path, read_sites
from locator.errors import MapDataError
from tests.map_pages import BY_ID, CATCHMENT, CLINICS, NASTY_LABEL, STATIC, TILES, map_page, search_pin

REPO_ROOT = Path(__file__).resolve().parent.parent
VENDOR = STATIC / "vendor"
HOSTILE_LABEL = "<script>alert(1)</script>"
# An absolute URL in the map's code: anything the browser could be sent to.
ABSOLUTE_URL = re.compile(r"(?:https?:)?//([^/\"'\s`<>]+)", re.IGNORECASE)


def _calls(page: str, function: str) -> list[dict]:
    """The options of every ``clinicMap.<function>(map, {...})`` call in the map's code, in order."""
    return [json.loads(options) for options in
            re.findall(rf"clinicMap\.{function}\(\s*\w+,\s*(?:\[[^\]]*\],\s*)?(\{{.*?\}})\);", page)]


def _hosts(text: str) -> set[str]:
    # Leaflet's own attribution prefix links to leafletjs.com: a link a person may follow, never loaded.
    return {h for h in ABSOLUTE_URL.findall(text)} - {"leafletjs.com"}


def _is_local(url: str) -> bool:
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE)


def _static_file(url: str) -> Path:
    """The file under static/ that a FRAME_STATIC URL is served from."""
    assert url.startswith(FRAME_STATIC + "/"), url
    return STATIC / url.removeprefix(FRAME_STATIC + "/").split("?")[0]


LINKED_JS = [
    f"{FRAME_ASSET_BASE}/leaflet-{assets.LEAFLET_VERSION}/leaflet.js",
    MAP_JS,
]
LINKED_CSS = [f"{FRAME_ASSET_BASE}/leaflet-{assets.LEAFLET_VERSION}/leaflet.css", MAP_CSS]
MAP_SCRIPT = (STATIC / "map" / "clinic-map.js").read_text()
MAP_STYLES = (STATIC / "map" / "clinic-map.css").read_text()


# --- only the app's own files -----------------------------------------------------------


def test_the_map_is_given_every_clinic_in_the_clinics_file_in_order():
    assert [c.id for c in CLINICS] == [site.id for site in read_sites(clinics_path())]
    assert all(c.phone_tel.startswith("tel:+") for c in CLINICS)


@pytest.mark.parametrize("searched", [None, search_pin()], ids=["no search", "search"])
def test_the_map_lists_only_vendored_files_and_its_own(searched):
    m = build_map(CLINICS, CATCHMENT)
    m.add_child(search_layer(CLINICS, searched))
    js, css = listed_links(m)
    assert js == LINKED_JS
    assert css == LINKED_CSS
    for url in js + css:
        assert _static_file(url).is_file(), url


def test_the_map_s_own_files_are_linked_by_their_content_so_a_changed_file_is_never_taken_from_a_cache():
    for url in (MAP_JS, MAP_CSS):
        version = url.split("?v=")[1]
        assert version == hashlib.sha256(_static_file(url).read_bytes()).hexdigest()[:16]


@pytest.mark.parametrize("searched", [None, search_pin()], ids=["no search", "search"])
def test_the_rendered_page_loads_scripts_and_styles_only_from_the_app(searched):
    page = map_page(searched=searched)
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]*)\"", page)
    styles = re.findall(r"<link\b[^>]*\bhref=\"([^\"]*)\"", page)
    assert scripts and styles
    assert all(_is_local(u) for u in scripts + styles), scripts + styles
    assert "@import" not in page
    # By default nothing in the map names another origin: no tiles, no fonts, no data.
    assert _hosts(page) == set()


def test_with_tiles_configured_the_tile_url_and_its_credit_are_on_the_map_over_the_land():
    page = map_page(searched=search_pin(), tiles=TILES)
    assert _hosts(page) == {"tiles.example.net"}
    assert '"https://tiles.example.net/{z}/{x}/{y}.png"' in page
    assert "\\u0026copy; Example Tiles Ltd" in page  # the attribution, JSON-escaped
    # Leaflet draws tiles in its tile pane (z-index 200); the land lies under it.
    assert '["land", 150]' in MAP_SCRIPT and page.index("L.tileLayer(") > page.index("clinicMap.background(")


def test_the_background_is_the_app_s_own_land_and_who_goes_where():
    page = map_page()
    (background,) = _calls(page, "background")
    assert background["land_url"] == assets.LAND_URL
    assert _static_file(assets.LAND_URL).is_file()
    assert background["catchment"]["pictures"] == [list(picture) for picture in CATCHMENT.pictures]
    assert background["catchment"]["bounds"] == [list(corner) for corner in CATCHMENT.bounds]
    assert CATCHMENT.pictures == ((512, "../../app/static/map/build/catchment-512.webp?v=0123456789abcdef"),
                                  (2048, "../../app/static/map/build/catchment-2048.webp?v=0123456789abcdef"))
    assert "L.tileLayer(" not in page and "L.tileLayer(" not in MAP_SCRIPT
    assert _calls(map_page(catchment=None), "background")[0]["catchment"] is None


def test_st_folium_is_given_only_local_links_and_no_other_urls(sent):
    show_map(CLINICS, search_pin(), catchment=CATCHMENT, key="the_map")
    (args,) = sent
    assert args["js_links"] == LINKED_JS
    assert args["css_links"] == LINKED_CSS
    # The frame also appends `header` to its <head> and runs `script` and `feature_group`:
    # nothing there may load anything either, or name another host.
    for part, text in {**{p: args[p] for p in ("header", "html", "script", "feature_group")},
                       "clinic-map.js": MAP_SCRIPT, "clinic-map.css": MAP_STYLES}.items():
        assert not re.search(r"<script\b[^>]*\bsrc=|<link\b|@import", text, re.IGNORECASE), part
        assert _hosts(text) == set(), part
    assert 'L.Icon.Default.imagePath = "../../app/static/vendor/leaflet-1.9.4/images/"' in args["script"]
    for png in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert (VENDOR / f"leaflet-{assets.LEAFLET_VERSION}" / "images" / png).is_file()


def test_st_folium_sends_nothing_back_and_fills_the_width(sent):
    show_map(CLINICS, None, key="the_map", height=420)
    (args,) = sent
    assert args["returned_objects"] == []
    assert args["default"] == {}
    assert args["width"] is None  # use_container_width
    assert args["height"] == 420


def test_a_new_search_keeps_the_base_map_and_changes_only_the_search_layer(sent):
    # st_folium's frame is keyed on a hash of the base map's code: equal code, same frame,
    # no remount. Only `feature_group` (the search's layer) may change.
    show_map(CLINICS, None, catchment=CATCHMENT, key="the_map")
    show_map(CLINICS, search_pin(), catchment=CATCHMENT, key="the_map")
    show_map(CLINICS, search_pin(label="SL6 8DG", clinic_id=BY_ID["maidenhead"].id, lat=51.52339, lon=-0.70442),
             catchment=CATCHMENT, key="the_map")
    none, first, other = ({k: v for k, v in call.items() if k != "on_change"} for call in sent)
    for call in (first, other):
        assert {k: v for k, v in call.items() if k != "feature_group"} == {
            k: v for k, v in none.items() if k != "feature_group"}
    assert len({none["feature_group"], first["feature_group"], other["feature_group"]}) == 3
    assert "SW1A 1AA" in first["feature_group"] and "SW1A 1AA" not in first["script"]
    assert "L.circleMarker(" not in none["feature_group"]


def test_searching_the_same_place_again_sends_a_new_layer_so_the_view_moves_back():
    # st_folium skips a layer equal to the one it has; after panning away, the same
    # search must still bring the view back.
    assert map_page(searched=search_pin(), view=1) != map_page(searched=search_pin(), view=2)
    assert map_page(searched=search_pin(), view=1).replace("view 1", "view 2") == map_page(searched=search_pin(), view=2)


def test_the_same_arguments_render_the_same_page():
    assert map_page(searched=search_pin()) == map_page(searched=search_pin())


def test_the_map_frame_is_titled_and_keeps_pinch_zoom_and_its_controls_are_big_enough_to_tap(sent):
    show_map(CLINICS, search_pin(), catchment=CATCHMENT, key="the_map")
    (args,) = sent
    assert _calls(args["script"], "background")[0]["title"] == assets.FRAME_TITLE
    assert 'window.frameElement.setAttribute("title", o.title)' in MAP_SCRIPT
    # folium's own <meta name=viewport ... user-scalable=no> would stop zooming with two fingers.
    assert "viewport" not in args["header"] and "user-scalable" not in args["header"]
    zoom_buttons = re.search(r"\.leaflet-bar a[^{]*\{([^}]*)\}", MAP_STYLES).group(1)
    assert "width: 44px" in zoom_buttons and "height: 44px" in zoom_buttons
    assert re.search(r"\.catchment-switch \{[^}]*min-height: 44px", MAP_STYLES)
    assert re.search(r"\.catchment-switch input \{[^}]*width: 24px;\s*height: 24px", MAP_STYLES)


def test_folium_defaults_are_left_alone():
    before = (list(folium.Map.default_js), list(folium.Map.default_css))
    build_map(CLINICS, CATCHMENT).get_root().render()
    assert (folium.Map.default_js, folium.Map.default_css) == before


def test_a_map_listing_a_cdn_file_is_refused():
    m = build_map(CLINICS)
    folium.plugins.Fullscreen().add_to(m)  # lists its script and stylesheet on a CDN
    with pytest.raises(ValueError, match="not served by the app itself"):
        check_local_links(m)


def test_vendored_files_match_their_checksums():
    lines = (VENDOR / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    on_disk = {
        p.relative_to(VENDOR).as_posix()
        for p in VENDOR.rglob("*")
        if p.is_file() and p.name not in {"SHA256SUMS", "README.md", "fetch.sh"}
    }
    assert on_disk == set(listed)
    assert "leaflet-1.9.4/LICENSE" in on_disk


def test_static_serving_is_on_and_usage_stats_off():
    with (REPO_ROOT / ".streamlit" / "config.toml").open("rb") as f:
        config = tomllib.load(f)
    assert config["server"]["enableStaticServing"] is True
    assert config["browser"]["gatherUsageStats"] is False


# --- what the map shows -----------------------------------------------------------------


@pytest.mark.parametrize("searched", [None, search_pin()], ids=["no search", "search"])
def test_the_map_needs_no_jquery_nothing_in_its_script_calls_it(searched):
    """folium's own popups call jQuery's $; the map's do not, so it is not sent (29 KiB a first visit)."""
    page = map_page(searched=searched)
    assert "jquery" not in page.lower() and not re.search(r"(?<![\w$])\$\(", page)


@pytest.mark.parametrize("searched", [None, search_pin()], ids=["no search", "search"])
def test_every_clinic_has_a_marker_with_its_contact_popup(searched):
    page = map_page(searched=searched)
    assert len(re.findall(r"L\.marker\(\n\s*\[", page)) == len(CLINICS)
    for c in CLINICS:
        assert f"[{c.lat}, {c.lon}]" in page
        popup = re.search(rf'<div class="clinic-popup" data-clinic-id="{c.id}">.*?</div>', page)
        assert popup, c.id
        body = popup.group(0)
        assert f"<strong>{html.escape(c.name)}</strong>" in body
        for line in c.address:
            assert f"<br>{html.escape(line)}" in body
        assert f'<a href="{c.phone_tel}">{html.escape(c.phone_display)}</a>' in body
        assert f'<a href="mailto:{c.email}">{c.email}</a>' in body


def test_the_searched_label_is_escaped():
    page = map_page(searched=search_pin(label=HOSTILE_LABEL))
    assert HOSTILE_LABEL not in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # in the popup and the label


def test_labels_cannot_break_out_of_folium_s_template_literals():
    page = map_page(searched=search_pin(label=NASTY_LABEL))
    assert "${" not in page
    assert "window.__xss" in page  # shown as text...
    assert "<img" not in page and "</script><script>" not in page  # ...never as markup
    assert "&#96;" in page and "&#36;" in page and "&#92;" in page


def test_clinic_text_is_escaped_too():
    odd = dataclasses.replace(CLINICS[0], name="A & B <b>", address=("1 `High` St ${x}",))
    page = map_page(clinics=[odd])
    assert "A &amp; B &lt;b&gt;" in page
    assert "1 &#96;High&#96; St &#36;{x}" in page


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_map_script_is_valid_javascript_whatever_the_label(sent, tmp_path):
    # A syntax error would leave the map's frame blank without a message.
    show_map(CLINICS, search_pin(label=NASTY_LABEL), catchment=CATCHMENT, key="the_map")
    for part, text in {"script": sent[0]["script"], "feature_group": sent[0]["feature_group"],
                       "clinic-map": MAP_SCRIPT}.items():
        script = tmp_path / f"{part}.js"
        script.write_text(text)
        result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, (part, result.stderr)


def _fits(page: str) -> list[list[list[float]]]:
    """The boxes the map fits its view to, in order (the base map's, then the search's)."""
    return [options["bounds"] for options in _calls(page, "fitView")]


def test_a_search_zooms_to_fit_the_searched_place_and_the_chosen_clinic():
    searched = search_pin()
    page = map_page(searched=searched)
    clinic = BY_ID[searched.clinic_id]
    south, north = sorted([searched.lat, clinic.lat])
    west, east = sorted([searched.lon, clinic.lon])
    assert len(_fits(page)) == 2
    assert _fits(page)[-1] == [[south, west], [north, east]]
    assert re.search(rf"L\.circleMarker\(\s*\[{searched.lat}, {searched.lon}\]", page)
    # The chosen clinic's name and the searched label are shown without a click.
    assert re.search(rf"{re.escape(clinic.name)}\s*</div>`,\s*\{{\s*\"permanent\": true", page)
    assert re.search(r"SW1A 1AA\s*</div>`,\s*\{\s*\"permanent\": true", page)


def test_a_search_at_the_clinic_s_own_postcode_labels_both_and_places_them_once_styled():
    """SL6 8DG is the Maidenhead clinic's postcode: both points coincide.

    Both labels are still shown (the clinic's beside its pin, the search's
    below its dot), and the map places its open labels again when a
    stylesheet loads: st_folium runs the map script before leaflet.css has
    loaded, and labels measured unstyled land at or past the map's left edge.
    tests/browser/test_map_frame.py checks the placing in a browser.
    """
    maidenhead = (BY_ID["maidenhead"].lat, BY_ID["maidenhead"].lon)
    searched = search_pin(label="SL6 8DG", clinic_id="maidenhead", lat=maidenhead[0], lon=maidenhead[1])
    page = map_page(searched=searched)
    assert page == map_page(searched=searched)
    assert _fits(page)[-1] == [list(maidenhead), list(maidenhead)]
    assert re.search(r"Maidenhead\s*</div>`,\s*\{\s*\"permanent\": true", page)
    assert re.search(r"SL6 8DG\s*</div>`,\s*\{\s*\"permanent\": true", page)
    assert page.count('"permanent": true') == 2
    assert page.index("clinicMap.placeLabelsOnceStyled(") > page.index("clinicMap.fitView(")
    assert 'link.addEventListener("load", place)' in MAP_SCRIPT and "tooltip.update()" in MAP_SCRIPT


def test_without_a_search_the_map_fits_all_the_clinics():
    page = map_page()
    lats = [c.lat for c in CLINICS]
    lons = [c.lon for c in CLINICS]
    assert _fits(page) == [[[min(lats), min(lons)], [max(lats), max(lons)]]] * 2
    assert "circleMarker" not in page
    assert '"permanent": true' not in page


def test_a_long_label_is_shortened_on_the_map_but_whole_in_its_popup():
    label = "Flat 12, " + "Very Long Street Name " * 5 + "SW1A 1AA"
    page = map_page(searched=search_pin(label=label))
    assert html.escape(label) in page
    assert re.search(r"Flat 12, Very Long Street Name Very\u2026\s*</div>`", page)


@pytest.mark.parametrize(
    ("searched", "message"),
    [
        (search_pin(clinic_id="leeds"), "not one of the clinics"),
        (search_pin(lat=91.0), "finite"),
        (search_pin(lon=float("nan")), "finite"),
    ],
)
def test_a_search_the_map_cannot_show_is_refused_with_a_reason(searched, message):
    # The clinics themselves were checked when they were read (tests/test_clinics.py).
    with pytest.raises(ValueError, match=message):
        search_layer(CLINICS, searched)


def test_a_catchment_colour_that_is_not_a_colour_is_refused():
    odd = Catchment(((512, "a.webp"),), "a.json", ((49, -11), (61, 2)), (("Amersham", "red;background:url(x)", "red"),))
    with pytest.raises(ValueError, match="#E69F00"):
        build_map(CLINICS, odd)


def test_the_legend_names_each_clinic_s_colour_in_words_in_the_map_and_in_a_sentence():
    legend = layers.legend_html(CATCHMENT)
    assert str(jinja2.utils.htmlsafe_json_dumps(legend)) in map_page()
    for name, colour, words in CATCHMENT.legend:
        assert f'background:{colour}"></span>{words.capitalize()}: {name}</li>' in legend
        assert f"{words} for {name}" in CATCHMENT.sentence()
    assert '<input type="checkbox" checked> Who goes where' in legend


def test_a_map_that_cannot_be_drawn_says_so_plainly_and_keeps_the_reason_for_the_log():
    with pytest.raises(MapDataError) as raised:
        search_layer(CLINICS, search_pin(clinic_id="leeds"))
    assert raised.value.message == messages.MAP_UNAVAILABLE
    assert "not one of the clinics" in raised.value.detail


def test_each_pin_carries_the_clinic_s_number_as_dialled_in_its_own_country():
    dialled = {c.phone_display for c in CLINICS}
    assert {"0800 783 6106", "01 293 7839"} <= dialled
    assert all(re.fullmatch(r"tel:\+[0-9]{8,15}", pin.phone_tel) for pin in CLINICS)
