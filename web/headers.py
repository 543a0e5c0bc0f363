"""Who may frame the app and who may call its API: ``CLINIC_LOCATOR_ALLOWED_ORIGINS``.

The variable names the clinics' sites, comma-separated
(``https://www.example.org,https://book.example.org``); it is empty by
default, so that only the app itself may frame its pages and no other site's
scripts may read the API's answers.

* :class:`SecurityHeaders`: every HTTP response carries
  ``Content-Security-Policy: frame-ancestors 'self' <origins>`` and
  ``X-Content-Type-Options: nosniff``.
* :class:`Cors`: under ``/api/``, a request from one of the origins gets
  ``Access-Control-Allow-Origin`` naming it (no other origin gets one, and
  never ``*``), and its preflight is answered; a preflight from any other
  origin gets a JSON 403.
* :func:`trust_host_messages_from`: Streamlit's page obeys messages from the
  page that embeds it (rerun, stop, set the query, set a theme) only from
  these origins, instead of Streamlit's default list of its own hosting sites.

The two middlewares are plain ASGI middleware (they wrap ``send``), so
streamed and websocket traffic pass through untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.logger import get_logger

from web.api import ApiError, error_response

ORIGINS_ENV = "CLINIC_LOCATOR_ALLOWED_ORIGINS"
API_PREFIX = "/api/"
PREFLIGHT_MAX_AGE_S = 600
# scheme://host[:port] and nothing else: an origin goes into a header verbatim, so a path,
# a space, a quote or a semicolon (which would add a CSP directive) is refused.
_ORIGIN = re.compile(r"https?://(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
                     r"|\[[0-9a-f:.]+\])(?::\d{1,5})?")

_LOG = get_logger(__name__)


def allowed_origins(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The origins named in :data:`ORIGINS_ENV`, in order, lower-cased, without duplicates.

    A trailing slash is dropped (``https://example.org/`` is the origin
    ``https://example.org``). An entry that is not an origin is logged and
    left out, so that a typo closes the door rather than opening it.
    """
    origins: list[str] = []
    for entry in environ.get(ORIGINS_ENV, "").split(","):
        origin = entry.strip().lower().removesuffix("/")
        if not origin:
            continue
        if not _ORIGIN.fullmatch(origin):
            _LOG.error("%s: %r is not an origin like https://www.example.org (scheme and host, optional port, "
                       "no path); it is ignored.", ORIGINS_ENV, entry.strip())
            continue
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)


def trust_host_messages_from(origins: Iterable[str]) -> Callable[[], None]:
    """Make ``origins`` Streamlit's ``client.allowedOrigins``, now and after every re-read of its config.

    Streamlit's frontend acts on ``postMessage`` commands from the page that
    embeds it when that page's origin matches this list; by default the list
    is 16 patterns of Streamlit Community Cloud's sites, which are not the
    clinics'. The page also tests every ``message`` event it gets (the map's
    frame posts one each search) against each pattern, building two
    ``URLPattern`` objects per pattern: about 3 ms of a search's browser time.
    Returns the function that stops re-applying it.
    """
    from streamlit import config

    trusted = list(origins)

    def apply() -> None:
        config.set_option("client.allowedOrigins", trusted, where_defined=ORIGINS_ENV)

    # Streamlit re-reads every option from scratch when a config.toml changes. Once the config has
    # been read, on_config_parsed only calls back once unless told to stay connected.
    stop = config.on_config_parsed(apply, force_connect=True)
    apply()
    return stop


def frame_ancestors(origins: Iterable[str]) -> str:
    return " ".join(["frame-ancestors 'self'", *origins])


class SecurityHeaders:
    """Adds the framing rule and ``nosniff`` to every HTTP response."""

    def __init__(self, app: ASGIApp, origins: Iterable[str] = ()) -> None:
        self.app = app
        self.headers = [(b"content-security-policy", frame_ancestors(origins).encode()),
                        (b"x-content-type-options", b"nosniff")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Another policy a response brings is enforced as well as this one (browsers apply
                # every CSP header); nosniff is added only once.
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in self.headers if h[0] == b"content-security-policy"
                                        or h[0] not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Cors:
    """CORS for the API: exactly the allowed origins, preflight included."""

    def __init__(self, app: ASGIApp, origins: Iterable[str] = ()) -> None:
        self.app = app
        self.origins = frozenset(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        allowed = origin is not None and origin.lower() in self.origins
        if scope["method"] == "OPTIONS" and origin is not None and "access-control-request-method" in headers:
            await self._preflight(allowed, origin, headers)(scope, receive, send)
            return
        allowed_origin = origin.encode("latin-1") if allowed and origin is not None else None

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"vary", b"Origin")]
                if allowed_origin is not None:
                    extra += [(b"access-control-allow-origin", allowed_origin),
                              (b"access-control-expose-headers", b"Retry-After")]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def _preflight(allowed: bool, origin: str, headers: Headers) -> Response:
        method = headers["access-control-request-method"].upper()
        if not allowed:
            response = error_response(ApiError(403, "This site may not call the API from a browser. Its owner can "
                                                    f"add the site's origin to {ORIGINS_ENV}."))
        elif method not in ("GET", "HEAD", "POST"):
            response = error_response(ApiError(405, f"{method} is not supported: use GET or POST."))
        else:
            response = None
        extra = {"Vary": "Origin"}
        if allowed:
            extra |= {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "GET, POST",
                      "Access-Control-Allow-Headers": "Content-Type",
                      "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_S)}
        if response is None:
            response = Response(status_code=204)
        response.headers.update(extra)
        return response
