"""OS Code-Point Open exactly as Ordnance Survey distributes it: ``codepo_gb.zip``, or that zip unpacked.

The release (quarterly: February, May, August, November) is downloaded from
the OS Data Hub (Code-Point Open, CSV format). Inside it:

* ``Data/CSV/<area>.csv``, one file per postcode area, no header line, 10
  columns: postcode, positional quality, eastings, northings, country, NHS
  region, NHS health authority, county, district, ward. Strings are quoted;
  the postcode is fixed width (``"AB101AB"``, ``"B1  1AA"``, ``"W1A 0AX"``).
* ``Doc/metadata.txt``: the release (``DATASET VERSION NUMBER: 2026.2.0``,
  ``COPYRIGHT DATE: 20260420``) and each area's row count.

:func:`read` gives the units as the index recipe wants them (compact keys,
eastings, northings: 0 where OS has no position) and the release they came
from. A file that is not in this layout raises :class:`CodePointError` saying
which file, which line and what was expected.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from locator import messages
from locator.errors import CodePointError

COLUMNS = 10
_CSV_DIR = "Data/CSV/"
_METADATA = "Doc/metadata.txt"
# A unit postcode once its padding is removed: outward code (2-4), inward code (3).
_UNIT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")
_VERSION = re.compile(r"DATASET VERSION NUMBER:\s*(\S+)", re.I)
_COPYRIGHT_DATE = re.compile(r"COPYRIGHT DATE:\s*(\d{8})", re.I)
_AREA_COUNT = re.compile(r"^\s*([A-Z]{1,2})\s+(\d+)\s*$", re.M)


@dataclass(frozen=True)
class Units:
    """Unit postcodes sorted by compact key (``b"SL68DG"``), with eastings and northings in metres."""

    keys: np.ndarray
    eastings: np.ndarray
    northings: np.ndarray
    release: str  # "OS Code-Point Open, April 2026 (2026.2.0)"
    warnings: tuple[str, ...] = ()


def read(path: Path) -> Units:
    """Read ``codepo_gb.zip``, or a folder holding its ``Data/CSV`` files (or those files directly)."""
    path = Path(path)
    if not path.exists():
        raise _refused(f"{path} does not exist: give the codepo_gb.zip downloaded from the OS Data Hub, "
                             f"or the folder it unpacks to.")
    try:
        if path.is_dir():
            return _read_files(_folder_files(path), path)
        if not zipfile.is_zipfile(path):
            raise _refused(f"{path} is not a zip file: give the codepo_gb.zip downloaded from the OS Data Hub "
                                 f"(Code-Point Open, CSV), or the folder it unpacks to.")
        with zipfile.ZipFile(path) as archive:
            return _read_files(_zip_files(archive), path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _refused(f"{path} could not be read ({exc}).") from exc


# --- where the files are -------------------------------------------------------------------


@dataclass(frozen=True)
class _File:
    name: str
    read_bytes: Callable[[], bytes]
    modified: datetime


def _zip_files(archive: zipfile.ZipFile) -> tuple[list[_File], bytes | None]:
    csvs, metadata = [], None
    for info in archive.infolist():
        name = info.filename.replace("\\", "/")
        # OS's zip has Data/ and Doc/ at its root; a re-zipped folder may add one folder above.
        tail = name[name.find(_CSV_DIR):] if _CSV_DIR in name else name
        if tail.startswith(_CSV_DIR) and tail.lower().endswith(".csv") and not info.is_dir():
            csvs.append(_File(tail[len(_CSV_DIR):], functools.partial(archive.read, info),
                              datetime(*info.date_time, tzinfo=UTC)))
        elif name.endswith(_METADATA):
            metadata = archive.read(info)
    return csvs, metadata


def _folder_files(folder: Path) -> tuple[list[_File], bytes | None]:
    for csv_dir in (folder / "Data" / "CSV", folder / "CSV", folder):
        found = sorted(p for p in csv_dir.glob("*.csv") if p.is_file()) if csv_dir.is_dir() else []
        if found:
            break
    metadata_path = next((p for p in (folder / "Doc" / "metadata.txt", folder.parent / "Doc" / "metadata.txt",
                                      folder / "metadata.txt") if p.is_file()), None)
    files = [_File(p.name, p.read_bytes, datetime.fromtimestamp(p.stat().st_mtime, UTC)) for p in found]
    return files, metadata_path.read_bytes() if metadata_path else None


# --- reading -------------------------------------------------------------------------------


def _read_files(found: tuple[list[_File], bytes | None], source: Path) -> Units:
    files, metadata = found
    if not files:
        raise _refused(f"{source} has no Data/CSV/*.csv files: is it the Code-Point Open download in CSV "
                             f"format (codepo_gb.zip)?")
    keys: list[bytes] = []
    eastings: list[int] = []
    northings: list[int] = []
    per_area: dict[str, int] = {}
    for file in sorted(files, key=lambda f: f.name.lower()):
        before = len(keys)
        for key, e, n in _rows(file):
            keys.append(key)
            eastings.append(e)
            northings.append(n)
        per_area[file.name.rsplit(".", 1)[0].upper()] = len(keys) - before
    key_array = np.array(keys, dtype="S7")
    order = np.argsort(key_array, kind="stable")
    sorted_keys = key_array[order]
    duplicates = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
    if duplicates.size:
        raise _refused(f"{source}: postcode {sorted_keys[duplicates[0]].decode()} appears more than once; "
                             f"is a file there twice?")
    metadata_text = metadata.decode("utf-8", "replace") if metadata else ""
    return Units(
        sorted_keys,
        np.array(eastings, dtype=np.int32)[order],
        np.array(northings, dtype=np.int32)[order],
        _release(metadata_text, max(f.modified for f in files)),
        tuple(_count_warnings(metadata_text, per_area)),
    )


def _rows(file: _File) -> Iterator[tuple[bytes, int, int]]:
    try:
        text = file.read_bytes().decode("ascii")
    except UnicodeDecodeError as exc:
        raise _refused(f"{file.name} is not a Code-Point Open CSV file (byte {exc.start} is not ASCII).") from None
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row:
            continue
        if len(row) != COLUMNS:
            raise _refused(f"{file.name}, line {line_number}: {len(row)} columns where Code-Point Open has "
                                 f"{COLUMNS} (postcode, quality, eastings, northings, then six codes).")
        compact = row[0].replace(" ", "").upper()
        if not _UNIT.fullmatch(compact):
            raise _refused(f"{file.name}, line {line_number}: {row[0]!r} is not a unit postcode such as "
                                 f"\"AB101AB\" or \"B1  1AA\".")
        try:
            easting, northing = int(row[2] or 0), int(row[3] or 0)
        except ValueError:
            raise _refused(f"{file.name}, line {line_number}: eastings and northings must be whole metres, "
                                 f"not {row[2]!r}, {row[3]!r}.") from None
        yield compact.encode("ascii"), easting, northing


def _release(metadata: str, newest_file: datetime) -> str:
    """"OS Code-Point Open, April 2026 (2026.2.0)": from Doc/metadata.txt, else the newest file's date."""
    version = _VERSION.search(metadata)
    dated = _COPYRIGHT_DATE.search(metadata)
    when = datetime.strptime(dated.group(1), "%Y%m%d").date() if dated else newest_file.date()
    label = f"OS Code-Point Open, {_month_year(when)}"
    return f"{label} ({version.group(1)})" if version else label


def _month_year(day: date) -> str:
    return day.strftime("%B %Y")


def _count_warnings(metadata: str, per_area: dict[str, int]) -> Iterator[str]:
    """Areas whose row count differs from the count Doc/metadata.txt gives (a truncated download)."""
    expected = {area: int(n) for area, n in _AREA_COUNT.findall(metadata)}
    for area, n in expected.items():
        if area in per_area and per_area[area] != n:
            yield f"{area}: {per_area[area]:,} rows, but Doc/metadata.txt says {n:,}"
    missing = sorted(set(expected) - set(per_area))
    if missing and len(missing) < len(expected):
        yield f"no file for {', '.join(missing)}, which Doc/metadata.txt lists"


def _refused(detail: str) -> CodePointError:
    """The download cannot be used: the operator's reason as detail, a plain sentence for anyone else."""
    return CodePointError(messages.SERVICE_UNAVAILABLE, detail=detail)
