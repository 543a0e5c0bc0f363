"""What a person sees when their search cannot be answered."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from components.text import markdown_as_typed, markdown_escaped

HEADING = "We could not find that"
#: The key of the box the problem is drawn in (``.st-key-search-problem`` on the page).
KEY = "search-problem"


def show_problem(message: str, suggestions: Sequence[str], on_suggestion: Callable[[str], None]) -> None:
    """The core's ``message`` (what was wrong, and an example of a good search), then a button per suggestion.

    Heading and message are one alert (``st.error`` is ``role="alert"``), so
    a screen reader reads both out. The message usually repeats what was
    typed, so :func:`~components.text.markdown_as_typed` escapes it: no Markdown, no
    HTML and no automatic links, whatever the text holds.
    """
    with st.container(border=True, key=KEY):
        st.error(f"**{HEADING}**\n\n{markdown_as_typed(message)}", icon=":material/error:")
        if suggestions:
            st.markdown("**Did you mean:**")
            for i, suggestion in enumerate(suggestions):
                st.button(markdown_escaped(suggestion), key=f"suggestion-{i}", on_click=on_suggestion, args=(suggestion,),
                          icon=":material/search:")


LOCATION_HEADING = "We could not use your location"
#: The key of the box a location problem is drawn in.
LOCATION_KEY = "location-problem"


def show_location_problem(message: str) -> None:
    """Why "Use my location" gave no answer (refused, unavailable, timed out, at sea), as one alert.

    The message asks for a postcode instead; the field is not marked wrong,
    as nothing was typed in it.
    """
    with st.container(border=True, key=LOCATION_KEY):
        st.warning(f"**{LOCATION_HEADING}**\n\n{markdown_as_typed(message)}", icon=":material/location_off:")
