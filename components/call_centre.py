"""The call-centre desk: one caller's answer to read out, or a whole list at once.

Staff work from the keyboard: Tab reaches every control, Enter answers the
caller's field, Ctrl+Enter (Cmd+Enter on a Mac) runs the pasted list, and
Enter on a focused button presses it.

A list's answer is kept in the session, so answering a caller in between
does not lose it or run it again; a new paste or a new file replaces it.
"""

from __future__ import annotations

import streamlit as st

from components.copy_button import copy_button
from components.search_problem import show_problem
from components.text import markdown_as_typed
from components.view import (
    COLUMNS,
    MAX_ROWS,
    MAX_UPLOAD_MB,
    PROGRESS_AFTER,
    ListQueries,
    ListRefused,
    ListResult,
    Locator,
    SearchProblem,
    answer_list,
    distance_rows,
    look_up,
    read_list,
    readout,
)
from locator import messages
from web.audit import DOWNLOAD, LIST, LOOKUP, StaffMember, desk_action

# The main page's field, word for word: staff ask the caller the same question.
FIELD_LABEL = messages.SEARCH_LABEL
LIST_LABEL = "Postcodes, one per line"
UPLOAD_LABEL = "Or upload a CSV file"
FIND_ONE = "Find nearest clinic"
FIND_LIST = "Find nearest clinics"
COPY_LABEL = "Copy sentence"
DOWNLOAD_LABEL = "Download results (CSV)"
DOWNLOAD_NAME = "nearest-clinics.csv"
LIMITS = (f"A list may hold up to {MAX_ROWS:,} postcodes or towns, one per line; a CSV file may be up to "
          f"{MAX_UPLOAD_MB} MB. In a file, the column headed Postcode, Eircode or Location is used, "
          f"else the first column. Blank lines are skipped.")

_STATE = "cc_bulk_result"
_UPLOAD_SEEN = "cc_upload_seen"
_SUGGESTED = "cc_suggested"  # a suggestion was chosen: a lookup, for the audit log


def show_call_centre(locator: Locator, staff: StaffMember) -> None:
    """Draw the desk (under the page's title) for ``staff``: the one-caller form, then the list form, upload
    and results. Each lookup, list and download is one line of the audit log (``web.audit``)."""
    _one_caller(locator, staff)
    st.divider()
    _lists(locator, staff)


# ------------------------------------------------------------------------ one caller


# Each half is a fragment: answering a caller reruns only its own half, so a
# 50,000-row table below is not redrawn between calls.
@st.fragment
def _one_caller(locator: Locator, staff: StaffMember) -> None:
    st.header("One caller", anchor=False)
    with st.form("cc_caller", border=False):
        query = st.text_input(FIELD_LABEL, key="cc_query", placeholder=messages.SEARCH_PLACEHOLDER)
        asked = st.form_submit_button(FIND_ONE)
    if not query or not query.strip():
        return
    # A rerun for another reason (the page's, a suggestion's) shows the answer again; only a search is logged.
    if asked or st.session_state.pop(_SUGGESTED, False):
        desk_action(staff, LOOKUP)
    outcome = look_up(locator, query)
    if isinstance(outcome, SearchProblem):
        # The patient page's "did you mean", so a suggestion reads and is chosen the same way at the desk.
        show_problem(outcome.message, outcome.suggestions, _search_for)
        return
    card = outcome.card
    sentence = readout(card)
    st.markdown("**Read this out**")
    st.code(sentence, language=None, wrap_lines=True)
    copy_button(sentence, COPY_LABEL, key="cc_copy")
    if card.note:
        st.caption(markdown_as_typed(card.note))
    st.dataframe(
        distance_rows(card),
        hide_index=True,
        column_config={"Miles": st.column_config.NumberColumn(format="%.1f"),
                       "Km": st.column_config.NumberColumn(format="%.1f")},
    )


def _search_for(text: str) -> None:
    # A callback runs before the form is drawn again, so the field shows, and answers, the suggestion.
    st.session_state["cc_query"] = text
    st.session_state[_SUGGESTED] = True


# ------------------------------------------------------------------------ lists


@st.fragment
def _lists(locator: Locator, staff: StaffMember) -> None:
    st.header("A list of postcodes", anchor=False)
    st.caption(LIMITS)
    with st.form("cc_list", border=False):
        text = st.text_area(LIST_LABEL, key="cc_list_text", height=200,
                            placeholder="SL6 8DG\nD18 X5K7\nReading")
        pasted = st.form_submit_button(FIND_LIST)
    upload = st.file_uploader(UPLOAD_LABEL, type=["csv", "txt"], key="cc_upload",
                              max_upload_size=MAX_UPLOAD_MB)
    shown = st.session_state.get(_STATE)
    # A file stays in the uploader after it is answered: only a file not seen before is run,
    # so a paste answered since is not replaced by the same file on the next rerun.
    new_file = upload is not None and upload.file_id != st.session_state.get(_UPLOAD_SEEN)
    if pasted:
        shown = _run(locator, staff, read_list("paste", text or ""))
    elif upload is not None and new_file:
        shown = _run(locator, staff, read_list("upload", upload.getvalue()))
    elif upload is None and shown is not None and shown.source == "upload":
        shown = None  # the file was removed, and its answer with it
    st.session_state[_STATE] = shown
    st.session_state[_UPLOAD_SEEN] = upload.file_id if upload is not None else None
    if isinstance(shown, ListRefused):
        st.error(markdown_as_typed(shown.message))
    elif isinstance(shown, ListResult):
        _show_result(shown, staff)


def _run(locator: Locator, staff: StaffMember, read: ListQueries | ListRefused) -> ListResult | ListRefused:
    if isinstance(read, ListRefused):
        return read
    rows = len(read.queries)
    desk_action(staff, LIST, rows=rows)
    bar = st.progress(0.0, text=f"Looking up {rows:,} rows…") if rows > PROGRESS_AFTER else None

    def progress(done: int, total: int) -> None:
        if bar:
            bar.progress(done / total, text=f"Looked up {done:,} of {total:,} rows…")

    result = answer_list(locator, read, on_progress=progress)
    if bar:
        bar.empty()  # only now: the table and its CSV are part of the wait
    return result


def _show_result(result: ListResult, staff: StaffMember) -> None:
    failed = sum(result.per_error.values())
    total = len(result.rows)
    if not total:
        st.info("The list is empty: paste postcodes or towns, one per line.")
        return
    st.markdown(f"**{total:,} rows**: {total - failed:,} found, {failed:,} could not be located.")
    columns = st.columns(len(result.per_clinic) + 1)
    for column, (clinic, n) in zip(columns, result.per_clinic.items(), strict=False):
        column.metric(clinic, f"{n:,}")
    columns[-1].metric("Not located", f"{failed:,}")
    if result.per_error:
        st.dataframe([{"Problem": kind, "Rows": n} for kind, n in sorted(result.per_error.items(),
                                                                          key=lambda kv: -kv[1])],
                     hide_index=True, width="content")
    _download(result.csv, staff)
    st.dataframe(result.rows, hide_index=True, column_order=COLUMNS,
                 column_config={"Miles": st.column_config.NumberColumn(format="%.2f"),
                                "Km": st.column_config.NumberColumn(format="%.2f"),
                                "Error": st.column_config.TextColumn(width="large")})


# Its own fragment: a download's click reruns only the button (to log it), not the table beside it.
@st.fragment
def _download(csv: bytes, staff: StaffMember) -> None:
    st.download_button(DOWNLOAD_LABEL, csv, file_name=DOWNLOAD_NAME, mime="text/csv", type="primary",
                       key="cc_download", on_click=desk_action, args=(staff, DOWNLOAD))
