"""Shared fixtures: one real locator (real index, real clinics) per test session; the app under AppTest;
a clinics file with a fifth clinic and its own index, built in a temporary folder.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from locator import Locator
from locator.build import index as build_index
from locator.clinics import CLINICS_PATH_ENV, CLINICS_TOML
from locator.store import INDEX_PATH_ENV
from tests.apptest import APP

# One clinic more than data/clinics.toml: a Manchester clinic that takes patients from Great Britain.
FIFTH_CLINIC = """
[[clinic]]
id = "manchester"
name = "Manchester"
address = ["1 Example Street", "Manchester", "M1 1AE"]
locate_by = "M1 1AE"
phone = "0800 7836106"
email = "enquiries@britishveininstitute.com"
region = "GB"
serves = ["GB", "IM", "JE", "GG"]
"""


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


@dataclass(frozen=True)
class ClinicsCheckout:
    """A clinics file and the index built for it, as an operator would point the app at them."""

    clinics_path: Path
    index_path: Path

    @property
    def env(self) -> dict[str, str]:
        return {CLINICS_PATH_ENV: str(self.clinics_path), INDEX_PATH_ENV: str(self.index_path)}

    def locator(self) -> Locator:
        return Locator.load(self.index_path, self.clinics_path)


@pytest.fixture(scope="session")
def five_clinics(tmp_path_factory) -> ClinicsCheckout:
    """data/clinics.toml plus :data:`FIFTH_CLINIC`, with its own index (never the shared data/build/)."""
    folder = tmp_path_factory.mktemp("five-clinics")
    clinics = folder / "clinics.toml"
    clinics.write_text(CLINICS_TOML.read_text(encoding="utf-8") + FIFTH_CLINIC, encoding="utf-8")
    build_index.build(folder / "index.bin", clinics_path=clinics)
    return ClinicsCheckout(clinics, folder / "index.bin")
