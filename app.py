"""Clinic Locator: which vein clinic to go to, how far it is, and how to reach it.

Page set-up and wiring only: ``locator`` answers, ``components`` draw.
Run it with ``bin/app``. See docs/adr/0004-app-composition.md.
"""

import streamlit as st

from components.answer_card import first_line, heading, show_answer
from components.clinic_list import show_clinic_list
from components.clinic_map import Catchment, show_map, show_map_notes
from components.footer import show_footer
from components.my_location import DevicePosition, my_location_button
from components.resources import load_locator, locator_or_stop, map_layers_for, postcodes_release, treatment_or_stop
from components.search import KEY, LABEL, search_field, search_for, search_hint
from components.search_feedback import search_feedback
from components.search_problem import KEY as PROBLEM_KEY
from components.search_problem import show_location_problem, show_problem
from components.treatment import show_treatment
from components.view import ClinicPin, answer_card, clinic_pins, search_pin
from locator import Locator, LocatorError
from locator.map_layers import Tiles
from locator.position import device_failure
from locator.sources import sources
from web.metrics import PAGE, counted_search
from web.staff_oidc import DESK_PATH

# The query parameter that carries a search to the About treatment page and back.
BACK = "search"


def find_a_clinic() -> None:
    locator = locator_or_stop()
    pins = clinic_pins(locator.clinics)
    st.title("Find your nearest clinic", anchor=False)
    search_hint()
    catchment, tiles = map_layers_for(locator)
    search_and_answer(locator, pins, catchment, tiles)
    show_map_notes(catchment, tiles)
    show_clinic_list(pins)
    st.page_link(about_treatment_page, label="About treatment: what to expect at your visit", icon=":material/info:")


@st.fragment
def search_and_answer(locator: Locator, pins: list[ClinicPin], catchment: Catchment | None,
                      tiles: Tiles | None) -> None:
    """The part of the page a search changes: a search reruns only this (see ADR 4)."""
    searched = None
    # Stacked on phones in this order: the answer comes straight after the field.
    left, right = st.columns(2, gap="medium")
    with left:
        query = search_field()
        # A position answers in place of the search, which is cleared first (and so the address bar).
        device = my_location_button(on_click=lambda: search_for(""))
        answer, announce, problem = None, "", None
        try:
            if isinstance(device, DevicePosition):
                answer = counted_search(PAGE, locator.lookup_position, device.lat, device.lon, device.accuracy_m)
            elif device:
                raise device_failure(device)
            elif query:
                answer = counted_search(PAGE, locator.lookup, query)
        except LocatorError as exc:
            if device:
                show_location_problem(exc.message)
            else:
                show_problem(exc.message, exc.suggestions, search_for)
                problem = PROBLEM_KEY
        if answer:
            from_device = bool(device)
            card = answer_card(answer)
            # Never a position in the address bar: the page link carries only what was typed.
            show_answer(card, about_treatment_page, search_for, {} if from_device else {BACK: query}, from_device)
            announce = f"{heading(card)}. {first_line(card, from_device)}."
            searched = search_pin(answer)
        search_feedback(LABEL, announce=announce, problem_key=problem)
    with right:
        # The same base map on every run: a search only swaps its search layer (ADR 11).
        show_map(pins, searched, catchment=catchment, tiles=tiles, key="clinic_map")


def call_centre() -> None:
    # Imported here so that this page's module loads only when the page is opened.
    from components.call_centre import show_call_centre
    from components.staff_sign_in import staff_signed_in

    st.title("Call centre", anchor=False)
    staff = staff_signed_in()
    if staff:
        show_call_centre(locator_or_stop(), staff)


def about_treatment() -> None:
    st.title("About treatment", anchor=False)
    # Opened from an answer: a way back to it (Streamlit drops ?postcode= when the page changes).
    searched = st.query_params.get(BACK)
    if searched:
        st.page_link(find_a_clinic_page, label="Back to your nearest clinic", icon=":material/arrow_back:",
                     query_params={KEY: searched})
    show_treatment(treatment_or_stop())


if __name__ == "__main__":  # Streamlit runs this file as the script that draws every page
    # An emoji favicon is drawn locally; a Material icon one (the pages' own icons, if none
    # is set here) would be fetched from fonts.gstatic.com.
    st.set_page_config(page_title="Clinic Locator", page_icon="📍", layout="wide")
    find_a_clinic_page = st.Page(find_a_clinic, title="Find a clinic", icon=":material/location_on:", url_path="",
                                 default=True)
    about_treatment_page = st.Page(about_treatment, title="About treatment", icon=":material/medical_information:",
                                   url_path="about-treatment")
    page = st.navigation(
        [
            find_a_clinic_page,
            # Staff's, not patients': opened at /call-centre, never linked from the navigation.
            st.Page(call_centre, title="Call centre", icon=":material/support_agent:", url_path=DESK_PATH.lstrip("/"),
                    visibility="hidden"),
            about_treatment_page,
        ],
        position="top",
    )
    page.run()
    show_footer(sources(), postcodes_release())
else:
    # `streamlit run app.py` first imports this file to find `app` (st.App): one server for
    # the pages and, beside them, the JSON API, framing rules and CORS (web/server.py).
    from web.server import server_options

    app = st.App(__file__, **server_options(load_locator))
