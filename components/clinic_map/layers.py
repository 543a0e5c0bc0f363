"""What the map shows: the base map and a search's layer, from plain values.

It takes positions as given (the clinics were checked when they were read,
``locator/clinics.py``) and computes nothing but the box around the points it
shows. All text is escaped, for HTML and for the JS template literals it is written in.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import folium

from components.clinic_map.assets import (
    FRAME_ASSET_BASE,
    FRAME_STATIC,
    FRAME_TITLE,
    LAND_URL,
    LEAFLET_VERSION,
    asset_links,
)
from components.clinic_map.elements import (
    Background,
    DefaultIconPath,
    FitView,
    Map,
    PlaceLabelsOnceStyled,
    Popup,
    SpreadMarkers,
    stable,
)
from components.view import map_unavailable

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
# Short, for the map's corner; the footer has every source's full attribution.
_BACKGROUND_CREDIT = "Natural Earth"
_CATCHMENT_CREDIT = ", GeoNames, OS data © Crown copyright"
_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


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

    ``pictures`` is ``(width in pixels, URL)`` for each size of the picture,
    smallest first; those URLs and ``data_url`` (``layers.json``, which also lists
    the towns to label) are relative to the map's frame; ``bounds`` is ``((south, west),
    (north, east))`` in degrees; ``legend`` is ``(clinic name, colour as hex,
    colour in words)`` for each clinic, in the clinics' order.
    """

    pictures: tuple[tuple[int, str], ...]
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
            pictures=tuple((int(width), f"{folder}/{name}{version}") for width, name in layers["pictures"]),
            data_url=f"{folder}/layers.json{version}",
            bounds=((float(south), float(west)), (float(north), float(east))),
            legend=tuple((c["name"], c["colour"], c["colour_name"]) for c in layers["clinics"]),
        )

    def sentence(self) -> str:
        """The legend in words, for the page beside the map."""
        parts = [f"{colour_name} for {name}" for name, _, colour_name in self.legend]
        return ("Who goes where: each area of the map is shaded in the colour of the clinic "
                "its patients go to (" + ", ".join(parts) + "); a dot is a postcode.")


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
    shows its name on hover. ``catchment`` adds the who-goes-where picture,
    its legend (with a switch) and the town labels; ``tiles`` draws an
    operator's tiles over the land.

    The same arguments always give the same map, byte for byte, so
    ``st_folium`` keeps the map it has. Build a fresh map for every draw:
    ``st_folium`` renames the elements of the map it is given.
    """
    clinics = list(clinics)
    where = {c.id: (c.lat, c.lon) for c in clinics}
    south, west, north, east = _box(where.values())

    max_zoom = max(_MAX_ZOOM, tiles.max_zoom) if tiles is not None else _MAX_ZOOM
    m = stable(
        Map(location=((south + north) / 2, (west + east) / 2), zoom_start=6, tiles=None,
            min_zoom=_MIN_ZOOM, max_zoom=max_zoom, max_bounds=True,
            min_lat=_MAX_BOUNDS[0][0], min_lon=_MAX_BOUNDS[0][1],
            max_lat=_MAX_BOUNDS[1][0], max_lon=_MAX_BOUNDS[1][1]),
        "map",
    )
    # Instance attributes: folium's class-level lists (its CDN links) stay untouched.
    m.default_js, m.default_css = asset_links(asset_base)

    m.add_child(stable(DefaultIconPath(f"{asset_base}/leaflet-{LEAFLET_VERSION}/images/"), "icon-path"))
    credit = _BACKGROUND_CREDIT if catchment is None else _BACKGROUND_CREDIT + _CATCHMENT_CREDIT
    m.add_child(stable(Background(title=FRAME_TITLE, land_url=LAND_URL, credit=credit,
                                  catchment=_catchment_options(catchment)), "background"))
    if tiles is not None:
        m.add_child(stable(folium.TileLayer(tiles.url, attr=tiles.attribution, name="tiles",
                                            subdomains=tiles.subdomains, max_zoom=tiles.max_zoom,
                                            max_native_zoom=tiles.max_zoom), "tiles"))

    markers = []
    for c in clinics:
        marker = stable(folium.Marker(location=where[c.id], alt=c.name), "marker", c.id)
        marker.add_child(_popup(_clinic_popup_html(c), "clinic", c.id))
        marker.add_child(stable(folium.Tooltip(_text(c.name), sticky=False), "tooltip", c.id))
        m.add_child(marker)
        markers.append(marker)
    m.add_child(stable(SpreadMarkers(markers), "spread"))

    m.add_child(stable(_fit([[south, west], [north, east]]), "fit"))
    # Last, so that it runs after every tooltip has been added.
    m.add_child(stable(PlaceLabelsOnceStyled(), "place-labels"))
    return m


def search_layer(clinics: Iterable[MapClinic], searched: MapSearch | None, view: int = 0) -> folium.FeatureGroup:
    """What a search adds to the base map, as one layer that replaces the previous search's.

    With a search: the searched place (a dot, labelled, whose popup says what
    was searched), a labelled ring round the clinic it goes to, and a move of
    the view to fit both. Without one: only a move back to all the clinics.
    ``view`` numbers the search, so that searching the same place again (after
    panning away) still moves the view back: ``st_folium`` skips a layer
    identical to the one it has.

    Raises :class:`~locator.errors.MapDataError` for a ``searched.clinic_id``
    that is not one of the clinics or a position that is not a finite latitude/longitude.
    """
    clinics = list(clinics)
    where = {c.id: (c.lat, c.lon) for c in clinics}
    group = stable(folium.FeatureGroup(name="search", control=False), "search")
    if searched is None:
        group.add_child(stable(_fit([list(p) for p in _corners(where.values())]), "search-fit"))
        return group

    searched_at = _position(searched.lat, searched.lon, "the searched place")
    chosen = next((c for c in clinics if c.id == searched.clinic_id), None)
    if chosen is None:
        raise map_unavailable(
            f"searched.clinic_id {searched.clinic_id!r} is not one of the clinics ({', '.join(where)})."
        )
    ring = stable(
        folium.CircleMarker(location=where[chosen.id], radius=22, color=_SEARCHED_COLOUR, weight=3,
                            fill=False, interactive=False),
        "chosen", chosen.id,
    )
    ring.options["interactive"] = False  # folium drops it from the arguments; the dot is what opens a popup
    ring.add_child(stable(folium.Tooltip(_text(chosen.name), permanent=True, sticky=False,
                                         direction="right", offset=(22, 0)), "tooltip", "chosen"))
    group.add_child(ring)

    point = stable(
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
    point.add_child(stable(label, "tooltip", "searched"))
    group.add_child(point)
    group.add_child(stable(_fit([list(p) for p in _corners([searched_at, where[chosen.id]])], view),
                           "search-fit"))
    return group


def legend_html(catchment: Catchment) -> str:
    """The legend in the map's corner: the switch, and each clinic's colour in words."""
    rows = []
    for name, colour, colour_name in catchment.legend:
        if not _HEX_COLOUR.fullmatch(colour):
            raise map_unavailable(f"Catchment colour for {name!r} must look like '#E69F00', got {colour!r}.")
        rows.append(f'<li><span class="catchment-swatch" style="background:{colour}"></span>'
                    f"{_text(colour_name.capitalize())}: {_text(name)}</li>")
    return ('<label class="catchment-switch"><input type="checkbox" checked> Who goes where</label>'
            f'<ul class="catchment-key">{"".join(rows)}</ul>')


def _catchment_options(catchment: Catchment | None) -> dict[str, Any] | None:
    if catchment is None:
        return None
    return {"pictures": [list(picture) for picture in catchment.pictures], "data_url": catchment.data_url,
            "bounds": [list(corner) for corner in catchment.bounds], "legend_html": legend_html(catchment)}


def _fit(bounds: list[list[float]], view: int = 0) -> FitView:
    return FitView(bounds, padding_top_left=_FIT_PADDING_TOP_LEFT, padding_bottom_right=_FIT_PADDING_BOTTOM_RIGHT,
                   max_zoom=_FIT_MAX_ZOOM, view=view)


def _box(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    points = list(points)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def _corners(points: Iterable[tuple[float, float]]) -> tuple[tuple[float, float], tuple[float, float]]:
    south, west, north, east = _box(points)
    return (south, west), (north, east)


def _popup(content_html: str, *parts: str) -> Popup:
    # Pan an opened popup clear of the zoom buttons in the top-left corner.
    return stable(Popup(content_html, max_width=280, auto_pan_padding_top_left=(50, 10)), "popup", *parts)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Popup and tooltip HTML goes inside a JavaScript template literal
# (`...`), where a backtick ends the string, ${...} runs code and a backslash
# starts an escape; as HTML character references they are inert.
_JS_TEMPLATE_SPECIALS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def _text(value: object) -> str:
    """``value`` as HTML text or attribute value, safe inside the map script's JS template literals."""
    text = _CONTROL_CHARACTERS.sub("\ufffd", str(value))
    return html.escape(text, quote=True).translate(_JS_TEMPLATE_SPECIALS)


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
        raise map_unavailable(f"The position of {what} must be a finite latitude and longitude, got ({lat!r}, {lon!r}).")
    return point
