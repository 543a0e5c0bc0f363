"""Places with British or UK-style postal codes that the service does not cover.

Read from ``data/outside_coverage.toml``: the overseas territories' single
postcodes (``TDCU 1ZZ``), the formats of those with their own systems
(Bermuda's ``HM 12``, Cayman's ``KY1-1234``), British Forces (BFPO)
numbers, and the places' own names. A match becomes :class:`OverseasAddress`,
whose message names the place and gives the clinics' email addresses.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass

from locator.reference import DATA_DIR
from locator.text import fold

OUTSIDE_TOML = DATA_DIR / "outside_coverage.toml"
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015/]+")


@dataclass(frozen=True, slots=True)
class OutsidePlace:
    """A place not covered: its name as a sentence uses it, its codes and names, compiled."""

    name: str
    names: frozenset[str]
    patterns: tuple[re.Pattern, ...]
    first: bool


@functools.cache
def places() -> tuple[OutsidePlace, ...]:
    with open(OUTSIDE_TOML, "rb") as f:
        records = tomllib.load(f)["place"]
    out = []
    for r in records:
        exact = [re.escape(compact(code)) for code in r.get("codes", ())]
        out.append(OutsidePlace(
            name=r["name"],
            names=frozenset(fold(n) for n in r.get("names", ())),
            patterns=tuple(re.compile(p) for p in (*exact, *r.get("patterns", ()))),
            first=bool(r.get("first", False)),
        ))
    return tuple(out)


def compact(upper: str) -> str:
    """``upper`` with spaces, hyphens, dots and slashes removed (``KY1-1234`` → ``KY11234``)."""
    return _SEPARATORS.sub("", upper.upper())


def match_code(upper: str, *, first: bool = False) -> OutsidePlace | None:
    """The place whose code the whole of ``upper`` is, or ``None``.

    With ``first``, only the places whose codes are tried before the UK
    parser (British Forces).
    """
    text = compact(upper)
    if not _any_code(first).fullmatch(text):   # one pattern for all: most queries stop here
        return None
    return next(p for p in places() if (p.first or not first) and any(x.fullmatch(text) for x in p.patterns))


@functools.cache
def _any_code(first: bool) -> re.Pattern:
    return re.compile("|".join(f"(?:{x.pattern})" for p in places() if p.first or not first for x in p.patterns))


def match_name(folded: str) -> OutsidePlace | None:
    """The place called ``folded`` (a folded name), or ``None``."""
    return next((p for p in places() if folded in p.names), None)
