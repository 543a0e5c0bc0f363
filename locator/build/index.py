"""Building the index file: when it is missing or out of date, from the recipe (:mod:`locator.build.recipe`).

The index is out of date when its fingerprint changes: the data packages'
versions, the reference tables, the clinics file, or the code that decides
what the index holds. That code is this build package as a whole and every
module of the core it imports, found by reading their imports, so a module
added to either is covered without a list to keep.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import numpy as np

from locator import areas, clinics, reference, store
from locator.build import codepoint as codepoint_release
from locator.build import recipe
from locator.build.packages import DISTRIBUTIONS, read_packaged_codepoint
from locator.gazetteer import PACKAGED_CODEPOINT_RELEASE, PostcodeIndex
from locator.parse import outside

_LOCATOR = Path(__file__).resolve().parent.parent
_BUILD = Path(__file__).resolve().parent


def _module_path(name: str) -> Path | None:
    """The source file of a ``locator`` module or package, or None for anything else."""
    parts = name.split(".")
    if parts[0] != "locator":
        return None
    base = _LOCATOR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(path: Path) -> set[str]:
    """The ``locator`` modules ``path`` imports (``from locator import x`` counts ``locator.x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "locator" or name.startswith("locator.")}


def recipe_sources() -> list[Path]:
    """Every file of the build package, and every core module it imports, directly or not."""
    seen: set[Path] = set()
    todo = sorted(_BUILD.glob("*.py"))
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(p for p in map(_module_path, _imported(path)) if p is not None and p not in seen)
    return sorted(seen)


def fingerprint(clinics_path: Path) -> str:
    """A hash of everything the index is built from: data versions, reference tables, clinics, the recipe's code."""
    h = hashlib.sha256()
    for dist in DISTRIBUTIONS:
        h.update(f"{dist}={importlib.metadata.version(dist)};".encode())
    for path in (reference.DISTRICTS_CSV, reference.ROUTING_KEYS_CSV, areas.AREAS_CSV, outside.OUTSIDE_TOML,
                 clinics_path, *recipe_sources()):
        h.update(path.read_bytes())
    return h.hexdigest()


def _write(f: IO[bytes], arrays: dict[str, np.ndarray], header: dict[str, Any]) -> None:
    """The file :func:`locator.store.read` reads: magic, header length, JSON header, aligned arrays."""
    specs: dict[str, dict[str, Any]] = {}
    offset = 0
    for name, array in arrays.items():
        specs[name] = {"dtype": array.dtype.str, "count": int(array.size), "offset": offset}
        offset += store.aligned(array.nbytes)
    header_bytes = json.dumps({**header, "arrays": specs}).encode()
    start = store.data_start(len(header_bytes))
    f.write(store.MAGIC + len(header_bytes).to_bytes(8, "little") + header_bytes)
    for name, array in arrays.items():
        f.seek(start + specs[name]["offset"])
        f.write(np.ascontiguousarray(array).tobytes())


def build(path: Path | None = None, *, clinics_path: Path | None = None, codepoint: Path | None = None,
          verbose: bool = False) -> PostcodeIndex:
    """Build the index from the installed data and the clinics file, write it atomically to ``path``, return it.

    GB postcodes come from the packaged Code-Point Open, or from ``codepoint``
    (``codepo_gb.zip`` or its unpacked folder) if given.
    """
    path = Path(path or store.index_path())
    clinics_path = Path(clinics_path or clinics.clinics_path())
    started = time.perf_counter()
    if codepoint is None:
        keys, e, n = read_packaged_codepoint()
        release, source = PACKAGED_CODEPOINT_RELEASE, None
    else:
        units = codepoint_release.read(codepoint)
        for warning in units.warnings:
            print(f"warning: {codepoint}: {warning}", file=sys.stderr)
        keys, e, n = units.keys, units.eastings, units.northings
        release, source = units.release, str(Path(codepoint).resolve())
    index = recipe.make(keys, e, n, clinics_path)
    meta = {
        "fingerprint": fingerprint(clinics_path),
        "clinics": store.clinics_digest(clinics_path),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "codepoint_release": release,
        "codepoint_source": source,
        "units": int(len(keys)),
        "units_without_coordinates": int((e <= 0).sum()),
        "places": len(index.places),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {"unit_keys": keys, "unit_e": e, "unit_n": n}
    # Write then rename, so a reader never sees half a file even if two processes build at once.
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".index-", delete=False) as tmp:
        _write(tmp, arrays, {"meta": meta, "tables": index.tables()})
    os.replace(tmp.name, path)
    if verbose:
        print(f"Built {path} in {time.perf_counter() - started:.1f} s from {release}: {meta['units']:,} postcodes, "
              f"{len(index.sectors):,} sectors, {len(index.districts) + len(index.districts_by_town):,} districts, "
              f"{len(index.places):,} places; districts with no location: "
              f"{', '.join(index.unlocated_districts) or 'none'}")
    return store.read(path)


def ensure(path: Path | None = None, *, clinics_path: Path | None = None, verbose: bool = False) -> PostcodeIndex:
    """The index at ``path``, built first if it is missing or out of date.

    A release built from a download stays that release while the download is there.
    """
    path = Path(path or store.index_path())
    clinics_path = Path(clinics_path or clinics.clinics_path())
    meta = None
    if path.exists():
        try:
            meta = store.read_meta(path)
        except (OSError, ValueError, KeyError):
            meta = None  # unreadable: built again below
    if meta is not None and meta.get("fingerprint") == fingerprint(clinics_path):
        return store.read(path)
    source = meta.get("codepoint_source") if meta else None
    return build(path, clinics_path=clinics_path, codepoint=Path(source) if source and Path(source).exists() else None,
                 verbose=verbose)
