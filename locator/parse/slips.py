"""Common slips in a typed UK postcode: O for 0, I or l for 1, 0 for O.

A UK postcode's shape fixes which places hold a digit and which a letter:
the outward code is one or two letters, a digit, then a digit or a letter
(``SL6``, ``CF10``, ``EC1A``); the inward code a digit and two letters. Where
only a digit can stand, ``O`` means ``0`` and ``I``/``L`` mean ``1``; where
only a letter can stand in the area, ``0`` means ``O`` (``0X4`` is ``OX4``).

These functions only propose readings. The parser asks for them only when
the text as typed is not a real postcode, and accepts one only when it is
the single reading that is real (a district in the list, and a unit in the
live postcode list), so a correctly typed postcode is never changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

_TO_DIGIT = {"O": "0", "I": "1", "L": "1"}
_TO_LETTER = {"0": "O"}
# Outward shapes by length: L a letter, D a digit, X either (the last may be a letter: EC1A, W1G).
_OUTWARD_SHAPES = {2: ("LD",), 3: ("LLD", "LDD", "LDX"), 4: ("LLDD", "LLDX")}
_INWARD_SHAPE = "DLL"


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of reading a typed code: the compact text and the characters changed."""

    compact: str
    changes: tuple[tuple[str, str], ...]
    has_inward: bool = True

    @property
    def outward(self) -> str:
        return self.compact[:-3] if self.has_inward else self.compact

    @property
    def spaced(self) -> str:
        return f"{self.compact[:-3]} {self.compact[-3:]}" if self.has_inward else self.compact


def _fit(chars: str, shape: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    out, changes = [], []
    for char, want in zip(chars, shape, strict=True):
        if want == "D" and not char.isdigit():
            if char not in _TO_DIGIT:
                return None
            out.append(_TO_DIGIT[char])
            changes.append((char, _TO_DIGIT[char]))
        elif want == "L" and not char.isalpha():
            if char not in _TO_LETTER:
                return None
            out.append(_TO_LETTER[char])
            changes.append((char, _TO_LETTER[char]))
        else:
            out.append(char)
    return "".join(out), tuple(changes)


def readings(compact: str) -> tuple[Reading, ...]:
    """Every reading of ``compact`` (upper case, no spaces) that changes at least one slip character.

    Full postcodes (5 to 7 characters) and outward codes alone (2 to 4) are
    tried; anything else has no readings, and so has text without a digit
    (a word such as ``Coll`` is a place, not ``CO11`` mistyped). The
    readings are not checked against any list: see :func:`choose`.
    """
    if not compact.isascii() or not compact.isalnum() or not any(c.isdigit() for c in compact):
        return ()
    found: dict[str, Reading] = {}
    shapes = []
    if 5 <= len(compact) <= 7:
        shapes += [(s + _INWARD_SHAPE, True) for s in _OUTWARD_SHAPES[len(compact) - 3]]
    if 2 <= len(compact) <= 4:
        shapes += [(s, False) for s in _OUTWARD_SHAPES[len(compact)]]
    for shape, has_inward in shapes:
        fitted = _fit(compact, shape)
        if fitted and fitted[1]:
            text, changes = fitted
            found.setdefault(text, Reading(text, changes, has_inward))
    return tuple(found.values())


def as_digit(char: str) -> str | None:
    """The digit ``char`` is a slip for (``O`` → ``0``), or ``None``."""
    return _TO_DIGIT.get(char)


class Verdict(Enum):
    """How real a reading is, as far as the postcode lists can tell."""

    CERTAIN = "certain"  # a live postcode, or a real district typed alone
    POSSIBLE = "possible"  # a real district whose unit is not in the live list, or no live list to check


def choose(candidates: tuple[Reading, ...],
           is_real: Callable[[Reading], Verdict | None]) -> tuple[Reading | None, tuple[Reading, ...]]:
    """The one certain reading, or ``None`` and those worth suggesting.

    ``is_real(reading)`` gives its :class:`Verdict`, or ``None`` when it is
    not real. A reading is certain only when it is the single one that is
    :attr:`Verdict.CERTAIN`; every reading with a verdict is worth suggesting.
    """
    verdicts = [(r, is_real(r)) for r in candidates]
    certain = [r for r, v in verdicts if v is Verdict.CERTAIN]
    if len(certain) == 1:
        return certain[0], ()
    possible = [r for r, v in verdicts if v is not None]
    return None, tuple(possible)
