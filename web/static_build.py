"""Compress every static file the app serves, once, at set-up: ``python -m web.static_build --build``.

Run by ``bin/setup``. First cuts Streamlit's icon font down to the icons the
app can show (:mod:`web.icon_font_build`, into ``static/build/icons/``; the
server sends it at the font's own address, :mod:`web.icon_font`). Then writes
brotli and gzip copies of each text file of the
trees in :mod:`web.static_trees` (Streamlit's bundle, the app's ``static/``,
the components' folders) to ``build/compressed/``, and the manifest that
the server reads at start-up. Files already compressed (same size and
modification time) are not compressed again, so a second run takes about a
second; copies no file needs any more are removed.

Brotli quality 9, not 11: quality 11 is about 10 % smaller but about 25
times slower (29 s for Streamlit's 4.7 MB Plotly chunk alone on the
project's machine), which a fresh checkout would pay for 23 MB of
JavaScript. See docs/adr/0016-compressed-and-cached-static-files.md.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from web import icon_font_build
from web.encodings import SUFFIX, compress
from web.icon_font import ICONS_DIR
from web.static_trees import (
    APP_STATIC,
    BUILD_DIR,
    MANIFEST,
    STREAMLIT_STATIC,
    Entry,
    component_dirs,
    read_manifest,
    write_file,
    write_manifest,
)

#: What is worth compressing: text formats (fonts in WOFF2, PNG, WebP and the like are compressed already).
COMPRESSIBLE = frozenset({".js", ".mjs", ".css", ".html", ".json", ".geojson", ".svg", ".txt", ".xml",
                          ".ttf", ".otf", ".ico", ".wasm", ".csv", ".md"})
#: Below this a response fits in a packet or two anyway.
MIN_BYTES = 1024
#: A copy must save at least this share of the file to be kept.
MIN_SAVING = 0.05
BROTLI_QUALITY = 9


def trees() -> list[Path]:
    """Every folder whose files the server may send: Streamlit's, the app's, the components'."""
    import importlib
    import pkgutil

    import components

    # Importing the app's components declares the custom components they use, as importing app.py does;
    # outside a script run Streamlit warns that it is in "bare mode", which here is expected.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(lambda _: False)
    for module in pkgutil.walk_packages(components.__path__, "components."):
        importlib.import_module(module.name)
    return [STREAMLIT_STATIC, APP_STATIC, *component_dirs()]


def files(roots: list[Path]) -> Iterator[Path]:
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.resolve()


def build(roots: list[Path], out: Path = BUILD_DIR) -> tuple[int, int]:
    """Record every file of ``roots``, compressing what is worth it; return (files, copies made)."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / MANIFEST.name
    old = read_manifest(manifest)
    entries: dict[str, Entry] = {}
    made = 0
    for path in files(roots):
        stat = path.stat()
        key = str(path)
        previous = old.get(key)
        if (previous and previous.size == stat.st_size and previous.mtime_ns == stat.st_mtime_ns
                and all((out / name).is_file() for name in previous.forms.values())):
            entries[key] = previous
            continue
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        forms = {}
        if path.suffix.lower() in COMPRESSIBLE and len(data) >= MIN_BYTES:
            for coding, suffix in SUFFIX.items():
                name = sha + suffix
                if not (out / name).is_file():
                    body = compress(data, coding, brotli_quality=BROTLI_QUALITY)
                    if len(body) > len(data) * (1 - MIN_SAVING):
                        continue
                    write_file(out / name, body)
                    made += 1
                forms[coding] = name
        entries[key] = Entry(stat.st_size, stat.st_mtime_ns, sha, forms)
    write_manifest(entries, manifest)
    _remove_unused(out, {name for e in entries.values() for name in e.forms.values()})
    return len(entries), made


def _remove_unused(out: Path, used: set[str]) -> None:
    for path in out.iterdir():
        if path.suffix in SUFFIX.values() and path.name not in used:
            path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.static_build", description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="compress what is new or changed (idempotent)")
    args = parser.parse_args(argv)
    if not args.build:
        parser.print_help()
        return 2
    start = time.monotonic()
    font, size = icon_font_build.build()
    print(f"{ICONS_DIR / font.file} is ready ({len(font.icons)} icons, {size:,} bytes, "
          f"cut from Streamlit's {font.source}).")
    count, made = build(trees())
    print(f"{BUILD_DIR} is ready ({count:,} static files, {made:,} compressed copies made "
          f"in {time.monotonic() - start:.1f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
