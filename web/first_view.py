"""What every page's HTML carries so that the first paint is already the page, and it does not jump.

:func:`web.page_html.first_paint` puts these in every page:

* :func:`head`: ``components/layout.css``, so the layout applies from the first paint (and the
  map's place is kept at its height before the map comes);
* :func:`root`: the heading, the hint and the clinic list as plain HTML in ``<div id="root">``,
  shown until Streamlit's bundle has loaded and drawn the page itself (React replaces the
  root's content on its first render).
"""

from __future__ import annotations

from collections.abc import Sequence

from components.clinic_map import DEFAULT_HEIGHT
from components.layout import stylesheet
from components.view import ClinicPin


def head() -> str:
    return f"<style>:root{{--map-height:{DEFAULT_HEIGHT}px}}\n{stylesheet()}</style>"


def root(pins: Sequence[ClinicPin]) -> str:
    del pins
    return ""
