"""The patient page as the browser tests drive it: where its parts are, and how a person searches."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

from components.search import LABEL

from . import wait_for_app

MAP_FRAME = ".st-key-clinic_map-frame iframe"
CARD = ".st-key-answer-card"
PHONE = (375, 812)
# Lighthouse's phone (Moto G Power) and desktop screens.
SIZES: dict[str, dict[str, Any]] = {
    "phone": dict(viewport=(412, 823), is_mobile=True, has_touch=True),
    "desktop": dict(viewport=(1350, 940)),
}

# Opened at its own address, a page makes Streamlit probe <page>/_stcore/health and
# /host-config before the app root: two 404s in the console that are Streamlit's, not
# the app's (streamlit/streamlit#7074).
_SUBPAGE_PROBE = re.compile(r"/[\w-]+/_stcore/(health|host-config): Failed to load resource: "
                            r"the server responded with a status of 404")


def search(page: Page, text: str) -> None:
    """Type ``text`` in the search field and press Enter, as a person does; wait for the answer."""
    field = page.get_by_label(LABEL)
    field.fill(text)
    field.press("Enter")
    wait_for_app(page)


def forget_subpage_probes(page: Page) -> None:
    """Drop Streamlit's own 404s for a page opened at its own address from the page's errors."""
    page.log.errors[:] = [e for e in page.log.errors if not _SUBPAGE_PROBE.search(e)]


def open_app(page: Page, url: str) -> None:
    """Open the app at ``url`` and wait until it has drawn."""
    page.goto(url)
    wait_for_app(page)
    forget_subpage_probes(page)
