"""The clinic map: the clinics as markers and, after a search, the searched
place and the chosen clinic, zoomed to fit both.

Every script, stylesheet and marker image the map loads comes from the app's
own origin. Leaflet and jQuery are vendored in ``static/vendor`` and
Streamlit serves that folder at ``/app/static/`` (``server.enableStaticServing``
in ``.streamlit/config.toml``). folium lists public CDN links by default and
``st_folium`` loads whatever the map lists, so :func:`build_map` replaces the
list with the local files and :func:`show_map` refuses to draw a map that
lists anything else. Only the map tiles come from OpenStreetMap; when they
cannot load, the markers and popups still work.
See ``docs/adr/0003-map-assets-served-locally.md``.

This module draws; it does not locate. It takes positions as given and
computes nothing but the box around the points it shows.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from typing import Any, Iterable, Protocol, Sequence

import branca.colormap
import folium
import folium.elements
from branca.element import MacroElement
from folium.template import Template
from streamlit_folium import st_folium

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
FRAME_ASSET_BASE = "../../app/static/vendor"

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
_FIT_MAX_ZOOM = 15
_SEARCHED_COLOUR = "#c2185b"


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
    searched: MapSearch | None = None,
    *,
    asset_base: str = FRAME_ASSET_BASE,
) -> folium.Map:
    """A new folium map of ``clinics`` and, if given, the ``searched`` place.

    Without a search the map fits all the clinics; with one it fits the
    searched place and the clinic ``searched.clinic_id`` names, and labels
    both. Every clinic's marker opens a popup with its name, address, phone
    (a ``tel:`` link) and email (a ``mailto:`` link). All text is escaped.

    The same arguments always give the same map, byte for byte, so
    ``st_folium`` sees an unchanged map as unchanged. Build a fresh map for
    every draw: ``st_folium`` renames the elements of the map it is given.

    Raises :class:`~locator.errors.MapDataError` (a ``ValueError``) for no clinics, repeated clinic ids, a position
    that is not a finite latitude/longitude, a ``searched.clinic_id`` that
    is not one of the clinics, or a phone/email that would not make a
    ``tel:``/``mailto:`` link.
    """
    clinics = list(clinics)
    if not clinics:
        raise _unmappable("build_map needs at least one clinic.")
    ids = [c.id for c in clinics]
    if len(set(ids)) != len(ids):
        raise _unmappable(f"Clinic ids must be unique, got {ids}.")
    where = {c.id: _position(c.lat, c.lon, f"clinic {c.id!r}") for c in clinics}

    chosen = None
    if searched is not None:
        searched_at = _position(searched.lat, searched.lon, "the searched place")
        chosen = next((c for c in clinics if c.id == searched.clinic_id), None)
        if chosen is None:
            raise _unmappable(
                f"searched.clinic_id {searched.clinic_id!r} is not one of the clinics ({', '.join(ids)})."
            )
        focus = [searched_at, where[chosen.id]]
    else:
        focus = list(where.values())
    south, west = min(p[0] for p in focus), min(p[1] for p in focus)
    north, east = max(p[0] for p in focus), max(p[1] for p in focus)

    m = _stable(
        folium.Map(location=((south + north) / 2, (west + east) / 2), zoom_start=6, tiles=None),
        "map",
    )
    # Instance attributes: folium's class-level lists (its CDN links) stay untouched.
    m.default_js, m.default_css = asset_links(asset_base)

    m.add_child(_stable(_DefaultIconPath(f"{asset_base}/leaflet-{LEAFLET_VERSION}/images/"), "icon-path"))
    m.add_child(_stable(folium.TileLayer("OpenStreetMap"), "tiles"))

    for c in clinics:
        is_chosen = chosen is not None and c.id == chosen.id
        marker = _stable(
            folium.Marker(
                location=where[c.id],
                alt=c.name,  # Leaflet sets it as an attribute, not as HTML
                z_index_offset=1000 if is_chosen else None,
            ),
            "marker",
            c.id,
        )
        marker.add_child(_popup(_clinic_popup_html(c), "clinic", c.id))
        # The chosen clinic's name is always shown; the others' on hover.
        marker.add_child(_stable(folium.Tooltip(_text(c.name), permanent=is_chosen, sticky=False), "tooltip", c.id))
        m.add_child(marker)

    if searched is not None:
        point = _stable(
            folium.CircleMarker(
                location=searched_at,
                radius=9,
                color="#ffffff",
                weight=3,
                fill=True,
                fill_color=_SEARCHED_COLOUR,
                fill_opacity=1.0,
            ),
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
        m.add_child(point)

    m.add_child(
        _stable(
            folium.FitBounds(
                [[south, west], [north, east]],
                padding_top_left=_FIT_PADDING_TOP_LEFT,
                padding_bottom_right=_FIT_PADDING_BOTTOM_RIGHT,
                max_zoom=_FIT_MAX_ZOOM,
            ),
            "fit",
        )
    )
    # Last, so that it runs after every tooltip has been added.
    m.add_child(_stable(_PlaceLabelsOnceStyled(), "place-labels"))
    return m


def show_map(
    clinics: Iterable[MapClinic],
    searched: MapSearch | None = None,
    *,
    key: str = "clinic_map",
    height: int = DEFAULT_HEIGHT,
) -> None:
    """Draw :func:`build_map`'s map with ``st_folium``, full container width.

    ``key`` names this map on the page; keep it the same from run to run.
    The map sends nothing back (``returned_objects=[]``), so panning, zooming
    and clicking never rerun the app. On a rerun with the same arguments the
    map's code is unchanged, so the map in the browser is kept as it is, not
    rebuilt; when the arguments change it is replaced by the new map.
    """
    m = build_map(clinics, searched)
    check_local_links(m)
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])


# --- helpers ---------------------------------------------------------------------------


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
