"""Credits for the data behind every answer, as the licences ask."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import streamlit as st

from components.text import markdown_escaped


class Credit(Protocol):
    """One dataset (``locator.sources.Source`` fits)."""

    @property
    def attribution(self) -> str: ...

    @property
    def licence_url(self) -> str: ...


def show_footer(credits: Sequence[Credit], postcodes: str | None = None) -> None:
    """A divider, which postcode data the answers use (``postcodes``, the Code-Point Open release),
    then each dataset's attribution line, linked to its licence when it has one."""
    st.divider()
    lines = [markdown_escaped(f"Postcode data: {postcodes}.")] if postcodes else []
    for credit in credits:
        line = markdown_escaped(credit.attribution)
        lines.append(f"{line} [Licence]({credit.licence_url})" if credit.licence_url else line)
    with st.container(key="credits"):
        # One caption, a paragraph a line: each element costs a phone's main thread time on a first visit.
        st.caption("\n\n".join(lines))
