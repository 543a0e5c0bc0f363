"""Shared fixtures: one real locator (real index, real clinics) per test session; the app under AppTest."""

import pytest
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
