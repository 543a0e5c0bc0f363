"""The answer to a search: which clinic, how far, and how to reach it."""

from __future__ import annotations

from typing import Callable, Mapping

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from components.text import distance, distance_sentence, md
from locator.answer import Answer
from locator.model import Precision

TREATMENT_LINK = "What to expect at your visit"

# Said only when the search was located less precisely than a full postcode.
_PRECISION = {
    Precision.SECTOR: "Located by postcode sector, not the full postcode.",
    Precision.DISTRICT: "Located by postcode district, not the full postcode.",
    Precision.PLACE: "Located by town or place name, not a postcode.",
    Precision.AREA: "Located by postcode area only, so distances are rough.",
}


def show_answer(answer: Answer, treatment_page: StreamlitPage, on_alternative: Callable[[str], None],
                treatment_params: Mapping[str, str]) -> None:
    """Draw the answer card; ``on_alternative(query)`` searches for one of the core's alternatives.

    ``treatment_params`` go with the link to ``treatment_page``, so that
    page can link back to this answer.

    Anything derived from what was typed (the searched text, the core's
    note) is drawn with ``st.text``, so it shows as typed and never as
    Markdown or HTML.
    """
    clinic, contact, location = answer.clinic, answer.contact, answer.location
    with st.container(border=True, key="answer-card"):
        st.subheader(f"Nearest clinic: {md(clinic.name)}", anchor=False)
        st.text(f"Your search: {location.normalised}")
        if location.precision in _PRECISION:
            st.caption(_PRECISION[location.precision])
        if location.note:
            st.text(location.note)
        for i, alternative in enumerate(location.alternatives):
            st.button(md(alternative), key=f"alternative-{i}", on_click=on_alternative, args=(alternative,),
                      icon=":material/search:", type="tertiary")
        st.markdown(f"**{distance_sentence(answer.distance.miles, answer.distance.km)}**")
        # No help tooltips: Streamlit draws a second, zero-size copy of a link button that has one.
        st.link_button(contact.phone_dial, contact.tel_uri, icon=":material/call:", type="primary", width="stretch")
        st.link_button(md(contact.email), contact.mailto_uri, icon=":material/mail:", width="stretch")
        st.markdown("  \n".join(md(line) for line in clinic.address))
        st.link_button("Directions", clinic.directions_url, icon=":material/directions:", width="stretch")
        st.page_link(treatment_page, label=TREATMENT_LINK, icon=":material/info:", query_params=treatment_params)
        st.markdown(distance_table(answer))


def distance_table(answer: Answer) -> str:
    """Every clinic, nearest first, as a Markdown table; the chosen clinic in bold."""
    region = answer.location.region.label
    rows = ["| Clinic | Distance in a straight line |", "| :-- | :-- |"]
    for d in answer.distances:
        name = md(d.clinic.name)
        if d.clinic.id == answer.clinic.id:
            name = f"**{name}** (your clinic)"
        elif not d.serves_you:
            name = f"{name} (does not take patients from {md(region)})"
        rows.append(f"| {name} | {distance(d.miles, d.km)} |")
    return "\n".join(rows)
