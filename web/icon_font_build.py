"""Set-up: cut Streamlit's icon font down to the icons the app can show (:mod:`web.icon_font`, ADR 27).

Run by ``python -m web.static_build --build``. The font draws an icon from its
name: typed as letters, ``call`` becomes the phone through a ligature. The
copy keeps the letters and only the ligatures (and their glyphs) whose names
Streamlit's bundle or the app's code use, so about 90 of some 4,000 icons:
about 10 KB against 366 KiB. fontTools does the cutting; no library picks
ligatures by name, so that part is here.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from web.icon_font import ICONS_DIR, RECORD, STREAMLIT_MEDIA, IconFont, app_icons, names_in, streamlit_font
from web.static_trees import STREAMLIT_STATIC, write_file

#: The characters an icon's name is typed in; the font's other code points each draw one icon.
_NAME_CHARACTERS = range(0x20, 0x7F)


class IconFontError(RuntimeError):
    """Streamlit's icon font is not there or not the kind this cuts (a Streamlit upgrade)."""


def streamlit_icons() -> set[str]:
    """Every icon Streamlit's own bundle names (its menus, its alerts, its widgets' buttons)."""
    return names_in(p.read_text(encoding="utf-8", errors="replace")
                    for p in sorted((STREAMLIT_STATIC / "static" / "js").glob("*.js")))


def cut(source: Path, icons: set[str]) -> tuple[bytes, set[str]]:
    """``source`` as WOFF2 with only the ligatures for ``icons``; also the icons it found."""
    font = TTFont(source, recalcTimestamp=False)  # the same copy from the same font, build after build
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items() if code in _NAME_CHARACTERS}
    if "GSUB" not in font:
        raise IconFontError(f"{source} draws no icon from its name (no GSUB table)")
    found: set[str] = set()
    glyphs: set[str] = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            if not hasattr(table, "ligatures"):
                continue
            kept = {}
            for first, ligatures in table.ligatures.items():
                wanted = {name: lig for lig in ligatures if (name := _name(first, lig.Component, letters)) in icons}
                if wanted:
                    kept[first] = list(wanted.values())
                    found.update(wanted)
                    glyphs.update(lig.LigGlyph for lig in wanted.values())
            table.ligatures = kept
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=sorted(glyphs), unicodes=[c for c in _NAME_CHARACTERS if chr(c) in letters.values()])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), found


def _name(first: str, rest: list[str], letters: dict[str, str]) -> str | None:
    try:
        return letters[first] + "".join(letters[glyph] for glyph in rest)
    except KeyError:
        return None


def build(out: Path = ICONS_DIR) -> tuple[IconFont, int]:
    """Write the copy (named by its content) and its record to ``out``, remove older copies; also its size."""
    source = streamlit_font()
    if source is None:
        raise IconFontError(f"Streamlit ships no MaterialSymbols-Rounded.*.woff2 in {STREAMLIT_MEDIA}")
    wanted = streamlit_icons() | app_icons()
    data, _ = cut(source, wanted)
    # Names the font does not have (Streamlit's bundle names a few it maps to others) draw nothing
    # either way; the record holds what was asked for, so a page's icon is checked against that.
    font = IconFont(f"MaterialSymbols-Rounded.{hashlib.sha256(data).hexdigest()[:16]}.woff2", source.name,
                    frozenset(wanted))
    out.mkdir(parents=True, exist_ok=True)
    write_file(out / font.file, data)
    write_file(out / RECORD, font.to_json().encode())
    for old in out.glob("MaterialSymbols-Rounded.*.woff2"):
        if old.name != font.file:
            old.unlink()
    return font, len(data)
