"""What every page's HTML carries so that the first paint is already the page, and it does not jump.

:func:`web.page_html.first_paint` puts these in every page:

* :func:`head`: ``components/layout.css``, so the layout applies from the first paint (and the
  map's place is kept at its height before the map comes), and the first view's own styles;
* :func:`root`: the first view of "Find a clinic", the heading, the hint and the clinic list
  as plain HTML in ``<div id="root">``, laid out as Streamlit lays them out, with the place of
  the search and the map kept between them. It shows until Streamlit's 2 MB bundle has loaded
  and drawn the page itself: React replaces the root's content on its first render, so
  nothing that was painted moves (replaced, not shifted), and the first paint no longer waits
  for the bundle.

The first view is hidden unless a small inline script finds the browser at the page it
shows (the app's root address, not embedded), so the other pages never flash it, and
without JavaScript it never shows: the ``<noscript>`` page says the same there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path

from streamlit import file_util

from components.clinic_list import clinic_list_html
from components.clinic_map import DEFAULT_HEIGHT
from components.layout import stylesheet
from components.search import HINT
from components.view import ClinicPin
from locator import messages

_STYLES = Path(__file__).with_name("first_view.css")


def head() -> str:
    return (f"<style>:root{{--map-height:{DEFAULT_HEIGHT}px}}\n{stylesheet()}\n"
            f"{_font_face()}{_STYLES.read_text(encoding='utf-8')}</style>")


def root(pins: Sequence[ClinicPin], page_url: str) -> str:
    """The first view, shown only at ``page_url`` (the app's root address)."""
    # The address as the browser has it, without query or fragment (?postcode=... is still this page),
    # against ``page_url`` made absolute (it is relative, "./", when no public address is set);
    # not when embedded (?embed=true), where Streamlit lays the page out without its header.
    show = ("<script>(function(){var v=document.getElementById('first-view'),here=location.href.split(/[?#]/)[0],"
            f"root=new URL({json.dumps(page_url)},document.baseURI).href;"
            "if((here===root||here+'/'===root)"
            "&&!/[?&]embed=true(&|$)/i.test(location.search))v.hidden=false;})();</script>")
    return (f'<div id="first-view" class="first-view" hidden><div class="fv-main">'
            f"<h1>{escape(messages.PAGE_HEADING)}</h1><p class=\"fv-caption\">{escape(HINT)}</p>"
            '<div class="fv-search-and-map"></div>'
            f'<div class="html-flow">{clinic_list_html(pins)}</div></div></div>{show}')


def _font_face() -> str:
    """Streamlit's own text face (the file its page preloads), so the first view's text is set as Streamlit's is."""
    media = Path(file_util.get_static_dir()) / "static" / "media"
    faces = sorted(media.glob("SourceSansVF-Upright*.woff2"))
    if not faces:
        return ""  # a Streamlit without it: the first view falls back to the system's sans-serif
    return ('@font-face{font-family:"First view sans";font-weight:200 900;font-display:swap;'
            f'src:url("./static/media/{faces[0].name}") format("woff2")}}\n')
