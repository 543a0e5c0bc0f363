"""Clinic Locator: which vein clinic to go to, how far it is, and how to reach it.

The entry file only navigates: each page is a module of ``app_pages``, which
draws with ``components`` and asks the core through ``components.view``.
Run it with ``bin/app``. See docs/adr/0004-app-composition.md.
"""

import streamlit as st

from app_pages import about_treatment, call_centre, find_a_clinic
from components.footer import show_footer
from components.resources import load_locator, postcodes_release
from components.view import credits
from locator import messages
from web.staff_oidc import DESK_PATH


def navigate() -> None:
    """The page the address names, under the app's settings and above the footer every page has."""
    # An emoji favicon is drawn locally; a Material icon one (the pages' own icons, if none
    # is set here) would be fetched from fonts.gstatic.com.
    st.set_page_config(page_title=messages.APP_NAME, page_icon="📍", layout="wide")

    # Find a clinic and About treatment link to each other: each is handed the other when it runs.
    def show_find_a_clinic() -> None:
        find_a_clinic.show(about_treatment_page)

    def show_about_treatment() -> None:
        about_treatment.show(find_a_clinic_page)

    find_a_clinic_page = st.Page(show_find_a_clinic, title=find_a_clinic.TITLE, icon=":material/location_on:",
                                 url_path="", default=True)
    about_treatment_page = st.Page(show_about_treatment, title=about_treatment.TITLE,
                                   icon=":material/medical_information:", url_path="about-treatment")
    page = st.navigation(
        [
            find_a_clinic_page,
            # Staff's, not patients': opened at /call-centre, never linked from the navigation.
            st.Page(call_centre.show, title=call_centre.TITLE, icon=":material/support_agent:",
                    url_path=DESK_PATH.lstrip("/"), visibility="hidden"),
            about_treatment_page,
        ],
        position="top",
    )
    page.run()
    show_footer(credits(), postcodes_release())


if __name__ == "__main__":  # Streamlit runs this file as the script that draws every page
    navigate()
else:
    # `streamlit run app.py` first imports this file to find `app` (st.App): one server for
    # the pages and, beside them, the JSON API, framing rules and CORS (web/server.py).
    from web.server import server_options

    app = st.App(__file__, **server_options(load_locator))
