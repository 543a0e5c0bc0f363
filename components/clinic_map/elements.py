"""The folium elements the map adds to Leaflet's own, each a call into ``static/map/clinic-map.js``.

Each element renders one line: the function's name and this map's settings as
JSON (``tojson`` escapes them for a ``<script>``). The behaviour, and the styles
in ``clinic-map.css``, live in those files, where linters and the browser's
cache see them; the frame loads both (``assets.asset_links``).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template

_VIEWPORT_META = re.compile(r"<meta name=\"viewport\"[^>]*>", re.DOTALL)


def stable(element: Any, *parts: str) -> Any:
    """Give a folium element an id derived from ``parts`` instead of a random one.

    folium names every element ``<kind>_<random hex>``; the names end up in the
    map's code, which would then differ on every run. st_folium rewrites
    ``_<id>`` anywhere in that code, so ids must be long and unlikely to occur
    in text: 32 hex digits, like folium's own.
    """
    element._id = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return element


class Map(folium.Map):
    """folium's Map without its ``<meta name="viewport" ... user-scalable=no>``.

    That tag would stop people zooming the frame with their fingers (WCAG 1.4.4);
    st_folium's own page already has ``width=device-width,initial-scale=1``.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # folium's Map.render returns None too
        super().render(**kwargs)
        header = self.get_root().header  # type: ignore[attr-defined]  # the root of a Map is a Figure
        name = self.get_name()
        if name in header._children:
            scrubbed = _VIEWPORT_META.sub("", header._children[name].render())
            header.add_child(Element(scrubbed), name=name)


class _Call(MacroElement):
    """``clinicMap.<function>(<the map>, <options as JSON>);`` in the map's script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            clinicMap.{{ this.function }}({{ this.map_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )
    function = ""

    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__()
        self._name = type(self).__name__.lstrip("_")
        self.options = options

    def map_name(self) -> str:
        element = self._parent
        while not isinstance(element, folium.Map):
            if element is None:
                raise ValueError("this element is not on a map")
            element = element._parent
        return element.get_name()


class Background(_Call):
    """The map's own background, from the app's files: land and sea, who goes where, towns.

    Also names the frame (its ``<iframe title>``), and adds the legend, whose
    switch turns who-goes-where off and on. The land and the town list are
    fetched from the app (same origin), so the browser downloads them once and
    caches them, instead of their being sent with the map on every run.
    ``catchment`` is ``{pictures, data_url, bounds, legend_html}`` or None.
    """

    function = "background"

    def __init__(self, *, title: str, land_url: str, credit: str, catchment: dict[str, Any] | None) -> None:
        super().__init__({"title": title, "land_url": land_url, "credit": credit, "catchment": catchment})


class SpreadMarkers(_Call):
    """Keep clinic pins far enough apart to tap one (WCAG 2.2 target size), at every zoom.

    Zoomed out, Amersham, Maidenhead and London are a few pixels apart and
    their pins cover each other. Pins closer than ``gap`` pixels across (and
    overlapping up and down) are moved sideways into a row ``gap`` apart, each
    joined to its true place by a thin line; zoomed in, they stand where they are.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            clinicMap.spreadMarkers({{ this.map_name() }},
                [{% for m in this.markers %}{{ m.get_name() }}{{ ", " if not loop.last }}{% endfor %}],
                {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, markers: list[folium.Marker]) -> None:
        # A pin is 25 px wide (7 px clear between neighbours) and 41 px tall.
        super().__init__({"gap": 32, "tall": 45})
        self.markers = markers


class FitView(_Call):
    """Fit the map's view to a box, with room for the markers' pins and labels.

    ``view`` only makes each search's layer differ from the last (see
    :func:`components.clinic_map.layers.search_layer`); it is a comment in the script.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            clinicMap.fitView({{ this.map_name() }}, {{ this.options|tojson }});  // view {{ this.view }}
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], *, padding_top_left: tuple[int, int],
                 padding_bottom_right: tuple[int, int], max_zoom: int, view: int = 0) -> None:
        super().__init__({"bounds": bounds, "paddingTopLeft": list(padding_top_left),
                          "paddingBottomRight": list(padding_bottom_right), "maxZoom": max_zoom})
        self.view = int(view)


class PlaceLabelsOnceStyled(_Call):
    """Place the always-shown labels again once the stylesheets have loaded.

    st_folium appends the stylesheet links to its frame and runs the map script
    without waiting for them; a label measured unstyled lands far from its point.
    """

    function = "placeLabelsOnceStyled"

    def __init__(self) -> None:
        super().__init__({})


class DefaultIconPath(MacroElement):
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


class Popup(MacroElement):
    """A Leaflet popup on the marker it is added to, holding ``content_html``.

    folium's own Popup builds its content with jQuery (``$(`<div>...</div>`)[0]``), and that was
    the map's only use of jQuery: 29 KiB of script on every first visit. Leaflet takes the HTML
    as it is. ``content_html`` is written into a JavaScript template literal, as folium writes
    its popups and tooltips, so it must already be escaped for one (``layers._text``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup(`{{ this.content_html }}`, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, content_html: str, *, max_width: int, auto_pan_padding_top_left: tuple[int, int]) -> None:
        super().__init__()
        self._name = "Popup"
        self.content_html = content_html
        self.options = {"maxWidth": max_width, "autoPanPaddingTopLeft": list(auto_pan_padding_top_left)}
