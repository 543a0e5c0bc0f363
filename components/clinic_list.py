"""Every clinic with its contact details, shown before and after a search."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from components.view import ClinicPin

HEADING = "Our clinics"
NUMBERS_NOTE = ("Numbers are written as dialled within each clinic's own country. "
                "Search above for the number to dial from where you are.")

def clinic_list_html(clinics: Sequence[ClinicPin]) -> str:
    """"Our clinics" (an h2), a note on the numbers, and each clinic's name, address, phone (a ``tel:``
    link) and email (a ``mailto:`` link), as escaped HTML for ``st.html``.

    Side by side on wide screens, one under another on phones (``layout.css``);
    phone and email are links drawn as buttons, large enough to tap, with
    Streamlit's phone and mail icons drawn by the stylesheet. Plain HTML, not a
    Streamlit element for each heading, line and link: each element costs a
    phone's main thread time on a first visit (twenty of them about 300 ms of
    blocking time in Lighthouse, README), and the first view paints this same
    HTML before Streamlit has loaded (``web/first_view.py``), so it stands
    where Streamlit then draws it.
    """
    cards = "".join(
        '<li class="clinic-card">'
        f"<p><strong>{escape(clinic.name)}</strong>"
        + "".join(f"<br>{escape(line)}" for line in clinic.address)
        + "</p>"
        + f'<a class="clinic-button call" href="{escape(clinic.phone_tel)}">{escape(clinic.phone_display)}</a>'
        + f'<a class="clinic-button mail" href="{escape("mailto:" + clinic.email)}">{_breakable(clinic.email)}</a>'
        + "</li>"
        for clinic in clinics)
    return (f'<h2>{escape(HEADING)}</h2><p class="html-caption">{escape(NUMBERS_NOTE)}</p>'
            f'<ul class="clinic-cards">{cards}</ul>')


def _breakable(email: str) -> str:
    """``email`` escaped, and free to wrap after its "@" rather than mid-word where a column is narrow."""
    return "@<wbr>".join(escape(part) for part in email.split("@"))
