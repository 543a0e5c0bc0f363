"""The call-centre desk: one caller's answer to read out, or a whole list at once.

Staff work from the keyboard: the caller's field submits with Enter, the
list with Ctrl+Enter, and every control is reachable with Tab.
"""

from __future__ import annotations

import streamlit as st

from components.readout import readout_sentence
from locator import bulk
from locator.errors import LocatorError

FIELD_LABEL = "Postcode or town"
LIST_LABEL = "Postcodes, one per line"
CHUNK = 5_000


def show_call_centre(locator) -> None:
    """Draw the desk: the one-caller form, then the bulk list form and upload."""
    st.header("Call centre")
    _one_caller(locator)
    st.divider()
    _bulk(locator)


def _one_caller(locator) -> None:
    st.subheader("One caller")
    with st.form("cc_caller", border=False):
        query = st.text_input(FIELD_LABEL, key="cc_query", placeholder="e.g. SL6 8DG, D18 X5K7 or Reading")
        st.form_submit_button("Find nearest clinic")
    if not query or not query.strip():
        return
    try:
        answer = locator.lookup(query)
    except LocatorError as exc:
        st.error(exc.message)
        return
    st.markdown("**Read this out**")
    st.code(readout_sentence(answer), language=None, wrap_lines=True)
    if answer.location.note:
        st.caption(answer.location.note)
    st.dataframe(
        [{"Clinic": d.clinic.name, "Miles": round(d.miles, 1), "Km": round(d.km, 1),
          "Takes this caller": "yes" if d.serves_you else "no"} for d in answer.distances],
        hide_index=True,
    )


def _bulk(locator) -> None:
    st.subheader("A list of postcodes")
    st.caption(f"One list may hold up to {bulk.MAX_ROWS:,} postcodes or towns; "
               f"an uploaded CSV may be up to {bulk.MAX_UPLOAD_MB} MB.")
    with st.form("cc_list", border=False):
        text = st.text_area(LIST_LABEL, key="cc_list_text", height=200)
        pasted = st.form_submit_button("Find nearest clinics")
    upload = st.file_uploader("Or upload a CSV", type=["csv", "txt"], key="cc_upload",
                              max_upload_size=bulk.MAX_UPLOAD_MB)
    try:
        if pasted:
            queries = bulk.read_queries_text(text or "")
        elif upload is not None:
            queries = bulk.read_queries_csv(upload.getvalue())
        else:
            return
    except LocatorError as exc:
        st.error(exc.message)
        return
    rows = _lookup_in_chunks(locator, queries)
    st.dataframe(rows, hide_index=True, column_order=bulk.COLUMNS)
    st.download_button("Download results (CSV)", bulk.to_csv_bytes(rows), file_name="nearest-clinics.csv",
                       mime="text/csv", on_click="ignore")


def _lookup_in_chunks(locator, queries: list[str]) -> list[dict]:
    bar = st.progress(0.0, text=f"Looking up {len(queries):,} rows…") if len(queries) > CHUNK else None
    rows: list[dict] = []
    for start in range(0, len(queries), CHUNK):
        rows += bulk.result_rows(locator.lookup_many(queries[start:start + CHUNK]))
        if bar:
            bar.progress(min(1.0, (start + CHUNK) / len(queries)), text=f"Looked up {len(rows):,} of {len(queries):,}")
    if bar:
        bar.empty()
    return rows
