"""Streamlit's icon font is sent cut down to the icons the app can show (web/icon_font.py, ADR 27)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from starlette.applications import Starlette

from tests.event_loop import asgi_get
from web import icon_font, icon_font_build
from web.icon_font import RECORD, IconFont, app_icons, served_copy, streamlit_font
from web.static_files import PrecompressedStatic

SOME = {"call", "mail", "keyboard_double_arrow_right"}


def icons_drawn_by(path: Path) -> set[str]:
    """The names a font turns into an icon: each ligature's letters."""
    font = TTFont(path)
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items() if code < 0x80}
    names: set[str] = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first, ligatures in getattr(table, "ligatures", {}).items():
                names.update(letters[first] + "".join(letters[g] for g in lig.Component) for lig in ligatures)
    return names


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> tuple[Path, IconFont]:
    out = tmp_path_factory.mktemp("icons")
    font, _ = icon_font_build.build(out)
    return out, font


def test_streamlit_ships_the_icon_font_this_cuts_down():
    assert streamlit_font() is not None


def test_a_cut_down_font_draws_the_icons_asked_for_and_no_other(tmp_path):
    whole = streamlit_font()
    assert whole is not None
    data, found = icon_font_build.cut(whole, SOME | {"no_such_icon"})
    (tmp_path / "cut.woff2").write_bytes(data)
    assert found == SOME
    assert icons_drawn_by(tmp_path / "cut.woff2") == SOME
    assert len(data) < whole.stat().st_size / 50


def test_the_copy_set_up_makes_draws_every_icon_the_app_and_streamlit_name(copy):
    out, font = copy
    drawn = icons_drawn_by(out / font.file)
    assert app_icons() and app_icons() <= drawn
    assert {"keyboard_double_arrow_right", "more_vert", "expand_more"} <= drawn  # Streamlit's page menu, its widgets
    assert (out / font.file).stat().st_size < streamlit_font().stat().st_size / 10


def test_the_copy_is_sent_at_the_address_of_streamlit_s_font(copy):
    out, font = copy
    served = served_copy(out)
    assert served is not None
    address, path = served
    assert address == f"static/media/{streamlit_font().name}" and path == out / font.file


def test_a_copy_without_an_icon_the_app_names_is_not_sent(copy, tmp_path):
    out, font = copy
    (tmp_path / font.file).write_bytes((out / font.file).read_bytes())
    lacking = IconFont(font.file, font.source, font.icons - {"call"})
    (tmp_path / RECORD).write_text(lacking.to_json())
    assert "call" in app_icons() and served_copy(tmp_path) is None


def test_a_copy_cut_from_another_streamlit_s_font_is_not_sent(copy, tmp_path):
    out, font = copy
    (tmp_path / font.file).write_bytes((out / font.file).read_bytes())
    (tmp_path / RECORD).write_text(IconFont(font.file, "MaterialSymbols-Rounded.older.woff2", font.icons).to_json())
    assert served_copy(tmp_path) is None


@pytest.mark.parametrize("record", [None, "{not json", '{"file": "x.woff2"}'])
def test_without_a_readable_record_the_whole_font_is_sent(tmp_path, record):
    if record is not None:
        (tmp_path / RECORD).write_text(record)
    assert served_copy(tmp_path) is None


def test_an_icon_is_read_from_the_app_s_code_as_streamlit_reads_it():
    assert icon_font.names_in(['icon=":material/call:"', ":material/Call:", "material/mail", ":material/:"]) == {"call"}


def test_the_same_font_and_icons_make_the_same_copy_at_any_time(monkeypatch):
    """The copy is named by its content: a build at another moment must not rename it."""
    import fontTools.ttLib.tables._h_e_a_d as head

    whole = streamlit_font()
    assert whole is not None
    clock = iter(range(10**9, 10**9 + 100, 7))
    monkeypatch.setattr(head, "timestampNow", lambda: next(clock))
    assert icon_font_build.cut(whole, SOME) == icon_font_build.cut(whole, SOME)


def test_a_copy_replaced_by_a_later_set_up_is_answered_with_the_whole_font_not_an_error(copy, tmp_path, monkeypatch):
    """bin/serve runs set-up while other servers may be running: the copy they found at start may go."""
    out, font = copy
    whole = streamlit_font()
    assert whole is not None
    held = tmp_path / font.file
    held.write_bytes((out / font.file).read_bytes())
    address = f"static/media/{whole.name}"
    monkeypatch.setattr("web.static_files.served_copy", lambda: (address, held))
    middleware = PrecompressedStatic(Starlette(routes=[]), {})
    assert asgi_get(middleware, "/" + address, {})[2] == held.read_bytes()
    held.unlink()  # a later set-up cut a new copy, under another name
    status, _, body = asgi_get(middleware, "/" + address, {})
    assert status == 200 and body == whole.read_bytes()
