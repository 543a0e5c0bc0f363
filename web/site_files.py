"""``/robots.txt`` and ``/sitemap.xml``: what search engines may crawl, and the pages worth listing.

Without these, Streamlit answers both with the app's HTML page. Addresses are
absolute, at ``CLINIC_LOCATOR_PUBLIC_URL`` when it is set (the address the
public types), else at the address the request was made to
(:mod:`web.public_url`).

Crawlers are kept off what is not a page for the public: the staff desk,
the API, the staff session route and the server-rendered search answers
(one per query typed; see :mod:`web.plain_search`).
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.public_url import base_url

#: The pages in the public navigation, by Streamlit ``url_path`` ('' is the home page). The staff
#: desk is left out on purpose; tests/test_site_files.py checks this against app.py's st.Page list.
PUBLIC_PAGES = ("", "about-treatment")
#: Paths crawlers are asked to leave alone.
NOT_FOR_CRAWLERS = ("/search", "/call-centre", "/api/", "/staff/")
CACHE = "public, max-age=3600"


class SiteFiles:
    def __init__(self, public: str | None) -> None:
        self._public = public

    def routes(self) -> list[Route]:
        return [Route("/robots.txt", self.robots, methods=["GET", "HEAD"]),
                Route("/sitemap.xml", self.sitemap, methods=["GET", "HEAD"])]

    async def robots(self, request: Request) -> Response:
        lines = ["User-agent: *", *(f"Disallow: {path}" for path in NOT_FOR_CRAWLERS),
                 "", f"Sitemap: {base_url(request, self._public)}/sitemap.xml", ""]
        return _response(request, "\n".join(lines), "text/plain; charset=utf-8")

    async def sitemap(self, request: Request) -> Response:
        base = base_url(request, self._public)
        urls = "".join(f"<url><loc>{escape(f'{base}/{page}')}</loc></url>" for page in PUBLIC_PAGES)
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')
        return _response(request, xml, "application/xml")


def _response(request: Request, text: str, media_type: str) -> Response:
    body = text.encode()
    headers = {"Cache-Control": CACHE, "Content-Length": str(len(body))}
    return Response(b"" if request.method == "HEAD" else body, headers=headers, media_type=media_type)
