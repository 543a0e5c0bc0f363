"""The one search field, kept in the address bar so an answer can be shared."""

from __future__ import annotations

import streamlit as st

from locator import messages

#: The widget key, and so also the query parameter: ``?postcode=SL6%208DG``.
KEY = "postcode"
LABEL = messages.SEARCH_LABEL
PLACEHOLDER = messages.SEARCH_PLACEHOLDER
HINT = "Type your postcode or town, then press Enter."


def search_field() -> str:
    """Draw the field; return what is searched for ('' before any search).

    ``bind="query-params"`` works both ways: ``?postcode=...`` fills the
    field on arrival, and every search rewrites the URL, so the page can be
    bookmarked or shared with its answer.
    """
    query = st.text_input(
        LABEL,
        key=KEY,
        bind="query-params",
        placeholder=PLACEHOLDER,
        # Browsers offer the person's saved postcode; a town name types just as well.
        autocomplete="postal-code",
    )
    return query


def search_hint() -> None:
    """The one line of instructions, drawn above the field (outside the part that reruns on a search)."""
    st.caption(HINT)


def search_for(text: str) -> None:
    """Callback for "did you mean" buttons: search for ``text`` as if it had been typed."""
    st.session_state[KEY] = text
