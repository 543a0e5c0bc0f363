"""The built postcode index on disk: where it lives, its file format, and reading it.

Only reads: the index is built, and rebuilt when its inputs change, by
:mod:`locator.build` (``python -m locator.build``, which ``bin/setup`` runs).

The file: :data:`MAGIC`, an 8-byte little-endian header length, a JSON header
(meta, tables and where each array lies), then the raw arrays, each starting
on an :data:`ALIGN`-byte boundary. ``np.fromfile`` reads each straight into its
final buffer, so loading costs the arrays' own size and no transient copies.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import IO, Any

import numpy as np

from locator import clinics, messages, reference
from locator.errors import IndexUnavailable
from locator.gazetteer import PostcodeIndex

INDEX_PATH_ENV = "CLINIC_LOCATOR_INDEX"
DEFAULT_INDEX_PATH = reference.DATA_DIR / "build" / "index.bin"
MAGIC = b"CLINIC-LOCATOR-INDEX\n"
ALIGN = 64
BUILD_COMMAND = "python -m locator.build"


def index_path() -> Path:
    """Where the built index lives: ``$CLINIC_LOCATOR_INDEX`` or ``data/build/index.bin``."""
    return Path(os.environ.get(INDEX_PATH_ENV) or DEFAULT_INDEX_PATH)


def aligned(size: int) -> int:
    """``size`` rounded up to the next :data:`ALIGN` boundary."""
    return -(-size // ALIGN) * ALIGN


def data_start(header_length: int) -> int:
    """Where the first array starts, after the magic, the length and a header of ``header_length`` bytes."""
    return aligned(len(MAGIC) + 8 + header_length)


def clinics_digest(clinics_path: Path) -> str:
    """The clinics file an index was built for (its positions are in the index)."""
    return hashlib.sha256(Path(clinics_path).read_bytes()).hexdigest()


def _header(f: IO[bytes]) -> tuple[dict[str, Any], int]:
    if f.read(len(MAGIC)) != MAGIC:
        raise ValueError("not a Clinic Locator index file")
    length = int.from_bytes(f.read(8), "little")
    return json.loads(f.read(length)), data_start(length)


def read_meta(path: Path) -> dict[str, Any]:
    """The ``meta`` of the index file at ``path`` (its fingerprint, release, build time)."""
    with open(path, "rb") as f:
        return _header(f)[0]["meta"]


def read(path: Path, clinics_path: Path | None = None) -> PostcodeIndex:
    """The index in ``path``. Raises ``ValueError`` if it was built for another clinics file than ``clinics_path``."""
    with open(path, "rb") as f:
        header, start = _header(f)
        if clinics_path is not None and header["meta"].get("clinics") != clinics_digest(clinics_path):
            raise ValueError(f"it was built for another clinics file than {clinics_path}")
        arrays = {}
        for name, spec in header["arrays"].items():
            f.seek(start + spec["offset"])
            arrays[name] = np.fromfile(f, dtype=np.dtype(spec["dtype"]), count=spec["count"])
    return PostcodeIndex.from_tables(arrays, header["tables"], header["meta"])


def load(path: Path | None = None, *, clinics_path: Path | None = None) -> PostcodeIndex:
    """The built index, which must have been built for ``clinics_path`` (default :func:`locator.clinics.clinics_path`).

    Raises :class:`IndexUnavailable` if it is missing, unreadable or built for
    other clinics: its message is for people, its ``detail`` says what an
    operator should do.
    """
    path = Path(path or index_path())
    clinics_path = Path(clinics_path or clinics.clinics_path())
    if not path.exists():
        raise IndexUnavailable(messages.SERVICE_UNAVAILABLE,
                               detail=f"There is no postcode index at {path}; build it with `{BUILD_COMMAND}`.")
    try:
        return read(path, clinics_path)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexUnavailable(messages.SERVICE_UNAVAILABLE,
                               detail=f"The postcode index at {path} cannot be used ({exc}); "
                                      f"rebuild it with `{BUILD_COMMAND}`.") from exc
