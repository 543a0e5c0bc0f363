"""What a person sees when their search cannot be answered."""

from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from components.text import md

HEADING = "We could not find that"


def show_problem(message: str, suggestions: Sequence[str], on_suggestion: Callable[[str], None]) -> None:
    """The core's ``message`` (what was wrong, and an example of a good search), then a button per suggestion.

    The message usually repeats what was typed, so it is drawn with
    ``st.text``: no Markdown, no HTML and no automatic links, whatever the
    text holds.
    """
    with st.container(border=True, key="search-problem"):
        st.error(HEADING, icon=":material/error:")
        st.text(message)
        if suggestions:
            st.markdown("**Did you mean:**")
            for i, suggestion in enumerate(suggestions):
                st.button(md(suggestion), key=f"suggestion-{i}", on_click=on_suggestion, args=(suggestion,),
                          icon=":material/search:")
