"""Shared fixtures: one real locator (real index, real clinics) per test session."""

import pytest

from locator import Locator


@pytest.fixture(scope="session")
def locator() -> Locator:
    return Locator.load()
