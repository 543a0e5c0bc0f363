"""The page's few styles (``layout.css``): phone-sized padding, large touch targets, wrapping long
addresses, and the places kept for what arrives late, so the page does not jump as it loads.

They are sent in the ``<head>`` of every page's HTML (``web/first_view.py``), so they apply from
the first paint: a style-only ``st.html`` would only arrive with the script's run, after Streamlit
had drawn the page once without them.
"""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).with_name("layout.css")


def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")
