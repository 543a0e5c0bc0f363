"""The "About treatment" page: the clinics' patient information, drawn with Streamlit.

It only draws what it is given; :func:`locator.treatment.load_sections`
reads the sections from ``data/treatment``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import streamlit as st

INTRO = "This information comes from the clinics' own patient pages."

# The section title is drawn one level below the page title (h2, as
# st.header, or an expander label), so the body's "##" sub-headings
# become h3: the next level down, never a skipped one.
_HEADING_DEMOTION = 1
_ATX_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?=[ \t]|$)", re.MULTILINE)


class TreatmentSection(Protocol):
    """What this component needs of a section (``locator.treatment.Section`` fits).

    A protocol rather than an import, so drawing the page never loads the
    locator package and the geography data behind it.
    """

    @property
    def slug(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def body_markdown(self) -> str: ...


def show_treatment(sections: Sequence[TreatmentSection]) -> None:
    """Draw the intro line, then every section in the order given.

    The first section is open as a sub-heading and text, so the page starts
    with something to read; the others are in collapsed expanders labelled
    with their titles, so on a phone a patient sees the list of topics
    without scrolling through all of them. Body Markdown is drawn as
    Markdown, never as HTML. With no sections only the intro line is drawn.
    """
    st.caption(INTRO)
    for index, section in enumerate(sections):
        body = demote_headings(section.body_markdown, _HEADING_DEMOTION)
        if index == 0:
            st.header(section.title, anchor=section.slug)
            st.markdown(body)
        else:
            with st.expander(section.title):
                st.markdown(body)


def demote_headings(markdown: str, levels: int) -> str:
    """Push every ATX heading (``#`` … ``######``) down ``levels`` levels.

    Headings never go below ``######``, the smallest Markdown has. Lines
    that start with ``#`` but are not headings (``#hashtag``) are left alone;
    fenced code blocks are not recognised, so a ``# comment`` in one would be
    changed too (the patient information has none).
    """

    def demote(match: re.Match[str]) -> str:
        return "#" * min(6, len(match["hashes"]) + levels)

    return _ATX_HEADING.sub(demote, markdown)
