"""Every clinic with its contact details, shown before and after a search."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import streamlit as st

from components.view import ClinicPin

HEADING = "Our clinics"
NUMBERS_NOTE = ("Numbers are written as dialled within each clinic's own country. "
                "Search above for the number to dial from where you are.")

def show_clinic_list(clinics: Sequence[ClinicPin]) -> None:
    """The heading, a note on the numbers, and :func:`clinic_cards`."""
    st.header(HEADING, anchor=False)
    st.caption(NUMBERS_NOTE)
    with st.container(key="clinic-list"):
        st.html(clinic_cards(clinics))


def clinic_cards(clinics: Sequence[ClinicPin]) -> str:
    """Each clinic's name, address, phone (a ``tel:`` link) and email (a ``mailto:`` link), as escaped HTML.

    Side by side on wide screens, one under another on phones (``layout.css``);
    phone and email are links drawn as buttons, large enough to tap, with
    Streamlit's phone and mail icons drawn by the stylesheet. One piece
    of HTML, not a Streamlit element for each line and link: twenty elements
    cost a phone's main thread about 300 ms of blocking time on a first visit
    (Lighthouse, README), and the first view paints this same HTML before
    Streamlit has loaded (``web/first_view.py``), so it stands where Streamlit
    then draws it.
    """
    return '<ul class="clinic-cards">' + "".join(
        '<li class="clinic-card">'
        f"<p><strong>{escape(clinic.name)}</strong>"
        + "".join(f"<br>{escape(line)}" for line in clinic.address)
        + "</p>"
        + f'<a class="clinic-button call" href="{escape(clinic.phone_tel)}">{escape(clinic.phone_display)}</a>'
        + f'<a class="clinic-button mail" href="{escape("mailto:" + clinic.email)}">{escape(clinic.email)}</a>'
        + "</li>"
        for clinic in clinics) + "</ul>"

