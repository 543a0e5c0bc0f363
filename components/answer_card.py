"""The answer to a search: which clinic, how far, and how to reach it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from components.text import distance, distance_sentence, markdown_escaped
from components.view import AnswerCard

TREATMENT_LINK = "What to expect at your visit"


def show_answer(card: AnswerCard, treatment_page: StreamlitPage, on_alternative: Callable[[str], None],
                treatment_params: Mapping[str, str], from_device: bool = False) -> None:
    """Draw the answer card; ``on_alternative(query)`` searches for one of the core's alternatives.

    ``treatment_params`` go with the link to ``treatment_page``, so that
    page can link back to this answer. ``from_device``: the answer is for
    the device's position ("Use my location"), not for what was typed.

    Anything derived from what was typed (the searched text, the core's
    note) is drawn with ``st.text``, so it shows as typed and never as
    Markdown or HTML.
    """
    with st.container(border=True, key="answer-card"):
        st.header(f"Nearest clinic: {markdown_escaped(card.clinic_name)}", anchor=False)
        st.text(first_line(card, from_device))
        if card.caption:
            st.caption(card.caption)
        if card.note:
            st.text(card.note)
        for i, alternative in enumerate(card.alternatives):
            st.button(markdown_escaped(alternative), key=f"alternative-{i}", on_click=on_alternative, args=(alternative,),
                      icon=":material/search:", type="tertiary")
        st.markdown(f"**{distance_sentence(card.miles, card.km)}**")
        # No help tooltips: Streamlit draws a second, zero-size copy of a link button that has one.
        st.link_button(card.phone_dial, card.tel_uri, icon=":material/call:", type="primary", width="stretch")
        st.link_button(markdown_escaped(card.email), card.mailto_uri, icon=":material/mail:", width="stretch")
        st.markdown("  \n".join(markdown_escaped(line) for line in card.address))
        st.link_button("Directions", card.directions_url, icon=":material/directions:", width="stretch")
        st.page_link(treatment_page, label=TREATMENT_LINK, icon=":material/info:", query_params=treatment_params)
        st.html(distance_table(card))


def heading(card: AnswerCard) -> str:
    """The card's heading, as plain text to read out: "Nearest clinic: Maidenhead"."""
    return f"Nearest clinic: {card.clinic_name}"


def first_line(card: AnswerCard, from_device: bool = False) -> str:
    """The line under the heading: "Your search: SL6 8DG", or "Your location: near Belfast"."""
    return f"{'Your location' if from_device else 'Your search'}: {card.searched}"


def distance_table(card: AnswerCard) -> str:
    """Every clinic, nearest first, as an HTML table; the chosen clinic in bold. Every value is escaped.

    Plain HTML, not a Markdown table: Streamlit draws each cell of a Markdown
    table as a styled component of its own, which made this table the costliest
    part of drawing an answer in the browser (about 10 ms of each search's main
    thread in Chromium's CPU profile). Styled in ``layout.css``.
    """
    rows = []
    for d in card.distances:
        name = escape(d.name)
        if d.chosen:
            name = f"<strong>{name}</strong> (your clinic)"
        elif not d.serves_you:
            name = f"{name} (does not take patients from {escape(card.region_name)})"
        rows.append(f"<tr><td>{name}</td><td>{escape(distance(d.miles, d.km))}</td></tr>")
    return ('<table class="distance-table"><thead><tr><th scope="col">Clinic</th>'
            '<th scope="col">Distance in a straight line</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
