"""Every clinic with its contact details, shown before and after a search."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components.text import markdown_escaped
from components.view import ClinicPin

HEADING = "Our clinics"
NUMBERS_NOTE = ("Numbers are written as dialled within each clinic's own country. "
                "Search above for the number to dial from where you are.")


def show_clinic_list(clinics: Sequence[ClinicPin]) -> None:
    """Each clinic's name, address, phone (a ``tel:`` link) and email (a ``mailto:`` link).

    Side by side on wide screens, one under another on phones. Phone and
    email are buttons, as in the answer card: large enough to tap, and the
    answer card's button code is then already loaded when a search comes back.
    """
    st.header(HEADING, anchor=False)
    st.caption(NUMBERS_NOTE)
    with st.container(key="clinic-list"):
        for column, clinic in zip(st.columns(len(clinics)), clinics, strict=True):
            with column, st.container(border=True):
                address = "  \n".join(markdown_escaped(line) for line in clinic.address)
                st.markdown(f"**{markdown_escaped(clinic.name)}**  \n{address}")
                st.link_button(markdown_escaped(clinic.phone_display), clinic.phone_tel, icon=":material/call:", width="stretch")
                st.link_button(markdown_escaped(clinic.email), f"mailto:{clinic.email}", icon=":material/mail:", width="stretch")
