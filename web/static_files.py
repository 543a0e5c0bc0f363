"""Middleware: the static files, compressed once at set-up, cached by what their names say (ADR 16).

Every GET or HEAD of a file in one of the trees of :mod:`web.static_trees`
(Streamlit's bundle at ``/``, the app's ``static/`` at ``/app/static/``, a
component's folder at ``/component/<name>/``) is answered here:

* **compressed**: the brotli or gzip copy made by ``bin/setup``
  (``build/compressed/``), when the browser accepts it and the file is
  unchanged since; ``Vary: Accept-Encoding`` on every form of such a file.
  A ``Range`` request gets the bytes as they are, so ranges count the file's
  own bytes. No CPU is spent compressing per request.
* **cached**: a file whose name or URL carries its content hash (Streamlit's
  ``/static/`` bundle, ``main.521860b0.js``, or a ``?v=`` of 8 to 64 hex
  digits that changes whenever the content does, as the map layers'
  fingerprint does) gets ``public, max-age=31536000, immutable``; an HTML page or manifest ``no-cache``; every other file a
  short :data:`SHORT_CACHE` and then revalidation.
* **cut down**: Streamlit's icon font is answered with the copy holding only the
  app's icons (:mod:`web.icon_font`, ADR 27), ``no-cache``: its name is the whole
  font's.
* **revalidated**: a strong ETag per form (the content's SHA-256 and the
  coding), so ``If-None-Match`` gets a 304.

Anything else (a directory, a missing file, a path Streamlit refuses as
unsafe, another method) goes on to Streamlit unchanged, which answers it as
before. Content types are Streamlit's own (``guess_content_type``), and the
CORS headers those routes sent are kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config
from streamlit.logger import get_logger
from streamlit.web.server.component_file_utils import build_safe_abspath, guess_content_type
from streamlit.web.server.server_util import allow_all_cross_origin_requests, is_allowed_origin

from web.encodings import choose
from web.icon_font import served_copy
from web.static_trees import APP_STATIC, BUILD_DIR, STREAMLIT_STATIC, Entry, read_manifest

IMMUTABLE = "public, max-age=31536000, immutable"
#: Long enough for one visit's pages to share the map's files, short enough that a new release shows in minutes.
SHORT_CACHE = "public, max-age=600, must-revalidate"
NO_CACHE = "no-cache"
#: webpack's and Create React App's content hashes: main.521860b0.js, 2.a1b2c3d4.chunk.css.
_HEX_HASH_NAME = re.compile(r"\.[0-9a-f]{8,}\.")
#: ``?v=`` with a hash of the content or of everything it is built from (the map layers' fingerprint).
_VERSION = re.compile(r"[0-9a-fA-F]{8,64}")
_NO_CACHE_NAMES = re.compile(r"(?:\.html|(?:^|/)(?:asset-)?manifest\.json)$")
#: Streamlit's own Vite build: every file under static/ is named by its content (index.DormvYxC.js).
_STREAMLIT_HASHED = "static/"

_LOG = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Found:
    path: str  # real path of the file
    relative: str  # its path inside its tree, with forward slashes
    tree: str  # "streamlit", "app", "component", or "icons" (the cut-down icon font, web.icon_font)


class PrecompressedStatic:
    def __init__(self, app: ASGIApp, manifest: dict[str, Entry] | None = None) -> None:
        self.app = app
        self._manifest = read_manifest() if manifest is None else manifest
        if not self._manifest:
            _LOG.warning("No compressed static files (run bin/setup): Streamlit's bundle goes out uncompressed.")
        self._base = "/" + (config.get_option("server.baseUrlPath") or "").strip("/")
        self._app_static = bool(config.get_option("server.enableStaticServing"))
        self._icon_font = served_copy()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = None
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            found = self._find(scope["path"])
        if found is None:
            await self.app(scope, receive, send)
            return
        await self._response(found, Headers(scope=scope), scope)(scope, receive, send)

    # -- which file

    def _find(self, path: str) -> Found | None:
        if self._base != "/":
            if not path.startswith(self._base + "/"):
                return None
            path = path[len(self._base):]
        if path.startswith("/app/static/"):
            return self._in("app", str(APP_STATIC), path[len("/app/static/"):]) if self._app_static else None
        if path.startswith("/component/"):
            name, _, rest = path[len("/component/"):].partition("/")
            root = _component_root(name)
            return self._in("component", root, rest) if root else None
        if path in ("/", "/index.html"):
            return None  # the pages: web.page_html
        # The copy as this process found it at start-up; if set-up has since replaced it (an icon added),
        # Streamlit's whole font until the next start, never a missing file.
        if self._icon_font and path.lstrip("/") == self._icon_font[0] and self._icon_font[1].is_file():
            return Found(str(self._icon_font[1]), self._icon_font[0], "icons")
        return self._in("streamlit", str(STREAMLIT_STATIC), path.lstrip("/"))

    @staticmethod
    def _in(tree: str, root: str, relative: str) -> Found | None:
        if not relative:
            return None
        real = build_safe_abspath(root, relative)
        if real is None or not os.path.isfile(real):
            return None
        return Found(real, relative.replace("\\", "/"), tree)

    # -- the answer

    def _response(self, found: Found, headers: Headers, scope: Scope) -> Response:
        stat = os.stat(found.path)
        entry = self._current(found.path, stat)
        forms = entry.forms if entry else {}
        coding = None if "range" in headers else choose(headers.get("accept-encoding", ""), forms)
        response_headers = {"Cache-Control": self._cache_control(found, scope)}
        if forms:
            response_headers["Vary"] = "Accept-Encoding"
        response_headers.update(_cors(found.tree, headers))
        if coding:
            response = FileResponse(BUILD_DIR / forms[coding], media_type=guess_content_type(found.path),
                                    headers={**response_headers, "Content-Encoding": coding})
            del response.headers["accept-ranges"]
            response.headers["last-modified"] = formatdate(stat.st_mtime, usegmt=True)  # the file's, not the copy's
        else:
            response = FileResponse(found.path, media_type=guess_content_type(found.path), headers=response_headers,
                                    stat_result=stat)
        if entry is not None:
            response.headers["etag"] = f'"{entry.sha256[:32]}{"-" + coding if coding else ""}"'
        if _matches(headers.get("if-none-match"), response.headers["etag"]):
            return Response(status_code=304, headers={k: v for k, v in response.headers.items()
                                                      if k in ("etag", "cache-control", "vary", "last-modified")})
        return response

    def _current(self, path: str, stat: os.stat_result) -> Entry | None:
        """The manifest's entry for ``path`` if its copies still hold the file's content, else None.

        A file rewritten with the same content since set-up (the map layers are rebuilt when
        their inputs change, or were not built) is hashed once, on the first request after.
        """
        entry = self._manifest.get(path)
        if entry is None or (entry.size, entry.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return entry
        if entry.size == stat.st_size and _sha256(path) == entry.sha256:
            entry = self._manifest[path] = dataclasses.replace(entry, mtime_ns=stat.st_mtime_ns)
            return entry
        _LOG.warning("%s changed since bin/setup compressed it: sent uncompressed until bin/setup runs again.",
                     path)
        del self._manifest[path]
        return None

    @staticmethod
    def _cache_control(found: Found, scope: Scope) -> str:
        if _NO_CACHE_NAMES.search(found.relative) or found.tree == "icons":
            return NO_CACHE
        if found.tree == "streamlit" and found.relative.startswith(_STREAMLIT_HASHED):
            return IMMUTABLE
        if _HEX_HASH_NAME.search(Path(found.relative).name):
            return IMMUTABLE
        version = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
        if _VERSION.fullmatch(version):
            return IMMUTABLE
        return SHORT_CACHE


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _component_root(name: str) -> str | None:
    from streamlit import runtime

    try:
        return runtime.get_instance().component_registry.get_component_path(name)
    except RuntimeError:  # no runtime yet
        return None


def _cors(tree: str, headers: Headers) -> dict[str, str]:
    """The CORS headers Streamlit's own routes send: any origin for the app's files, its allow-list for components."""
    if tree == "app" or (tree == "component" and allow_all_cross_origin_requests()):
        return {"Access-Control-Allow-Origin": "*"}
    origin = headers.get("origin")
    if tree == "component" and origin and is_allowed_origin(origin):
        return {"Access-Control-Allow-Origin": origin}
    return {}


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag.removeprefix("W/") in tags
