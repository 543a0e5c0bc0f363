"""The HTML the server sends for every page of the app: Streamlit's ``index.html``, with what it lacks.

Streamlit answers every page's address (``/``, ``/about-treatment``, ...) with
one ``index.html``: an empty ``<div id="root">`` that its 2 MB bundle fills
in, titled "Streamlit". :class:`PageHtml` sends, in its place, the same file
with these added (each a function in :data:`PARTS`):

* :func:`summary`: the title and a meta description; a canonical link
  when ``CLINIC_LOCATOR_PUBLIC_URL`` is set;
* :func:`clinics_for_search_engines`: each clinic as schema.org
  ``MedicalClinic`` JSON-LD (:mod:`web.structured_data`);
* :func:`without_javascript`: a ``<noscript>`` block (in place of
  Streamlit's own) with the clinics, their addresses, numbers and emails,
  and a plain form that searches by postcode (:mod:`web.plain_search`
  answers it).

**To add to the page** (the first paint, for instance), write a function
``(PageContext) -> Part`` and append it to :data:`PARTS`. A :class:`Part`
puts HTML in up to three places: ``head`` (before ``</head>``), ``body``
(first in ``<body>``) and ``root`` (inside ``<div id="root">``, which React
replaces on its first render, so whatever is there shows until Streamlit has
drawn the page). With JavaScript off, ``root`` and the ``<noscript>`` block
both show: do not repeat in one what the other says. Every value must be
escaped (``html.escape``); the context carries the clinics as the core loaded
them (never a second copy of their facts) and the page's absolute URL.

The page is built once per process (the clinics do not change while it
runs), compressed then with brotli and gzip, and sent with an ETag
of its own, ``Cache-Control: no-cache`` (it names the bundle's hashed files,
so a browser must revalidate it) and ``Vary: Accept-Encoding``. If the clinics
cannot be loaded, Streamlit's own page goes out unchanged and the app then
shows its error.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import FileResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import file_util

from components.view import ClinicPin, clinic_pins
from locator import messages
from locator.clinics import Clinic
from locator.errors import LocatorError
from locator.service import Locator
from web import bundle_after_paint, first_view, plain_html
from web.encodings import choose, compressed_forms
from web.privacy import log_failure
from web.structured_data import json_ld_scripts

INDEX_HTML = Path(file_util.get_static_dir()) / "index.html"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class PageContext:
    """What a part may use: the clinics as loaded (in file order), as pins, and the page's absolute URL."""

    clinics: tuple[Clinic, ...]
    pins: tuple[ClinicPin, ...]
    #: The app's address with a trailing slash: ``https://clinics.example.org/`` from
    #: ``CLINIC_LOCATOR_PUBLIC_URL``; unset, ``./`` (the app's root, relative to the page).
    page_url: str
    #: True when the address is the operator's (``CLINIC_LOCATOR_PUBLIC_URL``).
    public: bool


@dataclass(frozen=True)
class Part:
    """HTML to add to the page (already escaped): see the module's docstring for where each goes."""

    head: str = ""
    body: str = ""
    root: str = ""
    title: str | None = None


def summary(context: PageContext) -> Part:
    """The title, the meta description and, at the operator's address, the canonical link."""
    description = messages.page_description([c.name for c in context.clinics])
    head = f'<meta name="description" content="{escape(description)}">'
    if context.public:
        head += f'<link rel="canonical" href="{escape(context.page_url)}">'
    return Part(head=head, title=f"{messages.PAGE_HEADING} - {messages.APP_NAME}")


def clinics_for_search_engines(context: PageContext) -> Part:
    return Part(head=json_ld_scripts(context.clinics, context.page_url))


def without_javascript(context: PageContext) -> Part:
    """The clinics and a plain search form, shown only when scripts do not run."""
    return Part(
        head=f"<noscript><style>{plain_html.STYLE}</style></noscript>",
        body=(f'<noscript><main class="plain"><h1>{escape(messages.PAGE_HEADING)}</h1>'
              f"<p>{escape(messages.WITHOUT_JAVASCRIPT)}</p>{plain_html.search_form()}"
              f"{plain_html.clinic_list(context.pins)}</main></noscript>"),
    )


def first_paint(context: PageContext) -> Part:
    """The layout's styles from the first paint, and the first view before Streamlit has drawn it."""
    return Part(head=first_view.head(), root=first_view.root(context.pins, context.page_url))


#: The parts of every page, in order. Append a function here to add to the page.
PARTS: list[Callable[[PageContext], Part]] = [summary, clinics_for_search_engines, without_javascript, first_paint]


class PageTemplateError(RuntimeError):
    """Streamlit's index.html no longer has a place this module puts something (a Streamlit upgrade)."""


_TITLE = re.compile(r"<title>.*?</title>", re.S)
# Streamlit's own <noscript> speaks to programs about its agent API; ours replaces it.
_NOSCRIPT = re.compile(r"<noscript>.*?</noscript>\s*", re.S)
_ROOT = '<div id="root"></div>'


def render(template: str, parts: Sequence[Part]) -> str:
    """``template`` (Streamlit's index.html) with ``parts`` in place; raises PageTemplateError if it changed shape."""
    for anchor in ("</head>", "<body>", _ROOT):
        if template.count(anchor) != 1:
            raise PageTemplateError(f"Streamlit's index.html has {template.count(anchor)} {anchor!r}, not one")
    page = template
    title = next((p.title for p in reversed(parts) if p.title), None)
    if title is not None:
        page, found = _TITLE.subn(lambda _: f"<title>{escape(title)}</title>", page, count=1)
        if not found:
            raise PageTemplateError("Streamlit's index.html has no <title>")
    page = _NOSCRIPT.sub("", page, count=1)
    page = page.replace("</head>", "".join(p.head for p in parts) + "</head>")
    page = page.replace("<body>", "<body>" + "".join(p.body for p in parts))
    page = page.replace(_ROOT, '<div id="root">' + "".join(p.root for p in parts) + "</div>")
    try:
        return bundle_after_paint.after_first_paint(page)
    except bundle_after_paint.BundleNotFound as exc:
        raise PageTemplateError(str(exc)) from None


def build_page(locator: Locator, page_url: str, public: bool) -> str:
    clinics = tuple(locator.clinics)
    context = PageContext(clinics, tuple(clinic_pins(clinics)), page_url, public)
    return render(INDEX_HTML.read_text(encoding="utf-8"), [part(context) for part in PARTS])


@dataclass(frozen=True)
class SentPage:
    """A built page in every form it is sent in: ``forms`` maps a content coding ('' for none) to the body."""

    forms: dict[str, bytes]
    etag: str

    @classmethod
    def of(cls, html: str) -> SentPage:
        body = html.encode()
        digest = hashlib.sha256(body).hexdigest()[:20]
        return cls({"": body, **compressed_forms(body)}, digest)

    def response(self, request_headers: Headers, method: str) -> Response:
        coding = choose(request_headers.get("accept-encoding", ""), [c for c in self.forms if c])
        etag = f'"{self.etag}{"-" + coding if coding else ""}"'
        headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if etag in [t.strip() for t in request_headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
        if coding:
            headers["Content-Encoding"] = coding
        body = self.forms[coding or ""]
        headers["Content-Length"] = str(len(body))
        return Response(b"" if method == "HEAD" else body, headers=headers, media_type=HTML)


class PageHtml:
    """Middleware: wherever Streamlit answers with its index.html, send the app's page instead.

    Streamlit's page is recognised by its ETag (that of the index.html file),
    so every address Streamlit serves it at is covered, its own pages and
    its fallback for unknown paths alike, and nothing else is touched.
    """

    def __init__(self, app: ASGIApp, get_locator: Callable[[], Locator], public: str | None) -> None:
        self.app = app
        self._get_locator = get_locator
        self._public = public
        stat = os.stat(INDEX_HTML)
        self._streamlit_etag = FileResponse(INDEX_HTML, stat_result=stat).headers["etag"].encode("latin-1")
        self._built: SentPage | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_page(message: Message) -> None:
            nonlocal replaced
            if replaced:
                return  # the rest of Streamlit's file
            if message["type"] == "http.response.start" and message["status"] == 200:
                etag = dict(message.get("headers", [])).get(b"etag")
                if etag == self._streamlit_etag:
                    page = await self._page()
                    if page is not None:
                        replaced = True
                        request = HTTPConnection(scope)
                        await page.response(request.headers, scope["method"])(scope, receive, send)
                        return
            await send(message)

        await self.app(scope, receive, send_page)

    async def _page(self) -> SentPage | None:
        # Built once: unset, the addresses in it are relative, so a request's Host never shapes it
        # (nor could a stream of made-up Hosts make the server build and compress it again and again).
        if self._built is None:
            url = self._public + "/" if self._public else "./"
            try:
                locator = await to_thread.run_sync(self._get_locator)
                self._built = SentPage.of(await to_thread.run_sync(build_page, locator, url,
                                                                   self._public is not None))
            except LocatorError:
                return None  # the app itself says what is wrong; the operator's detail is logged there
            except Exception as exc:  # never a broken page: Streamlit's own goes out instead
                log_failure("Building the page's HTML failed", exc)
                return None
        return self._built
