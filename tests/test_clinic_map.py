"""The clinic map lists only the app's own JS/CSS, shows every clinic's contact
details, never runs a searched label as HTML or code, and fits the search.

The clinics are the real ones, however many the clinics file lists, as the
view model hands them to the map.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import folium
import folium.plugins
import pytest
import streamlit_folium

from components import clinic_map
from components.clinic_map import FRAME_ASSET_BASE, build_map, check_local_links, listed_links, show_map
from components.view import SearchPin, clinic_pins
from locator import Locator, messages
from locator.clinics import clinics_path, read_sites
from locator.errors import MapDataError
from locator.model import Region

REPO_ROOT = Path(__file__).resolve().parent.parent
STATIC = REPO_ROOT / "static"
VENDOR = STATIC / "vendor"
HOSTILE_LABEL = "<script>alert(1)</script>"
# Everything that could break out of HTML or of the JS template literal folium
# wraps popup and tooltip HTML in, and set a flag if it ran.
NASTY_LABEL = (
    '<img src=x onerror="window.__xss=1"></script><script>window.__xss=2</script>'
    "${window.__xss=3}`;window.__xss=4;`\\u00 \\"
)
OSM_HOSTS = {"tile.openstreetmap.org", "www.openstreetmap.org"}


CORE_CLINICS = Locator.load().clinics
CLINICS = clinic_pins(CORE_CLINICS)
BY_ID = {c.id: c for c in CLINICS}
# A clinic that takes patients from Great Britain, for searches made there.
ENGLISH = BY_ID[next(c.id for c in CORE_CLINICS if Region.GREAT_BRITAIN in c.serves)]


def _search(label: str = "SW1A 1AA", clinic_id: str = ENGLISH.id, lat: float = 51.50101, lon: float = -0.14156):
    return SearchPin(lat=lat, lon=lon, label=label, clinic_id=clinic_id)


def _page(clinics=CLINICS, searched=None) -> str:
    return build_map(clinics, searched).get_root().render()


@pytest.fixture
def sent(monkeypatch):
    """What show_map hands to st_folium's frontend: a list of the component calls' arguments."""
    calls: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: calls.append(kwargs) or {})
    return calls


def _is_local(url: str) -> bool:
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE)


def _vendored_file(url: str) -> Path:
    """The file under static/ that a FRAME_ASSET_BASE URL is served from."""
    assert url.startswith(FRAME_ASSET_BASE + "/"), url
    return STATIC / "vendor" / url.removeprefix(FRAME_ASSET_BASE + "/")


# --- only the app's own files -----------------------------------------------------------


def test_the_map_is_given_every_clinic_in_the_clinics_file_in_order():
    assert [c.id for c in CLINICS] == [site.id for site in read_sites(clinics_path())]
    assert all(c.phone_tel.startswith("tel:+") for c in CLINICS)


@pytest.mark.parametrize("searched", [None, _search()], ids=["no search", "search"])
def test_the_map_lists_only_vendored_files(searched):
    js, css = listed_links(build_map(CLINICS, searched))
    assert js == [
        f"{FRAME_ASSET_BASE}/leaflet-{clinic_map.LEAFLET_VERSION}/leaflet.js",
        f"{FRAME_ASSET_BASE}/jquery-{clinic_map.JQUERY_VERSION}/jquery.min.js",
    ]
    assert css == [f"{FRAME_ASSET_BASE}/leaflet-{clinic_map.LEAFLET_VERSION}/leaflet.css"]
    for url in js + css:
        assert _vendored_file(url).is_file(), url


@pytest.mark.parametrize("searched", [None, _search()], ids=["no search", "search"])
def test_the_rendered_page_loads_scripts_and_styles_only_from_the_app(searched):
    page = _page(searched=searched)
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]*)\"", page)
    styles = re.findall(r"<link\b[^>]*\bhref=\"([^\"]*)\"", page)
    assert scripts and styles
    assert all(_is_local(u) for u in scripts + styles), scripts + styles
    assert "@import" not in page
    # Every absolute URL left is OpenStreetMap's: the tile template and the attribution link.
    hosts = set(re.findall(r"https?://([^/\"'\s]+)", page))
    assert hosts <= OSM_HOSTS, hosts


def test_st_folium_is_given_only_local_links_and_no_other_urls(sent):
    show_map(CLINICS, _search(), key="the_map")
    (args,) = sent
    assert args["js_links"] == [
        f"{FRAME_ASSET_BASE}/leaflet-{clinic_map.LEAFLET_VERSION}/leaflet.js",
        f"{FRAME_ASSET_BASE}/jquery-{clinic_map.JQUERY_VERSION}/jquery.min.js",
    ]
    assert args["css_links"] == [f"{FRAME_ASSET_BASE}/leaflet-{clinic_map.LEAFLET_VERSION}/leaflet.css"]
    # The frame also appends `header` to its <head> and runs `script`: nothing there may
    # load anything either, and the only hosts named are OpenStreetMap's.
    for part in ("header", "html", "script"):
        text = args[part]
        assert not re.search(r"<script\b[^>]*\bsrc=|<link\b|@import", text, re.IGNORECASE), part
        assert set(re.findall(r"https?://([^/\"'\s]+)", text)) <= OSM_HOSTS, part
    assert 'L.Icon.Default.imagePath = "../../app/static/vendor/leaflet-1.9.4/images/"' in args["script"]
    for png in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert (VENDOR / f"leaflet-{clinic_map.LEAFLET_VERSION}" / "images" / png).is_file()


def test_st_folium_sends_nothing_back_and_fills_the_width(sent):
    show_map(CLINICS, None, key="the_map", height=420)
    (args,) = sent
    assert args["returned_objects"] == []
    assert args["default"] == {}
    assert args["width"] is None  # use_container_width
    assert args["height"] == 420


def test_an_unchanged_map_is_sent_unchanged_so_the_frame_keeps_it(sent):
    # st_folium's frame is keyed on a hash of the map's code: equal code, same frame,
    # no rebuild. Equal arguments also let Streamlit treat the element as unchanged.
    show_map(CLINICS, _search(), key="the_map")
    show_map(CLINICS, _search(), key="the_map")
    show_map(CLINICS, _search(label="SL6 8DG", lat=51.52339, lon=-0.70442), key="the_map")
    first, second, other = ({k: v for k, v in call.items() if k != "on_change"} for call in sent)
    assert first == second
    assert other["key"] != first["key"]
    assert other["script"] != first["script"]


def test_the_same_arguments_render_the_same_page():
    assert _page(searched=_search()) == _page(searched=_search())


def test_folium_defaults_are_left_alone():
    before = (list(folium.Map.default_js), list(folium.Map.default_css))
    build_map(CLINICS, _search())
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
    assert {"leaflet-1.9.4/LICENSE", "jquery-3.7.1/LICENSE.txt"} <= on_disk


def test_static_serving_is_on_and_usage_stats_off():
    with (REPO_ROOT / ".streamlit" / "config.toml").open("rb") as f:
        config = tomllib.load(f)
    assert config["server"]["enableStaticServing"] is True
    assert config["browser"]["gatherUsageStats"] is False


# --- what the map shows -----------------------------------------------------------------


@pytest.mark.parametrize("searched", [None, _search()], ids=["no search", "search"])
def test_every_clinic_has_a_marker_with_its_contact_popup(searched):
    page = _page(searched=searched)
    assert page.count("L.marker(") == len(CLINICS)
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
    page = _page(searched=_search(label=HOSTILE_LABEL))
    assert HOSTILE_LABEL not in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # in the popup and the label


def test_labels_cannot_break_out_of_folium_s_template_literals():
    page = _page(searched=_search(label=NASTY_LABEL))
    assert "${" not in page
    assert "window.__xss" in page  # shown as text...
    assert "<img" not in page and "</script><script>" not in page  # ...never as markup
    assert "&#96;" in page and "&#36;" in page and "&#92;" in page


def test_clinic_text_is_escaped_too():
    odd = dataclasses.replace(CLINICS[0], name="A & B <b>", address=("1 `High` St ${x}",))
    page = _page(clinics=[odd])
    assert "A &amp; B &lt;b&gt;" in page
    assert "1 &#96;High&#96; St &#36;{x}" in page


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_map_script_is_valid_javascript_whatever_the_label(sent, tmp_path):
    # A syntax error would leave the map's frame blank without a message.
    show_map(CLINICS, _search(label=NASTY_LABEL), key="the_map")
    script = tmp_path / "map.js"
    script.write_text(sent[0]["script"])
    result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_search_zooms_to_fit_the_searched_place_and_the_chosen_clinic():
    searched = _search()
    page = _page(searched=searched)
    clinic = BY_ID[searched.clinic_id]
    south, north = sorted([searched.lat, clinic.lat])
    west, east = sorted([searched.lon, clinic.lon])
    fit = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", page, re.DOTALL)
    assert fit and fit.group(1) == f"[[{south}, {west}], [{north}, {east}]]"
    assert page.count(".fitBounds(") == 1
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
    searched = _search(label="SL6 8DG", clinic_id="maidenhead", lat=maidenhead[0], lon=maidenhead[1])
    page = _page(searched=searched)
    assert page == _page(searched=searched)
    fit = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", page, re.DOTALL)
    assert fit and fit.group(1) == f"[[{maidenhead[0]}, {maidenhead[1]}], [{maidenhead[0]}, {maidenhead[1]}]]"
    assert re.search(r"Maidenhead\s*</div>`,\s*\{\s*\"permanent\": true", page)
    assert re.search(r"SL6 8DG\s*</div>`,\s*\{\s*\"permanent\": true", page)
    assert page.count('"permanent": true') == 2
    placing = page.index('link.addEventListener("load", place)')
    assert placing > page.rindex(".bindTooltip(") and placing > page.index(".fitBounds(")
    assert "tooltip.update()" in page


def test_without_a_search_the_map_fits_all_the_clinics():
    page = _page()
    lats = [c.lat for c in CLINICS]
    lons = [c.lon for c in CLINICS]
    fit = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", page, re.DOTALL)
    assert fit and fit.group(1) == f"[[{min(lats)}, {min(lons)}], [{max(lats)}, {max(lons)}]]"
    assert "circleMarker" not in page
    assert '"permanent": true' not in page


def test_a_long_label_is_shortened_on_the_map_but_whole_in_its_popup():
    label = "Flat 12, " + "Very Long Street Name " * 5 + "SW1A 1AA"
    page = _page(searched=_search(label=label))
    assert html.escape(label) in page
    assert re.search(r"Flat 12, Very Long Street Name Very\u2026\s*</div>`", page)


@pytest.mark.parametrize(
    ("clinics", "searched", "message"),
    [
        ([], None, "at least one clinic"),
        (CLINICS + CLINICS[:1], None, "unique"),
        ([dataclasses.replace(CLINICS[0], lat=float("nan"))], None, "finite"),
        (CLINICS, _search(clinic_id="leeds"), "not one of the clinics"),
        (CLINICS, _search(lat=91.0), "finite"),
        ([dataclasses.replace(CLINICS[0], phone_tel="javascript:alert(1)")], None, "tel:"),
        ([dataclasses.replace(CLINICS[0], email="x@y.com?cc=z@w.com")], None, "email"),
    ],
)
def test_bad_input_is_refused_with_a_reason(clinics, searched, message):
    with pytest.raises(ValueError, match=message):
        build_map(clinics, searched)


def test_a_map_that_cannot_be_drawn_says_so_plainly_and_keeps_the_reason_for_the_log():
    with pytest.raises(MapDataError) as raised:
        build_map([])
    assert raised.value.message == messages.MAP_UNAVAILABLE
    assert "at least one clinic" in raised.value.detail


def test_each_pin_carries_the_clinic_s_number_as_dialled_in_its_own_country():
    dialled = {c.phone_display for c in CLINICS}
    assert {"0800 783 6106", "01 293 7839"} <= dialled
    assert all(re.fullmatch(r"tel:\+[0-9]{8,15}", pin.phone_tel) for pin in CLINICS)
