"""About treatment: the clinics' patient information, with a way back to the answer it was opened from."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from components.resources import treatment_or_stop
from components.search import KEY
from components.treatment import show_treatment

#: The page's name, in the navigation and as its heading.
TITLE = "About treatment"
#: The query parameter that carries a search to this page and back.
BACK = "search"


def show(find_a_clinic_page: StreamlitPage) -> None:
    """Draw the page; ``find_a_clinic_page`` is the page a search's answer is on."""
    st.title(TITLE, anchor=False)
    # Opened from an answer: a way back to it (Streamlit drops ?postcode= when the page changes).
    searched = st.query_params.get(BACK)
    if searched:
        st.page_link(find_a_clinic_page, label="Back to your nearest clinic", icon=":material/arrow_back:",
                     query_params={KEY: searched})
    show_treatment(treatment_or_stop())
