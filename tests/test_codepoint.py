"""Fresh postcode data: the index rebuilt from Code-Point Open exactly as OS distributes it.

The test writes its own small codepo_gb.zip in OS's layout (Data/CSV/<area>.csv with 10
quoted columns and fixed-width postcodes, Doc/metadata.txt), holding real postcodes at their
real positions and one postcode the packaged July 2024 data does not have.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from locator import Locator, store
from locator.build import codepoint
from locator.store import INDEX_PATH_ENV

REPO = Path(__file__).resolve().parent.parent
# Real postcodes, written as OS writes them: 7 characters, the outward code padded with spaces.
REAL = ["SL6 8DG", "HP7 0HP", "W1G 8AJ", "B1 1BB", "L1 8JQ", "EH1 1YZ"]
NEW = "SL6 8YY"  # not in July 2024's data: as if issued since
METADATA = """ORDNANCE SURVEY
PRODUCT: OS CODE-POINT_03.02
DATASET VERSION NUMBER: 2026.2.0
COPYRIGHT DATE: 20260420
RM UPDATE DATE: 20260417
      B           1
     EH           1
     HP           1
      L           1
     SL           2
      W           1
"""


def fixed_width(postcode: str) -> str:
    outward, inward = postcode.split()
    return f"{outward:<4}{inward}" if len(outward) < 4 else outward + inward


def os_row(postcode: str, easting: int, northing: int) -> str:
    return (f'"{fixed_width(postcode)}",10,{easting},{northing},"E92000001","E19000003","E18000007","",'
            f'"E06000040","E05002360"')


@pytest.fixture(scope="module")
def positions(locator) -> dict[str, tuple[int, int]]:
    index = locator.index
    out = {}
    for postcode in REAL:
        row = index.unit_row(postcode.replace(" ", ""))
        out[postcode] = (int(index.unit_e[row]), int(index.unit_n[row]))
    maidenhead = out["SL6 8DG"]
    out[NEW] = (maidenhead[0] + 400, maidenhead[1] + 300)
    return out


def write_release(folder: Path, positions: dict[str, tuple[int, int]]) -> None:
    """The files of a Code-Point Open release, as codepo_gb.zip unpacks."""
    by_area: dict[str, list[str]] = {}
    for postcode, (e, n) in positions.items():
        area = postcode[:2].rstrip("0123456789").lower()
        by_area.setdefault(area, []).append(os_row(postcode, e, n))
    (folder / "Data" / "CSV").mkdir(parents=True)
    (folder / "Doc").mkdir()
    for area, rows in by_area.items():
        (folder / "Data" / "CSV" / f"{area}.csv").write_text("\r\n".join(rows) + "\r\n")
    (folder / "Doc" / "metadata.txt").write_text(METADATA)
    (folder / "Doc" / "licence.txt").write_text("Open Government Licence")


@pytest.fixture(scope="module")
def release_zip(tmp_path_factory, positions) -> Path:
    folder = tmp_path_factory.mktemp("unpacked")
    write_release(folder, positions)
    path = folder.parent / "codepo_gb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return path


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def rebuilt(release_zip, tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("index") / "index.bin"
    done = run("-m", "locator.build", "--index-only", "--codepoint", str(release_zip), "--path", str(index))
    assert done.returncode == 0, done.stderr
    assert "OS Code-Point Open, April 2026" in done.stdout
    return index


def test_the_reader_takes_os_fixed_width_postcodes_and_the_release_from_the_metadata(release_zip, positions):
    units = codepoint.read(release_zip)
    assert sorted(k.decode() for k in units.keys) == sorted(p.replace(" ", "") for p in positions)
    row = list(units.keys).index(b"B11BB")
    assert (units.eastings[row], units.northings[row]) == positions["B1 1BB"]
    assert units.release == "OS Code-Point Open, April 2026 (2026.2.0)"
    assert units.warnings == ()


def test_a_postcode_issued_since_july_2024_is_found_after_the_rebuild(rebuilt, locator):
    before = locator.lookup(NEW).location
    assert before.precision.value == "sector" and "July 2024" in before.note
    fresh = Locator.load(rebuilt)
    answer = fresh.lookup(NEW)
    assert answer.location.precision.value == "postcode" and answer.clinic.name == "Maidenhead"
    assert fresh.lookup("B1 1BB").location.normalised == "B1 1BB"
    assert fresh.index.meta["codepoint_release"] == "OS Code-Point Open, April 2026 (2026.2.0)"


def test_the_release_shows_in_version(rebuilt):
    done = run("-m", "locator", "--version", env={INDEX_PATH_ENV: str(rebuilt)})
    assert done.returncode == 0 and "OS Code-Point Open, April 2026 (2026.2.0)" in done.stdout


def test_the_packaged_july_2024_data_stays_the_default(locator):
    assert locator.index.meta["codepoint_release"] == "OS Code-Point Open, July 2024"
    done = run("-m", "locator", "--version")
    assert "OS Code-Point Open, July 2024" in done.stdout


def test_the_unpacked_folder_works_as_well_as_the_zip(tmp_path, positions):
    write_release(tmp_path, positions)
    assert len(codepoint.read(tmp_path).keys) == len(positions)
    assert len(codepoint.read(tmp_path / "Data" / "CSV").keys) == len(positions)


def test_a_row_count_that_differs_from_the_metadata_is_reported(tmp_path, positions):
    write_release(tmp_path, positions)
    (tmp_path / "Data" / "CSV" / "sl.csv").write_text(os_row("SL6 8DG", *positions["SL6 8DG"]) + "\r\n")
    assert codepoint.read(tmp_path).warnings == ("SL: 1 rows, but Doc/metadata.txt says 2",)


@pytest.mark.parametrize("content, says", [
    ('"SL6 8DG",10,491000,181000\r\n', "4 columns"),
    ('"90210",10,491000,181000,"","","","","",""\r\n', "not a unit postcode"),
    ('"SL6 8DG",10,east,north,"","","","","",""\r\n', "whole metres"),
    ("Postcode,PQ,Easting,Northing,a,b,c,d,e,f\r\n", "not a unit postcode"),
])
def test_a_file_not_in_os_layout_is_refused_saying_where_and_why(tmp_path, content, says):
    (tmp_path / "Data" / "CSV").mkdir(parents=True)
    (tmp_path / "Data" / "CSV" / "sl.csv").write_text(content)
    with pytest.raises(codepoint.CodePointError, match=says) as refused:
        codepoint.read(tmp_path)
    assert "sl.csv, line 1" in refused.value.detail


def test_something_that_is_not_the_download_gets_a_clear_message_not_a_traceback(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    for path, says in [(tmp_path / "missing.zip", "does not exist"), (tmp_path / "notes.txt", "not a zip"),
                       (tmp_path, "no Data/CSV")]:
        done = run("-m", "locator.build", "--index-only", "--codepoint", str(path), "--path", str(tmp_path / "i.bin"))
        assert done.returncode != 0 and says in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / "i.bin").exists()


def test_the_built_index_records_where_it_came_from(rebuilt, release_zip):
    assert store.read_meta(rebuilt)["codepoint_source"] == str(release_zip.resolve())


def footer_release(monkeypatch, index: Path | None) -> str:
    from streamlit.testing.v1 import AppTest

    from components.resources import load_locator

    if index:
        monkeypatch.setenv(INDEX_PATH_ENV, str(index))
    load_locator.clear()  # the process-wide cached index: this test's, then the default again
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    finally:
        load_locator.clear()
    assert not at.exception
    lines = (line.replace("\\", "") for c in at.caption for line in c.value.split("\n"))
    return next(line for line in lines if line.startswith("Postcode data"))


def test_the_footer_names_the_release_the_answers_come_from(monkeypatch, rebuilt):
    assert footer_release(monkeypatch, None) == "Postcode data: OS Code-Point Open, July 2024."
    assert footer_release(monkeypatch, rebuilt) == "Postcode data: OS Code-Point Open, April 2026 (2026.2.0)."


def test_a_postcode_still_missing_is_explained_with_the_release_in_use(rebuilt):
    note = Locator.load(rebuilt).lookup("SL6 8YZ").location.note
    assert "OS Code-Point Open, April 2026" in note and "July 2024" not in note
