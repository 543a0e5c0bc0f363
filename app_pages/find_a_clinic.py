"""Find a clinic: the search, its answer and the map, then every clinic. The app's first page."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from app_pages.about_treatment import BACK
from components.answer_card import first_line, heading, show_answer
from components.clinic_list import clinic_list_html
from components.clinic_map import Catchment, MapTiles, map_notes_html, show_map
from components.my_location import my_location_button
from components.resources import locator_or_stop, map_layers_for
from components.search import LABEL, search_field, search_for, search_hint
from components.search_feedback import search_feedback
from components.search_problem import KEY as PROBLEM_KEY
from components.search_problem import show_location_problem, show_problem
from components.view import Answered, ClinicPin, LocationProblem, Locator, SearchProblem, clinic_pins, search
from locator import messages

#: The page's name in the navigation; its heading is the question it answers (``messages.PAGE_HEADING``).
TITLE = "Find a clinic"


def show(treatment_page: StreamlitPage) -> None:
    """Draw the page; ``treatment_page`` is About treatment, which it links to."""
    locator = locator_or_stop()
    pins = clinic_pins(locator.clinics)
    st.title(messages.PAGE_HEADING, anchor=False)
    search_hint()
    catchment, tiles = map_layers_for(locator)
    search_and_answer(locator, pins, catchment, tiles, treatment_page)
    # One element: each Streamlit element costs a phone's main thread time on a first visit (README).
    with st.container(key="clinic-list"):
        st.html(f'<div class="html-flow">{map_notes_html(catchment, tiles)}{clinic_list_html(pins)}</div>')
    st.page_link(treatment_page, label="About treatment: what to expect at your visit", icon=":material/info:")


@st.fragment
def search_and_answer(locator: Locator, pins: list[ClinicPin], catchment: Catchment | None,
                      tiles: MapTiles | None, treatment_page: StreamlitPage) -> None:
    """The part of the page a search changes: a search reruns only this (see ADR 4)."""
    searched = None
    # Stacked on phones in this order: the answer comes straight after the field.
    left, right = st.columns(2, gap="medium")
    with left:
        query = search_field()
        # A position answers in place of the search, which is cleared first (and so the address bar).
        device = my_location_button(on_click=lambda: search_for(""))
        outcome = search(locator, query, device)
        announce, problem = "", None
        if isinstance(outcome, LocationProblem):
            show_location_problem(outcome.message)
        elif isinstance(outcome, SearchProblem):
            show_problem(outcome.message, outcome.suggestions, search_for)
            problem = PROBLEM_KEY
        elif isinstance(outcome, Answered):
            from_device = bool(device)
            card = outcome.card
            # Never a position in the address bar: the page link carries only what was typed.
            show_answer(card, treatment_page, search_for, {} if from_device else {BACK: query}, from_device)
            announce = f"{heading(card)}. {first_line(card, from_device)}."
            searched = outcome.pin
        search_feedback(LABEL, announce=announce, problem_key=problem)
    with right:
        # The same base map on every run: a search only swaps its search layer (ADR 11).
        show_map(pins, searched, catchment=catchment, tiles=tiles, key="clinic_map")
