"""Shared fixtures: one real locator (real index, real clinics) per test session; the app under AppTest;
a clinics file with a fifth clinic and its own index, built in a temporary folder; and the guard that
fails the run if any test wrote the shared built data (data/build/, static/map/build/).
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from locator import Locator, store
from locator.build import index as build_index
from locator.clinics import CLINICS_PATH_ENV, CLINICS_TOML
from locator.map_layers import DEFAULT_OUT_DIR
from locator.store import INDEX_PATH_ENV
from tests.apptest import APP

# What `python -m locator.build` makes and every test only reads.
SHARED_BUILT = (store.DEFAULT_INDEX_PATH.parent, DEFAULT_OUT_DIR)

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


def built_files() -> dict[Path, tuple[int, int, int]]:
    """Each file under the shared built folders, with what a write would change: inode, size, modification time."""
    return {path: (info.st_ino, info.st_size, info.st_mtime_ns)
            for folder in SHARED_BUILT for path in sorted(folder.rglob("*")) if path.is_file()
            for info in [path.stat()]}


@pytest.fixture(scope="session", autouse=True)
def shared_built_data_is_left_alone():
    """No test writes the shared index or map layers: the run fails (an error after the last test) if one did."""
    before = built_files()
    yield
    after = built_files()
    changed = sorted(str(p) for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert not changed, f"tests wrote the shared built data: {changed}"
