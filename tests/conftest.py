"""Shared fixtures: one real locator (real index, real clinics) per test session; the app under AppTest."""

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from locator import Locator
from tests.apptest import APP


@pytest.fixture(scope="session")
def locator() -> Locator:
    return Locator.load()


@pytest.fixture
def app() -> AppTest:
    """The whole app (app.py), not yet run."""
    return AppTest.from_file(str(APP), default_timeout=60)


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    """What show_map hands to st_folium's frontend: a list of the component calls' arguments."""
    calls: list[dict] = []

    def component(**kwargs) -> dict:
        calls.append(kwargs)
        return {}

    monkeypatch.setattr(streamlit_folium, "_component_func", component)
    return calls
