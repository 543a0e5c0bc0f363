"""What is loaded once per process and shared by every session and page.

When something cannot be loaded, the page shows the error's plain message
and stops; the operator's detail (which file, which command fixes it) goes
to the server log only.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from components import view
from components.clinic_map import Catchment, MapTiles
from components.treatment import TreatmentSection
from components.view import Locator, Unavailable, attempt

log = logging.getLogger(__name__)

T = TypeVar("T")


@st.cache_resource(show_spinner="Loading the postcode index…")
def load_locator() -> Locator:
    """The postcode index and clinics (about 0.4 s; ``python -m locator.build`` builds the index).

    Cached per process: every session and rerun shares the one read-only
    index. A failure is not cached, so the next run tries again.
    """
    locator = view.open_locator()
    # Streamlit runs a full gc.collect(2) after every script run (runner.postScriptGC); it walked
    # every object of the process, the index's tables and the imported libraries included, on
    # every search (a quarter of the server's time under load, py-spy). Frozen, they are left out;
    # what a run allocates is still collected. Measured with bench/bench_load.py (README).
    gc.freeze()
    return locator


def postcodes_release() -> str | None:
    """The Code-Point Open release the shared index was built from; None if it cannot be loaded."""
    locator = attempt(load_locator)
    return None if isinstance(locator, Unavailable) else view.postcodes_release(locator)


@st.cache_resource
def treatment_sections() -> tuple[TreatmentSection, ...]:
    return view.treatment_sections()


def locator_or_stop() -> Locator:
    """The shared locator; if it cannot be loaded, say so on the page and stop drawing it."""
    return _or_stop(load_locator)


def treatment_or_stop() -> tuple[TreatmentSection, ...]:
    """The treatment sections; if they cannot be read, say so on the page and stop drawing it."""
    return _or_stop(treatment_sections)


def _or_stop(load: Callable[[], T]) -> T:
    loaded = attempt(load)
    if isinstance(loaded, Unavailable):
        log.error("%s: %s", loaded.kind, loaded.detail or "(no detail)")
        st.error(loaded.message)
        st.stop()
    return loaded


@st.cache_resource(show_spinner="Drawing the map…")
def map_layers_for(_locator: Locator) -> tuple[Catchment | None, MapTiles | None]:
    """Who goes where (built with the index by ``python -m locator.build``) and the operator's tiles, if any.

    Either may fail without stopping the page: the map is then drawn without
    it, and the reason goes to the log for the operator. Tiles stay off
    unless their settings are whole and valid.
    """
    try:
        catchment = Catchment.from_built(view.built_map_layers(_locator))
    except (OSError, ValueError, KeyError) as exc:
        log.error("Map drawn without who-goes-where: %s", exc)
        catchment = None
    try:
        tiles = view.map_tiles()
    except (OSError, ValueError) as exc:
        log.error("Map drawn without tiles: %s", exc)
        tiles = None
    return catchment, tiles
