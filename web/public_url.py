"""The app's public address: ``CLINIC_LOCATOR_PUBLIC_URL`` (``https://clinics.example.org``).

Search engines need absolute addresses (the sitemap, ``robots.txt``'s
``Sitemap:`` line, the clinics' structured data, the page's canonical link).
Behind a balancer or TLS terminator the server cannot know the address
people type, so the operator names it; ``bin/serve`` reads the same
variable. Unset, each response uses the address its own request was made
to, which is right for ``bin/app`` on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from streamlit.logger import get_logger

PUBLIC_URL_ENV = "CLINIC_LOCATOR_PUBLIC_URL"

_LOG = get_logger(__name__)


def public_url(environ: Mapping[str, str]) -> str | None:
    """The variable as an origin without a trailing slash, or None when unset or not an origin (logged)."""
    value = environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment:
        _LOG.error("%s=%r is not an origin like https://clinics.example.org (scheme and host only); "
                   "pages will name the address each request was made to instead.", PUBLIC_URL_ENV, value)
        return None
    return value


def base_url(request: HTTPConnection, public: str | None) -> str:
    """Where the app's pages are, without a trailing slash: the public URL, else this request's own."""
    return public or str(request.base_url).rstrip("/")
