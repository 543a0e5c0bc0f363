"""Streamlit's icon font, cut down to the icons this app can show (ADR 27).

Streamlit draws every ``:material/name:`` icon with one font, Material Symbols
Rounded: 366 KiB holding some 4,000 icons, which its page asks for on every
first visit (``document.fonts.load`` as its bundle starts) for the handful a
page shows (a phone, a letter, the page menu's arrows). Set-up
(``python -m web.static_build --build``, :mod:`web.icon_font_build`) writes a
copy holding only the icons that can appear here: every ``:material/…:``
name in Streamlit's own bundle and in the app's pages and components, about
10 KiB. The static files' middleware sends it at the font's own address
(:func:`served_copy`).

That address is named by the whole font's hash, so the copy goes out with
``no-cache`` and its own ETag: a browser keeps it and asks again each visit
(a 304), and never keeps a copy made before an icon was added. (Another
family name for the copy does not do: Streamlit's ``document.fonts.load``
still fetches the whole font by its own name.)

When the copy cannot be trusted, the whole font goes out: no copy made, a
Streamlit whose font is not the one it was cut from, or an icon in the app's
code that it lacks (a page changed since set-up). An icon is then never drawn
as its name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from streamlit import file_util
from streamlit.logger import get_logger

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Where set-up writes the copy and its record (git-ignored).
ICONS_DIR = REPO_ROOT / "static" / "build" / "icons"
RECORD = "icons.json"
#: An icon as Streamlit's pages and bundle name it.
ICON_NAME = re.compile(r":material/([a-z0-9_]{1,64}):")
#: The app's code that may name an icon.
APP_SOURCES = (REPO_ROOT / "app.py", REPO_ROOT / "app_pages", REPO_ROOT / "components")
STREAMLIT_MEDIA = Path(file_util.get_static_dir()) / "static" / "media"

_LOG = get_logger(__name__)


@dataclass(frozen=True)
class IconFont:
    """The record set-up writes beside the copy: its file, the font it was cut from, and its icons."""

    file: str
    source: str
    icons: frozenset[str]

    def to_json(self) -> str:
        return json.dumps({"file": self.file, "source": self.source, "icons": sorted(self.icons)}, indent=1)

    @classmethod
    def read(cls, path: Path) -> IconFont:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(str(raw["file"]), str(raw["source"]), frozenset(map(str, raw["icons"])))


def names_in(texts: Iterable[str]) -> set[str]:
    return {name for text in texts for name in ICON_NAME.findall(text)}


def app_icons() -> set[str]:
    """Every icon the app's own pages and components name."""
    files = [p for source in APP_SOURCES for p in ([source] if source.is_file() else sorted(source.rglob("*.py")))]
    return names_in(p.read_text(encoding="utf-8") for p in files)


def streamlit_font() -> Path | None:
    """The icon font Streamlit ships (its name carries its content hash)."""
    return next(iter(sorted(STREAMLIT_MEDIA.glob("MaterialSymbols-Rounded.*.woff2"))), None)


def served_copy(icons_dir: Path = ICONS_DIR) -> tuple[str, Path] | None:
    """(the font's path in Streamlit's static folder, the copy to send there), or None to send the whole font."""
    try:
        font = IconFont.read(icons_dir / RECORD)
    except FileNotFoundError:
        _LOG.info("No cut-down icon font (python -m web.static_build --build makes it): Streamlit's whole one is sent.")
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _LOG.warning("Unreadable %s (%s): Streamlit's whole icon font is sent.", icons_dir / RECORD, exc)
        return None
    shipped = streamlit_font()
    copy = icons_dir / font.file
    missing = app_icons() - font.icons
    if shipped is None or shipped.name != font.source or not copy.is_file() or missing:
        _LOG.warning("The cut-down icon font is out of date (%s): Streamlit's whole one is sent until "
                     "python -m web.static_build --build runs again.",
                     f"missing {', '.join(sorted(missing))}" if missing else "Streamlit's font changed")
        return None
    return shipped.relative_to(STREAMLIT_MEDIA.parents[1]).as_posix(), copy
