"""Which compressed form of a response a browser takes (``Accept-Encoding``), and making those forms.

Brotli first (about 15 % smaller than gzip on JavaScript), then gzip, then
the bytes as they are. A coding the browser lists with ``q=0`` is refused, as
RFC 9110 says; ``*`` stands for any coding not named.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Mapping

import brotli

#: Content-Coding names in the order the server prefers them.
PREFERRED = ("br", "gzip")
#: The file suffix each coding is stored under.
SUFFIX = {"br": ".br", "gzip": ".gz"}


def accepted(accept_encoding: str) -> dict[str, float]:
    """``Accept-Encoding`` as {coding: q}, lower case; a malformed q counts as 0 (refused)."""
    codings: dict[str, float] = {}
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        codings[name] = q
    return codings


def choose(accept_encoding: str, available: Iterable[str]) -> str | None:
    """The preferred coding among ``available`` that the browser accepts, or None for the bytes as they are."""
    codings = accepted(accept_encoding)
    have = set(available)
    for name in PREFERRED:
        if name in have and codings.get(name, codings.get("*", 0.0)) > 0:
            return name
    return None


def compress(data: bytes, coding: str, brotli_quality: int = 11) -> bytes:
    """``data`` compressed (by default as hard as each coding goes): once per file or page, never per request."""
    if coding == "br":
        return bytes(brotli.compress(data, quality=brotli_quality))
    if coding == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0)
    raise ValueError(f"unknown content coding {coding!r}")


def compressed_forms(data: bytes) -> Mapping[str, bytes]:
    """Every preferred coding of ``data`` that is smaller than ``data`` itself."""
    forms = {coding: compress(data, coding) for coding in PREFERRED}
    return {coding: body for coding, body in forms.items() if len(body) < len(data)}
