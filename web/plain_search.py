"""``GET /search?postcode=SL6+8DG``: the answer as a plain HTML page, for browsers without JavaScript.

The ``<noscript>`` form of every page (:mod:`web.page_html`) sends its
search here. The answer is the core's, worded as the app words it
(:mod:`web.plain_html`), every value escaped. The search is in the address,
as the app's own ``?postcode=`` is, so:

* the page is never stored by a browser or proxy (``Cache-Control: no-store``),
  never indexed (``X-Robots-Tag: noindex``, and ``robots.txt`` disallows it),
  and its links never pass the address on (``Referrer-Policy: no-referrer``);
* no log gets the query string (:mod:`web.privacy` drops it from uvicorn's
  access log; ``streamlit run`` keeps none).

Lookups share the API's worker threads and limits (:class:`web.api.Admission`),
so a flood of form posts cannot starve the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from components.search import KEY
from components.search_feedback import TITLE_PREFIX
from components.view import Answered, Locator, Unavailable, attempt, clinic_pins, look_up
from locator import messages
from web import plain_html
from web.api import Admission, ApiError
from web.metrics import PLAIN
from web.privacy import log_failure

PATH = "/" + plain_html.SEARCH_PATH
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


class PlainSearch:
    def __init__(self, get_locator: Callable[[], Locator], admission: Admission) -> None:
        self._get_locator = get_locator
        self._admission = admission

    def routes(self) -> list[Route]:
        return [Route(PATH, self.search, methods=["GET", "HEAD"])]

    async def search(self, request: Request) -> Response:
        query = request.query_params.get(KEY, "")
        try:
            status, html = await self._admission.run(self._page, query)
        except ApiError as exc:  # busy: the pages' own message, and when to try again
            status, html = exc.status, _page(messages.SERVICE_UNAVAILABLE, plain_html.problem(exc.message, ()),
                                             query, invalid=False)
            return _response(status, html, request.method, exc.headers)
        except Exception as exc:  # never a traceback page; the log gets the kind of failure, not the query
            log_failure("Plain search failed", exc)
            status, html = 503, _page(messages.SERVICE_UNAVAILABLE,
                                      plain_html.problem(messages.SERVICE_UNAVAILABLE, ()), query, invalid=False)
        return _response(status, html, request.method)

    # -- on a worker thread

    def _page(self, query: str) -> tuple[int, str]:
        locator = attempt(self._get_locator)
        if isinstance(locator, Unavailable):
            return 503, _page(locator.message, plain_html.problem(locator.message, ()), query, invalid=False)
        pins = clinic_pins(locator.clinics)
        if not query.strip():
            return 200, _page(messages.PAGE_HEADING, "", query, invalid=False, pins=pins)
        # The app's own door (components.view), counted as this page's search.
        outcome = look_up(locator, query, counted_as=PLAIN)
        if not isinstance(outcome, Answered):
            # 200, as a form shown again with its error is (GOV.UK's pattern): a 4xx page is a console error.
            section = plain_html.problem(outcome.message, outcome.suggestions)
            return 200, _page(TITLE_PREFIX + plain_html.PROBLEM_HEADING, section, query, invalid=True, pins=pins)
        card = outcome.card
        return 200, _page(f"Nearest clinic: {card.clinic_name}", plain_html.answer(card), query, invalid=False,
                          pins=pins)


def _page(title: str, section: str, query: str, invalid: bool, pins=()) -> str:
    clinics = plain_html.clinic_list(pins) if pins else ""
    return ("<!DOCTYPE html>"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} - {escape(messages.APP_NAME)}</title>"
            f"<style>{plain_html.STYLE}</style></head>"
            f'<body><main class="plain"><h1>{escape(messages.PAGE_HEADING)}</h1>'
            f"{plain_html.search_form(query, invalid)}{section}{clinics}"
            f'<p><a href="./">{escape(messages.FULL_FINDER)}</a></p></main></body></html>')


def _response(status: int, html: str, method: str, extra: dict[str, str] | None = None) -> Response:
    body = html.encode()
    headers = {**HEADERS, **(extra or {}), "Content-Length": str(len(body))}
    return Response(b"" if method == "HEAD" else body, status, headers, media_type="text/html; charset=utf-8")
