"""The static files the app serves, where their compressed copies are kept, and the record of them.

Shared by the set-up step that compresses them (:mod:`web.static_build`, run
by ``bin/setup``) and the middleware that serves them (:mod:`web.static_files`);
neither imports the other.

Three trees of files reach the browser:

* Streamlit's own bundle (its ``static`` folder in site-packages), at ``/``:
  its JavaScript and CSS under ``/static/``, every file named by its content
  hash (Vite's ``index.DormvYxC.js``), plus ``favicon.png`` and ``manifest.json``;
* the app's own ``static/`` folder, at ``/app/static/`` (Leaflet, the map's land
  and who-goes-where picture, iframe-resizer);
* each v1 custom component's build folder (``st_folium``'s), at
  ``/component/<name>/``.

The compressed copies live in ``build/compressed/`` (git-ignored), named by
the SHA-256 of what they compress; ``manifest.json`` there maps each source
file (its real path) to its size, modification time, SHA-256 and compressed
copies, so that a file changed since the build is never answered with a
stale copy.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from streamlit import file_util

if TYPE_CHECKING:
    from streamlit.components.v1.custom_component import CustomComponent

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILD_DIR = REPO_ROOT / "build" / "compressed"
MANIFEST = BUILD_DIR / "manifest.json"
#: Streamlit's bundle, served at the app's root.
STREAMLIT_STATIC = Path(file_util.get_static_dir())
#: The app's own static folder, served at /app/static/ (server.enableStaticServing).
APP_STATIC = REPO_ROOT / "static"


@dataclass(frozen=True, slots=True)
class Entry:
    """One source file as it was when compressed: ``forms`` maps a coding to its copy in BUILD_DIR."""

    size: int
    mtime_ns: int
    sha256: str
    forms: dict[str, str]


def read_manifest(path: Path = MANIFEST) -> dict[str, Entry]:
    """The record of compressed files, by real source path; empty if there is none (not built yet)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {source: Entry(**fields) for source, fields in data.get("files", {}).items()}


def write_manifest(entries: dict[str, Entry], path: Path = MANIFEST) -> None:
    files = {source: {"size": e.size, "mtime_ns": e.mtime_ns, "sha256": e.sha256, "forms": e.forms}
             for source, e in sorted(entries.items())}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"files": files}, indent=0))
    temporary.replace(path)  # a server reading it never sees half a file


def declared_components() -> list[CustomComponent]:
    """The v1 custom components declared by the modules imported so far (``st_folium``)."""
    from streamlit.components.v1.custom_component import CustomComponent

    found: dict[int, CustomComponent] = {}
    for module in list(sys.modules.values()):
        for value in list(getattr(module, "__dict__", {}).values()):
            if isinstance(value, CustomComponent):
                found[id(value)] = value
    return list(found.values())


def component_dirs() -> list[Path]:
    """The folders those components serve their files from."""
    return sorted({Path(c.path).resolve() for c in declared_components() if c.path})


def write_file(path: Path, body: bytes) -> None:
    """Write ``path`` whole or not at all: a server reading it meanwhile sees the old file or the new one."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(body)
    os.replace(temporary, path)
