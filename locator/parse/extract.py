"""Finding the one postcode or Eircode inside other text.

People paste addresses ("Flat 2, 5 Friar Street, Reading RG1 1DB") and write
sentences ("my postcode is SL6 8DG"), and put dots, commas, hyphens, brackets
or quotes around a postcode or between its halves ("RG1.1DB", "(SL6-8DG)").
:func:`find_codes` returns every full code standing on its own in the text;
whether each is real is for the parser to say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from locator.reference import EIRCODE_CHARACTERS

# Between a code's halves: spaces and the punctuation people type there (at most three of them).
_JOIN = r"[ .,\-\u2010-\u2015_/]{0,3}"
_UK = re.compile(rf"(?<![A-Z0-9])([A-Z]{{1,2}}[0-9][A-Z0-9]?){_JOIN}([0-9][A-Z]{{2}})(?![A-Z0-9])")
_EIRCODE = re.compile(rf"(?<![A-Z0-9])([A-Z][0-9]{{2}}|D6W){_JOIN}([{EIRCODE_CHARACTERS}]{{4}})(?![A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Found:
    """A full code in the text: its two halves, and where it stood (``start``, ``end``)."""

    outward: str
    inward: str
    start: int
    end: int
    eircode: bool

    @property
    def compact(self) -> str:
        return self.outward + self.inward

    @property
    def spaced(self) -> str:
        return f"{self.outward} {self.inward}"


def find_codes(upper: str) -> tuple[Found, ...]:
    """Every full UK postcode or Eircode shape in ``upper`` (upper-cased text), in order.

    A stretch that fits both shapes (``A65 F4EK``) is reported once for
    each; overlapping stretches are all reported.
    """
    found = [Found(m.group(1), m.group(2), m.start(), m.end(), False) for m in _UK.finditer(upper)]
    found += [Found(m.group(1), m.group(2), m.start(), m.end(), True) for m in _EIRCODE.finditer(upper)]
    return tuple(sorted(found, key=lambda f: (f.start, f.eircode)))


def rest_of(text: str, found: Found) -> str:
    """What is left of ``text`` once ``found`` is taken out."""
    return f"{text[:found.start]} {text[found.end:]}"


def has_words(text: str) -> bool:
    """Whether ``text`` has any letter or digit (punctuation and spaces alone say nothing)."""
    return any(c.isalnum() for c in text)


def remove_codes(upper: str) -> str:
    """``upper`` with every full code shape replaced by a space."""
    return _EIRCODE.sub(" ", _UK.sub(" ", upper))
