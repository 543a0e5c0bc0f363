"""Call centre: the staff desk, behind the staff sign-in. Never linked from a patient's page."""

from __future__ import annotations

import streamlit as st

#: The page's name, in the navigation and as its heading.
TITLE = "Call centre"


def show() -> None:
    """Draw the page: the sign-in, or, once signed in, the desk."""
    # Imported here so that the desk's modules load only when this page is opened.
    from components.call_centre import show_call_centre
    from components.resources import locator_or_stop
    from components.staff_sign_in import staff_signed_in

    st.title(TITLE, anchor=False)
    staff = staff_signed_in()
    if staff:
        show_call_centre(locator_or_stop(), staff)
