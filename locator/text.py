"""Folding names so that case, accents and punctuation do not matter."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SAINT = re.compile(r"\bsaint\b")


def fold(name: str) -> str:
    """Fold a place name for exact matching.

    ``"King's Lynn"``, ``"kings lynn"`` and ``"KINGS-LYNN"`` all fold to
    ``"kings lynn"``; accents are dropped (``"Dún Laoghaire"`` →
    ``"dun laoghaire"``) and ``Saint`` is written ``st``, as most UK place
    names are. Names in non-Latin scripts fold to the empty string.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    stripped = _APOSTROPHES.sub("", stripped).replace("&", " and ")
    words = _NOT_ALNUM.sub(" ", stripped).strip()
    return _SAINT.sub("st", words)


def readable(text: str) -> str:
    """``text`` with every lone UTF-16 surrogate replaced by U+FFFD, so that it can be written as UTF-8.

    A JSON client can send ``"\\ud800"`` and a command line can get undecodable
    bytes (as ``\\udcff``); the error echoing such a query must still be
    written, by the API and the CLI alike.
    """
    if text.isascii():
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
