"""The page's few styles: phone-sized padding, large touch targets, wrapping long addresses."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

STYLESHEET = Path(__file__).with_name("layout.css")


def apply_layout() -> None:
    """Add ``layout.css`` to the page (style only, so it takes no space)."""
    st.html(STYLESHEET)
