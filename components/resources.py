"""What is loaded once per process and shared by every session and page."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import streamlit as st

from locator import Locator
from locator.answer import Answer
from locator.treatment import Section, load_sections


@st.cache_resource(show_spinner="Loading the postcode index…")
def load_locator() -> Locator:
    """The postcode index and clinics (about 0.4 s, and about 5 s the very first time, to build the index).

    Cached per process: every session and rerun shares the one read-only
    index. A failure is not cached, so the next run tries again.
    """
    return Locator.load()


@st.cache_resource
def treatment_sections() -> tuple[Section, ...]:
    return load_sections()


@st.cache_resource
def _lookup_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="lookup")


def lookup(locator: Locator, text: str) -> Answer:
    """``locator.lookup(text)`` on one long-lived thread shared by all sessions.

    Streamlit runs every script run on a new thread, and pyproj builds its
    coordinate transformer afresh on each new thread: 20 ms, the largest
    part of a search. On a thread that lives as long as the process it is
    built once. A lookup takes microseconds, so sessions do not queue
    behind each other noticeably. Raises what ``lookup`` raises.
    """
    return _lookup_thread().submit(locator.lookup, text).result()
