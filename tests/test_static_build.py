"""Compressing the static files at set-up (web/static_build.py), on folders of the test's own."""

from __future__ import annotations

import gzip
import os
import re

import brotli
import pytest
from starlette.applications import Starlette

from tests.event_loop import asgi_get
from web import static_build
from web.encodings import accepted, choose
from web.static_files import PrecompressedStatic
from web.static_trees import STREAMLIT_STATIC, read_manifest

SCRIPT = b"function answer(){return 'SL6 8DG is nearest Maidenhead';}\n" * 200


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "static"
    (root / "js").mkdir(parents=True)
    (root / "js" / "app.js").write_bytes(SCRIPT)
    (root / "tiny.css").write_bytes(b"a{b:c}")
    (root / "picture.png").write_bytes(os.urandom(4096))
    return root


def test_text_files_get_brotli_and_gzip_copies_that_decode_to_them(tree, tmp_path):
    out = tmp_path / "out"
    count, made = static_build.build([tree], out)
    assert count == 3 and made == 2
    entry = read_manifest(out / "manifest.json")[str((tree / "js" / "app.js").resolve())]
    assert brotli.decompress((out / entry.forms["br"]).read_bytes()) == SCRIPT
    assert gzip.decompress((out / entry.forms["gzip"]).read_bytes()) == SCRIPT


def test_tiny_and_already_compressed_files_are_recorded_but_not_compressed(tree, tmp_path):
    out = tmp_path / "out"
    static_build.build([tree], out)
    manifest = read_manifest(out / "manifest.json")
    for name in ("tiny.css", "picture.png"):
        entry = manifest[str((tree / name).resolve())]
        assert entry.forms == {} and len(entry.sha256) == 64


def test_a_second_build_compresses_only_what_changed_and_drops_copies_nothing_needs(tree, tmp_path):
    out = tmp_path / "out"
    static_build.build([tree], out)
    assert static_build.build([tree], out)[1] == 0
    old = set(os.listdir(out))
    (tree / "js" / "app.js").write_bytes(SCRIPT + b"// a new release\n")
    assert static_build.build([tree], out)[1] == 2
    now = set(os.listdir(out))
    assert len(now) == len(old) and now != old


def test_a_file_changed_since_the_build_is_sent_as_it_is_never_from_a_stale_copy(tree, tmp_path, monkeypatch):
    out = tmp_path / "out"
    static_build.build([tree], out)
    (tree / "js" / "app.js").write_bytes(b"// changed after set-up\n" * 100)
    monkeypatch.setattr("web.static_files.STREAMLIT_STATIC", tree)
    monkeypatch.setattr("web.static_files.BUILD_DIR", out)
    middleware = PrecompressedStatic(Starlette(routes=[]), read_manifest(out / "manifest.json"))
    status, headers, body = asgi_get(middleware, "/js/app.js", {"accept-encoding": "br, gzip"})
    assert status == 200 and "content-encoding" not in headers and body == b"// changed after set-up\n" * 100


def test_a_file_rewritten_with_the_same_content_is_still_sent_compressed(tree, tmp_path, monkeypatch):
    out = tmp_path / "out"
    static_build.build([tree], out)
    script = tree / "js" / "app.js"
    stat = script.stat()
    os.utime(script, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # as a rebuild of the same file does
    monkeypatch.setattr("web.static_files.STREAMLIT_STATIC", tree)
    monkeypatch.setattr("web.static_files.BUILD_DIR", out)
    middleware = PrecompressedStatic(Starlette(routes=[]), read_manifest(out / "manifest.json"))
    status, headers, body = asgi_get(middleware, "/js/app.js", {"accept-encoding": "br"})
    assert headers["content-encoding"] == "br" and brotli.decompress(body) == SCRIPT


def test_streamlits_bundle_names_every_script_and_style_by_its_content():
    """What makes /static/ safe to cache for a year: a Streamlit upgrade that stops doing so fails here."""
    files = [p for p in (STREAMLIT_STATIC / "static").rglob("*") if p.is_file()]
    assert files
    unhashed = [p.name for p in files if not re.search(r"\.[\w-]{8}\.\w+(\.\w+)?$", p.name)]
    assert unhashed == []


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("*", "br"),
    ("*;q=0, gzip", "gzip"), ("identity", None), ("", None), ("br;q=bad, gzip;q=0", None), ("BR", "br")])
def test_the_coding_chosen_is_the_best_one_the_browser_accepts(header, expected):
    assert choose(header, ["br", "gzip"]) == expected


def test_accept_encoding_is_read_with_its_weights():
    assert accepted("gzip;q=0.5, br") == {"gzip": 0.5, "br": 1.0}
