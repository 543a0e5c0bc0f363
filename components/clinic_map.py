"""The clinic map: drawn from the app's own files, built once, updated in place.

The base map is the same on every run: the land and sea of the places the
clinics serve (``static/map/land.geojson``), who goes where (the catchment
picture built with the index, see ``locator/map_layers.py``) with its legend,
the main towns' names, and every clinic's marker and popup. Because it does
not change, ``st_folium`` keeps it mounted; a search only replaces one small
layer (``feature_group_to_add``): the searched place, a ring round its clinic,
and a move of the view to fit both.

Every script, stylesheet, image and data file the map loads comes from the
app's own origin (``static/``, served at ``/app/static/``). Map tiles are drawn
over the background only when an operator configures them in
``data/map.toml``; nothing here names a tile server.
See ``docs/adr/0003-map-assets-served-locally.md`` and
``docs/adr/0007-map-drawn-offline-and-updated-in-place.md``.

This module draws; it does not locate. It takes positions as given and
computes nothing but the box around the points it shows.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Protocol, Sequence

import branca.colormap
import folium
import folium.elements
import streamlit as st
import streamlit_folium
from branca.element import Element, MacroElement
from folium.template import Template

from components.text import md as _md
from locator import messages
from locator.clinics import EMAIL_ADDRESS
from locator.errors import MapDataError

LEAFLET_VERSION = "1.9.4"
JQUERY_VERSION = "3.7.1"

#: The vendored files as seen from st_folium's frame. The frame's document is
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

DEFAULT_HEIGHT = 450

# Room round the fitted points, in pixels: (left, top) and (right, bottom).
# A marker's pin stands 41 px above its point; the searched place's label
# hangs below it, above the attribution line.
_FIT_PADDING_TOP_LEFT = (40, 60)
_FIT_PADDING_BOTTOM_RIGHT = (40, 80)
# The searched place's always-shown label is cut to this many characters
# (its popup shows all of it).
_LABEL_MAX_CHARS = 40
# Fitting a search made at the clinic's own postcode would otherwise zoom to
# street level, where the two points sit on top of each other.
_FIT_MAX_ZOOM = 12
# Without tiles there is nothing finer to see than the coast and the catchment's pixels.
_MAX_ZOOM = 13
_MIN_ZOOM = 5
# Panning stops a little way beyond the British Isles.
_MAX_BOUNDS = [[46.5, -17.0], [62.5, 7.0]]
# Black with a white ring: told apart from every catchment colour and from the land.
_SEARCHED_COLOUR = "#1b1b1b"
_SEA = "#b7d3e8"
_LAND = "#f3f0e8"
_COAST = "#8f9aa3"


class MapClinic(Protocol):
    """What the map needs to know about one clinic (:class:`components.view.ClinicPin` fits)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def address(self) -> Sequence[str]: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def phone_display(self) -> str: ...
    @property
    def phone_tel(self) -> str: ...
    @property
    def email(self) -> str: ...


class MapSearch(Protocol):
    """What the map needs to know about a search (:class:`components.view.SearchPin` fits)."""

    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def label(self) -> str: ...
    @property
    def clinic_id(self) -> str: ...


class MapTiles(Protocol):
    """An operator's tile service (``locator.map_layers.Tiles`` fits): drawn over the background."""

    @property
    def url(self) -> str: ...
    @property
    def attribution(self) -> str: ...
    @property
    def subdomains(self) -> str: ...
    @property
    def max_zoom(self) -> int: ...
    @property
    def host(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Catchment:
    """Who goes where, as ``locator.map_layers`` built it: the picture, its legend, the towns.

    ``png_url`` and ``data_url`` (``layers.json``, which also lists the towns
    to label) are relative to the map's frame; ``bounds`` is ``((south, west),
    (north, east))`` in degrees; ``legend`` is ``(clinic name, colour as hex,
    colour in words)`` for each clinic, in the clinics' order.
    """

    png_url: str
    data_url: str
    bounds: tuple[tuple[float, float], tuple[float, float]]
    legend: tuple[tuple[str, str, str], ...]

    @classmethod
    def from_built(cls, layers: Any, folder: str = f"{FRAME_STATIC}/map/build") -> Catchment:
        """From ``locator.map_layers.load()``'s dict. The URLs carry its fingerprint, so a rebuilt
        picture is never taken from a browser's cache."""
        version = f"?v={layers['fingerprint'][:16]}"
        (south, west), (north, east) = layers["bounds"]
        return cls(
            png_url=f"{folder}/{layers['png']}{version}",
            data_url=f"{folder}/layers.json{version}",
            bounds=((float(south), float(west)), (float(north), float(east))),
            legend=tuple((c["name"], c["colour"], c["colour_name"]) for c in layers["clinics"]),
        )

    def sentence(self) -> str:
        """The legend in words, for the page beside the map."""
        parts = [f"{colour_name} for {name}" for name, _, colour_name in self.legend]
        return ("Who goes where: each area of the map is shaded in the colour of the clinic "
                "its patients go to (" + ", ".join(parts) + "); a dot is a postcode.")


def asset_links(
    asset_base: str = FRAME_ASSET_BASE,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The map's ``(js, css)`` links as folium lists them: ``(name, url)`` pairs.

    The names are folium's own, so nothing is listed twice.
    """
    leaflet = f"{asset_base}/leaflet-{LEAFLET_VERSION}"
    jquery = f"{asset_base}/jquery-{JQUERY_VERSION}"
    js = [("leaflet", f"{leaflet}/leaflet.js"), ("jquery", f"{jquery}/jquery.min.js")]
    css = [("leaflet_css", f"{leaflet}/leaflet.css")]
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


def check_local_links(m: folium.Map, asset_base: str = FRAME_ASSET_BASE) -> None:
    """Raise :class:`~locator.errors.MapDataError` unless every listed JS/CSS link is a vendored file under ``asset_base``."""
    js, css = listed_links(m)
    foreign = [url for url in js + css if not _is_local(url, asset_base)]
    if foreign:
        raise _unmappable(
            "The map lists files that are not served by the app itself: "
            + ", ".join(foreign)
            + ". Vendor them under static/vendor (see static/vendor/README.md) "
            "and list the local copies instead."
        )


def build_map(
    clinics: Iterable[MapClinic],
    catchment: Catchment | None = None,
    tiles: MapTiles | None = None,
    *,
    asset_base: str = FRAME_ASSET_BASE,
) -> folium.Map:
    """The base map: background, who goes where, town names, and every clinic's marker.

    It fits all the clinics. Every clinic's marker opens a popup with its
    name, address, phone (a ``tel:`` link) and email (a ``mailto:`` link), and
    shows its name on hover. All text is escaped. ``catchment`` adds the
    who-goes-where picture, its legend (with a switch) and the town labels;
    ``tiles`` draws an operator's tiles over the land.

    The same arguments always give the same map, byte for byte, so
    ``st_folium`` keeps the map it has. Build a fresh map for every draw:
    ``st_folium`` renames the elements of the map it is given.

    Raises :class:`~locator.errors.MapDataError` (a ``ValueError``) for no
    clinics, repeated clinic ids, a position that is not a finite
    latitude/longitude, or a phone/email that would not make a
    ``tel:``/``mailto:`` link.
    """
    clinics = list(clinics)
    if not clinics:
        raise _unmappable("build_map needs at least one clinic.")
    ids = [c.id for c in clinics]
    if len(set(ids)) != len(ids):
        raise _unmappable(f"Clinic ids must be unique, got {ids}.")
    where = {c.id: _position(c.lat, c.lon, f"clinic {c.id!r}") for c in clinics}
    south, west, north, east = _box(where.values())

    max_zoom = max(_MAX_ZOOM, tiles.max_zoom) if tiles is not None else _MAX_ZOOM
    m = _stable(
        _Map(location=((south + north) / 2, (west + east) / 2), zoom_start=6, tiles=None,
             min_zoom=_MIN_ZOOM, max_zoom=max_zoom, max_bounds=True,
             min_lat=_MAX_BOUNDS[0][0], min_lon=_MAX_BOUNDS[0][1],
             max_lat=_MAX_BOUNDS[1][0], max_lon=_MAX_BOUNDS[1][1]),
        "map",
    )
    # Instance attributes: folium's class-level lists (its CDN links) stay untouched.
    m.default_js, m.default_css = asset_links(asset_base)

    m.add_child(_stable(_DefaultIconPath(f"{asset_base}/leaflet-{LEAFLET_VERSION}/images/"), "icon-path"))
    m.add_child(_stable(_Background(LAND_URL, catchment), "background"))
    if tiles is not None:
        m.add_child(_stable(folium.TileLayer(tiles.url, attr=tiles.attribution, name="tiles",
                                             subdomains=tiles.subdomains, max_zoom=tiles.max_zoom,
                                             max_native_zoom=tiles.max_zoom), "tiles"))

    markers = []
    for c in clinics:
        marker = _stable(folium.Marker(location=where[c.id], alt=c.name), "marker", c.id)
        marker.add_child(_popup(_clinic_popup_html(c), "clinic", c.id))
        marker.add_child(_stable(folium.Tooltip(_text(c.name), sticky=False), "tooltip", c.id))
        m.add_child(marker)
        markers.append(marker)
    m.add_child(_stable(_SpreadMarkers(markers), "spread"))

    m.add_child(_stable(_FitView([[south, west], [north, east]]), "fit"))
    # Last, so that it runs after every tooltip has been added.
    m.add_child(_stable(_PlaceLabelsOnceStyled(), "place-labels"))
    return m


def search_layer(clinics: Iterable[MapClinic], searched: MapSearch | None, view: int = 0) -> folium.FeatureGroup:
    """What a search adds to the base map, as one layer that replaces the previous search's.

    With a search: the searched place (a dot, labelled, whose popup says what
    was searched), a labelled ring round the clinic it goes to, and a move of
    the view to fit both. Without one: only a move back to all the clinics.
    ``view`` numbers the search, so that searching the same place again (after
    panning away) still moves the view back: ``st_folium`` skips a layer
    identical to the one it has.

    Raises ``ValueError`` for a ``searched.clinic_id`` that is not one of the
    clinics or a position that is not a finite latitude/longitude.
    """
    clinics = list(clinics)
    where = {c.id: _position(c.lat, c.lon, f"clinic {c.id!r}") for c in clinics}
    group = _stable(folium.FeatureGroup(name="search", control=False), "search")
    if searched is None:
        group.add_child(_stable(_FitView([list(p) for p in _corners(where.values())]), "search-fit"))
        return group

    searched_at = _position(searched.lat, searched.lon, "the searched place")
    chosen = next((c for c in clinics if c.id == searched.clinic_id), None)
    if chosen is None:
        raise _unmappable(
            f"searched.clinic_id {searched.clinic_id!r} is not one of the clinics ({', '.join(where)})."
        )
    ring = _stable(
        folium.CircleMarker(location=where[chosen.id], radius=22, color=_SEARCHED_COLOUR, weight=3,
                            fill=False, interactive=False),
        "chosen", chosen.id,
    )
    ring.options["interactive"] = False  # folium drops it from the arguments; the dot is what opens a popup
    ring.add_child(_stable(folium.Tooltip(_text(chosen.name), permanent=True, sticky=False,
                                          direction="right", offset=(22, 0)), "tooltip", "chosen"))
    group.add_child(ring)

    point = _stable(
        folium.CircleMarker(location=searched_at, radius=10, color="#ffffff", weight=3, fill=True,
                            fill_color=_SEARCHED_COLOUR, fill_opacity=1.0),
        "searched",
    )
    point.add_child(
        _popup(
            f'<div class="searched-popup"><strong>You searched for</strong><br>{_text(searched.label)}</div>',
            "searched",
        )
    )
    label = folium.Tooltip(
        _text(_shortened(searched.label)), permanent=True, direction="bottom", offset=(0, 10), sticky=False
    )
    point.add_child(_stable(label, "tooltip", "searched"))
    group.add_child(point)
    group.add_child(_stable(_FitView([list(p) for p in _corners([searched_at, where[chosen.id]])], view),
                            "search-fit"))
    return group


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
    The base map (:func:`build_map`) is the same on every run: it is rendered
    once per process and its frame in the browser is kept. Only
    :func:`search_layer` is rendered on each run, and the frame swaps it in
    place. The map sends nothing back (``returned_objects=[]``), so panning,
    zooming and clicking never rerun the app.
    """
    clinics = list(clinics)
    base = _base_frame(clinics, catchment, tiles, key, height)
    view = 0
    if searched is not None:
        # Counts the searches drawn in this session: each one moves the view, even to the same place.
        view = st.session_state.get(f"{key}-view", 0) + 1
        st.session_state[f"{key}-view"] = view
    layer = _layer_script(search_layer(clinics, searched, view))
    with st.container(key=f"{key}-frame"):
        streamlit_folium._component_func(**base, feature_group=layer)


def show_map_notes(catchment: Catchment | None, tiles: MapTiles | None) -> None:
    """Beside the map, in text: who goes where in words, and where the map comes from (privacy)."""
    if catchment is not None:
        st.caption(_md(catchment.sentence()))
    if tiles is None:
        st.caption("Privacy: this map is drawn by this site alone. Nothing you search for, and no part "
                   "of the map you look at, is sent to anyone else.")
    else:
        st.caption(_md(f"Privacy: the map's background pictures (tiles) come from {tiles.host}, which can "
                       "tell which part of the map you look at, though not what you searched for."))


# --- what st_folium's frame is sent ------------------------------------------------------
#
# st_folium(map, feature_group_to_add=layer) renders the whole folium map on every call
# (about 50 Jinja templates compiled: ~20 ms of a search's server time, measured with
# cProfile). Ours is the same on every run, so its part of the frame's arguments is
# computed once, the way st_folium computes it, and only the search layer is rendered
# per run. tests/test_clinic_map.py checks that the result equals st_folium's own.

_BASE_FRAMES: dict[tuple, dict[str, Any]] = {}


def _base_frame(clinics: list[MapClinic], catchment: Catchment | None, tiles: MapTiles | None,
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


def _layer_script(layer: folium.FeatureGroup) -> str:
    """The search layer's script as st_folium sends ``feature_group_to_add``.

    Rendered against an empty map named as st_folium names every map in its
    frame (``map_div``), so the base map need not be rendered again.
    """
    stand_in = _Map(tiles=None)
    stand_in._id = "div"
    folium.Figure().add_child(stand_in)
    return streamlit_folium._get_feature_group_string(layer, map=stand_in, idx=0)


def _clinic_fields(c: MapClinic) -> tuple:
    return (c.id, c.name, tuple(c.address), c.lat, c.lon, c.phone_display, c.phone_tel, c.email)


def _tile_fields(tiles: MapTiles | None) -> tuple | None:
    return None if tiles is None else (tiles.url, tiles.attribution, tiles.subdomains, tiles.max_zoom)


# --- helpers ---------------------------------------------------------------------------

_VIEWPORT_META = re.compile(r"<meta name=\"viewport\"[^>]*>", re.DOTALL)
_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class _Map(folium.Map):
    """folium's Map without its ``<meta name="viewport" ... user-scalable=no>``.

    That tag would stop people zooming the frame with their fingers (WCAG 1.4.4);
    st_folium's own page already has ``width=device-width,initial-scale=1``.
    """

    def render(self, **kwargs: Any) -> None:
        super().render(**kwargs)
        header = self.get_root().header
        name = self.get_name()
        if name in header._children:
            scrubbed = _VIEWPORT_META.sub("", header._children[name].render())
            header.add_child(Element(scrubbed), name=name)


class _Background(MacroElement):
    """The map's own background, from the app's files: land and sea, who goes where, towns.

    Also names the frame (its ``<iframe title>``), makes the controls big
    enough to tap, and adds the legend, whose switch turns who-goes-where off
    and on. The land and the town list are fetched from the app (same origin),
    so the browser downloads them once and caches them, instead of their
    being sent with the map on every run.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-container { background: {{ this.sea }};
                               font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
          /* WCAG 2.2 target size: the zoom buttons 44 x 44 CSS px, every other control at least 24. */
          .leaflet-bar a, .leaflet-touch .leaflet-bar a { width: 44px; height: 44px; line-height: 44px; font-size: 22px; }
          .leaflet-container a.leaflet-popup-close-button { width: 32px; height: 32px; font: 24px/32px Tahoma, sans-serif; }
          .catchment-legend { background: rgba(255, 255, 255, 0.94); color: #1b1b1b; padding: 0 10px 6px;
                              border-radius: 6px; box-shadow: 0 1px 5px rgba(0, 0, 0, 0.35); font-size: 12px; }
          .catchment-switch { display: flex; align-items: center; gap: 8px; min-height: 44px; cursor: pointer;
                              font-weight: 600; }
          .catchment-switch input { width: 24px; height: 24px; margin: 0; cursor: pointer; }
          .catchment-key { list-style: none; margin: 0; padding: 0; }
          .catchment-key li { display: flex; align-items: center; gap: 6px; line-height: 20px; }
          .catchment-swatch { width: 14px; height: 14px; border-radius: 3px; border: 1px solid rgba(0, 0, 0, 0.45);
                              flex: none; }
          .catchment-legend.off .catchment-key { display: none; }
          .town-name { position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
                       font-size: 11px; color: #2b2b2b; pointer-events: none;
                       text-shadow: 0 0 3px #fff; }
        </style>
        {% endmacro %}

        {% macro script(this, kwargs) %}
            (function (map) {
                var title = {{ this.title|tojson }};
                document.title = title;
                // Same origin, so the frame can name its own <iframe> for screen readers.
                if (window.frameElement) { window.frameElement.setAttribute("title", title); }
                map.getContainer().setAttribute("aria-label", title);
                [["land", 150], ["catchment", 250], ["towns", 450]].forEach(function (pane) {
                    map.createPane(pane[0]).style.zIndex = pane[1];
                });
                map.getPane("towns").setAttribute("aria-hidden", "true");
                map.attributionControl.addAttribution({{ this.credit|tojson }});
                function json(url) {
                    return fetch(url).then(function (r) {
                        if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
                        return r.json();
                    });
                }
                json({{ this.land_url|tojson }}).then(function (land) {
                    // Canvas: one picture to redraw at a new zoom, not thousands of SVG path points.
                    L.geoJSON(land, {pane: "land", interactive: false, renderer: L.canvas({pane: "land"}),
                                     style: {color: {{ this.coast|tojson }}, weight: 1, opacity: 1,
                                             fillColor: {{ this.land|tojson }}, fillOpacity: 1}}).addTo(map);
                    map.getContainer().setAttribute("data-land", "drawn");
                });
            {%- if this.catchment %}
                var catchment = L.imageOverlay({{ this.catchment.png_url|tojson }}, {{ this.catchment.bounds|tojson }},
                                               {pane: "catchment", interactive: false, alt: ""}).addTo(map);
                // Zoomed in to streets, the picture's 430 m squares are coarse: let the land and names show through.
                function fade() { catchment.setOpacity(map.getZoom() >= 10 ? 0.45 : 1); }
                map.on("zoomend", fade);
                fade();
                var Legend = L.Control.extend({
                    options: {position: "topright"},
                    onAdd: function () {
                        var box = L.DomUtil.create("div", "catchment-legend leaflet-control");
                        box.innerHTML = {{ this.legend_html|tojson }};
                        var input = box.querySelector("input");
                        input.addEventListener("change", function () {
                            if (input.checked) { catchment.addTo(map); } else { catchment.remove(); }
                            box.classList.toggle("off", !input.checked);
                        });
                        L.DomEvent.disableClickPropagation(box);
                        L.DomEvent.disableScrollPropagation(box);
                        return box;
                    }
                });
                new Legend().addTo(map);
                // Town names: plain text in their own pane (not markers: nothing to click or tab to),
                // each from the zoom at which it no longer crowds a bigger town's name.
                var TownNames = L.Layer.extend({
                    initialize: function (towns, options) { this._towns = towns; L.setOptions(this, options); },
                    onAdd: function () {
                        this._box = L.DomUtil.create("div", "town-names leaflet-zoom-hide", this.getPane());
                        this._map.on("moveend viewreset", this._draw, this);
                        this._draw();
                    },
                    onRemove: function () {
                        this._map.off("moveend viewreset", this._draw, this);
                        L.DomUtil.remove(this._box);
                    },
                    _draw: function () {
                        // Only the names in view (and a margin), so that a redraw stays cheap.
                        var map = this._map, zoom = map.getZoom(), box = this._box;
                        var view = map.getBounds().pad(0.25);
                        box.textContent = "";
                        this._towns.forEach(function (town) {
                            if (town[3] > zoom || !view.contains([town[1], town[2]])) { return; }
                            var at = map.latLngToLayerPoint([town[1], town[2]]);
                            var name = L.DomUtil.create("span", "town-name", box);
                            name.textContent = town[0];
                            name.style.left = at.x + "px";
                            name.style.top = at.y + "px";
                        });
                    }
                });
                json({{ this.catchment.data_url|tojson }}).then(function (data) {
                    new TownNames(data.towns, {pane: "towns"}).addTo(map);
                    map.getContainer().setAttribute("data-towns", "drawn");
                });
            {%- endif %}
            })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, land_url: str, catchment: Catchment | None) -> None:
        super().__init__()
        self._name = "Background"
        self.land_url = land_url
        self.title = FRAME_TITLE
        self.sea, self.land, self.coast = _SEA, _LAND, _COAST
        self.credit = _BACKGROUND_CREDIT if catchment is None else _BACKGROUND_CREDIT + _CATCHMENT_CREDIT
        self.catchment = catchment
        self.legend_html = _legend_html(catchment) if catchment is not None else ""


# Short, for the map's corner; the footer has every source's full attribution.
_BACKGROUND_CREDIT = "Natural Earth"
_CATCHMENT_CREDIT = ", GeoNames, OS data © Crown copyright"


def _legend_html(catchment: Catchment) -> str:
    rows = []
    for name, colour, colour_name in catchment.legend:
        if not _HEX_COLOUR.fullmatch(colour):
            raise _unmappable(f"Catchment colour for {name!r} must look like '#E69F00', got {colour!r}.")
        rows.append(f'<li><span class="catchment-swatch" style="background:{colour}"></span>'
                    f"{_text(colour_name.capitalize())}: {_text(name)}</li>")
    return ('<label class="catchment-switch"><input type="checkbox" checked> Who goes where</label>'
            f'<ul class="catchment-key">{"".join(rows)}</ul>')


class _SpreadMarkers(MacroElement):
    """Keep clinic pins far enough apart to tap one (WCAG 2.2 target size), at every zoom.

    Zoomed out, Amersham, Maidenhead and London are a few pixels apart and
    their pins cover each other. Pins closer than ``gap`` pixels across (and
    overlapping up and down) are moved sideways into a row ``gap`` apart, each
    joined to its true place by a thin line; zoomed in, they stand where they are.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (map, markers) {
                var gap = {{ this.gap }}, tall = {{ this.tall }};
                var lines = L.layerGroup().addTo(map);
                function shift(el, dx) {
                    if (!el) { return; }
                    if (el.dataset.marginLeft === undefined) { el.dataset.marginLeft = el.style.marginLeft || "0px"; }
                    el.style.marginLeft = (parseFloat(el.dataset.marginLeft) + dx) + "px";
                }
                function spread() {
                    lines.clearLayers();
                    var pins = markers.map(function (marker) {
                        return {marker: marker, at: map.latLngToLayerPoint(marker.getLatLng())};
                    }).sort(function (a, b) { return a.at.x - b.at.x; });
                    var rows = [], row = [];
                    pins.forEach(function (pin) {
                        var last = row[row.length - 1];
                        if (last && pin.at.x - last.at.x < gap && Math.abs(pin.at.y - last.at.y) < tall) {
                            row.push(pin);
                        } else {
                            if (row.length) { rows.push(row); }
                            row = [pin];
                        }
                    });
                    if (row.length) { rows.push(row); }
                    rows.forEach(function (row) {
                        var start = (row[0].at.x + row[row.length - 1].at.x) / 2 - gap * (row.length - 1) / 2;
                        row.forEach(function (pin, i) {
                            var dx = row.length > 1 ? Math.round(start + gap * i - pin.at.x) : 0;
                            shift(pin.marker._icon, dx);
                            shift(pin.marker._shadow, dx);
                            if (dx) {
                                L.polyline([pin.marker.getLatLng(), map.layerPointToLatLng(pin.at.add([dx, 0]))],
                                           {interactive: false, weight: 2, color: "#1b1b1b"}).addTo(lines);
                            }
                        });
                    });
                }
                map.on("zoomend viewreset", spread);
                spread();
            })({{ this._parent.get_name() }}, [{% for m in this.markers %}{{ m.get_name() }}{{ ", " if not loop.last }}{% endfor %}]);
        {% endmacro %}
        """
    )

    def __init__(self, markers: list[folium.Marker]) -> None:
        super().__init__()
        self._name = "SpreadMarkers"
        self.markers = markers
        self.gap = 32  # a pin is 25 px wide: 7 px clear between neighbours
        self.tall = 45  # and 41 px tall


class _FitView(MacroElement):
    """Fit the map's view to a box, with room for the markers' pins and labels.

    ``view`` only makes each search's layer differ from the last (see
    :func:`search_layer`); it is a comment in the script.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (map) {
                // "pending" until this layer's view is fitted, for whatever waits on the view (the tests).
                map.getContainer().setAttribute("data-fit", "pending");
                function fit() {
                    // Below the legend in the top-right corner, whatever its height on this screen.
                    var legend = map.getContainer().querySelector(".catchment-legend");
                    var topLeft = {{ this.padding_top_left|tojson }};
                    if (legend) { topLeft = [topLeft[0], Math.max(topLeft[1], legend.offsetHeight + 40)]; }
                    map.fitBounds({{ this.bounds|tojson }}, {
                        paddingTopLeft: topLeft,
                        paddingBottomRight: {{ this.padding_bottom_right|tojson }},
                        maxZoom: {{ this.max_zoom }}, animate: false
                    });
                    map.getContainer().setAttribute("data-fit", "done");
                }
                // The frame shares the page's thread: redrawing the map at a new zoom takes about
                // 10 ms, so it waits until the page has painted the answer. The layer usually arrives
                // in the frame that paints the answer card; a task queued from that frame's callback
                // would run before the next frame and hold it back, so it waits one frame more.
                requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(fit, 0); }); });
            })({{ this.map_name() }});  // view {{ this.view }}
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], view: int = 0) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds
        self.view = int(view)
        self.padding_top_left = list(_FIT_PADDING_TOP_LEFT)
        self.padding_bottom_right = list(_FIT_PADDING_BOTTOM_RIGHT)
        self.max_zoom = _FIT_MAX_ZOOM

    def map_name(self) -> str:
        element = self._parent
        while not isinstance(element, folium.Map):
            element = element._parent
        return element.get_name()


def _box(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    points = list(points)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def _corners(points: Iterable[tuple[float, float]]) -> tuple[tuple[float, float], tuple[float, float]]:
    south, west, north, east = _box(points)
    return (south, west), (north, east)


class _DefaultIconPath(MacroElement):
    """Tell Leaflet where the default marker images are.

    Leaflet otherwise guesses the folder from leaflet.css, which st_folium
    adds after the map script has already run; the guess then fails and
    every marker image is requested from a broken URL.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.Icon.Default.imagePath = {{ this.image_path|tojson }};
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str) -> None:
        super().__init__()
        self._name = "DefaultIconPath"
        self.image_path = image_path


class _PlaceLabelsOnceStyled(MacroElement):
    """Place the always-shown labels again once leaflet.css has loaded.

    st_folium appends the stylesheet link to its frame and runs the map script
    without waiting for it to load. Leaflet measures a permanent tooltip when
    it opens, and an unstyled tooltip is a block as wide as the map, so each
    label was placed up to the map's width left of its marker (at the map's
    left edge, or outside the map altogether) and stayed there. A stylesheet
    that is already loaded fires no ``load``; then the labels were measured
    with it and are right already.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (map) {
                function place() {
                    map.eachLayer(function (layer) {
                        var tooltip = layer.getTooltip && layer.getTooltip();
                        if (tooltip && tooltip.isOpen()) {
                            tooltip.update();
                        }
                    });
                }
                document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
                    link.addEventListener("load", place);
                });
                window.addEventListener("load", place);
                if (document.fonts && document.fonts.ready) {
                    document.fonts.ready.then(place);
                }
            })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PlaceLabelsOnceStyled"


def _stable(element: Any, *parts: str) -> Any:
    """Give a folium element an id derived from ``parts`` instead of a random one.

    folium names every element ``<kind>_<random hex>``; the names end up in the
    map's code, which would then differ on every run. st_folium rewrites
    ``_<id>`` anywhere in that code, so ids must be long and unlikely to occur
    in text: 32 hex digits, like folium's own.
    """
    element._id = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return element


def _popup(content_html: str, *parts: str) -> folium.Popup:
    body = _stable(folium.Html(content_html, script=True), "popup-html", *parts)
    # Pan an opened popup clear of the zoom buttons in the top-left corner.
    popup = folium.Popup(body, max_width=280, auto_pan_padding_top_left=(50, 10))
    return _stable(popup, "popup", *parts)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# folium puts popup and tooltip HTML inside a JavaScript template literal
# (`...`), where a backtick ends the string, ${...} runs code and a backslash
# starts an escape; as HTML character references they are inert.
_JS_TEMPLATE_SPECIALS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def _text(value: object) -> str:
    """``value`` as HTML text or attribute value, safe inside folium's JS template literals."""
    text = _CONTROL_CHARACTERS.sub("\ufffd", str(value))
    return html.escape(text, quote=True).translate(_JS_TEMPLATE_SPECIALS)


_TEL = re.compile(r"tel:\+?[0-9]{3,20}")


def _shortened(label: str) -> str:
    label = " ".join(str(label).split())
    if len(label) <= _LABEL_MAX_CHARS:
        return label
    cut = label[: _LABEL_MAX_CHARS - 1]
    space = cut.rfind(" ")
    if space >= _LABEL_MAX_CHARS // 2:  # end on a whole word when one is near
        cut = cut[:space]
    return cut.rstrip(" ,;") + "\u2026"


def _clinic_popup_html(c: MapClinic) -> str:
    if not _TEL.fullmatch(c.phone_tel):
        raise _unmappable(f"Clinic {c.id!r}: phone_tel must look like 'tel:+448007836106', got {c.phone_tel!r}.")
    if not EMAIL_ADDRESS.fullmatch(c.email):
        raise _unmappable(f"Clinic {c.id!r}: {c.email!r} is not an email address.")
    address = "".join(f"<br>{_text(line)}" for line in c.address)
    return (
        f'<div class="clinic-popup" data-clinic-id="{_text(c.id)}">'
        f"<strong>{_text(c.name)}</strong>{address}"
        f'<br><a href="{_text(c.phone_tel)}">{_text(c.phone_display)}</a>'
        f'<br><a href="{_text("mailto:" + c.email)}">{_text(c.email)}</a>'
        "</div>"
    )


def _position(lat: Any, lon: Any, what: str) -> tuple[float, float]:
    try:
        point = (float(lat), float(lon))
    except (TypeError, ValueError):
        point = (math.nan, math.nan)
    if not (all(math.isfinite(v) for v in point) and -90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise _unmappable(f"The position of {what} must be a finite latitude and longitude, got ({lat!r}, {lon!r}).")
    return point


def _unmappable(detail: str) -> MapDataError:
    """The map cannot be drawn: a plain sentence for the page, and what is wrong for the log."""
    return MapDataError(messages.MAP_UNAVAILABLE, detail=detail)


def _is_local(url: str, asset_base: str) -> bool:
    return url.startswith(asset_base.rstrip("/") + "/") and "://" not in url and not url.startswith("//")
