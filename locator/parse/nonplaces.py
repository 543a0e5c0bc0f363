"""Text that is not a place at all: a phone number, an email address, a spreadsheet formula, a placeholder.

Each is recognised on its own shape, so a person who typed one is told what
it looks like rather than that no town has that name. Phone numbers are
checked with phonenumbers (as a UK or an Irish number).
"""

from __future__ import annotations

import re

import phonenumbers

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]{2,}")
_PHONE_CHARS = re.compile(r"\+?[0-9 ()\-.]+")
_MIN_PHONE_DIGITS = 9
_FORMULA_START = ("=", "+", "@")
# What people put in a spreadsheet cell or a form for "no answer" (compared in lower case).
_PLACEHOLDERS = frozenset({"n/a", "n.a.", "n/k", "na", "none", "nil", "null", "unknown", "tbc", "tba", "not known",
                           "no postcode", "xxx", "x"})


def what_it_is(cleaned: str) -> str | None:
    """A short description (``"a phone number"``) if ``cleaned`` is not a place, else ``None``.

    ``cleaned`` is the query after :func:`locator.parse.clean`.
    """
    if _EMAIL.fullmatch(cleaned):
        return "an email address"
    if (_PHONE_CHARS.fullmatch(cleaned) and sum(c.isdigit() for c in cleaned) >= _MIN_PHONE_DIGITS
            and any(_possible_phone(cleaned, region) for region in ("GB", "IE"))):
        return "a phone number"
    if cleaned.startswith(_FORMULA_START) or (cleaned.startswith("-") and len(cleaned) > 1):
        return "a spreadsheet formula"
    return None


def is_placeholder(cleaned: str) -> bool:
    """Whether ``cleaned`` stands for no answer: ``N/A``, ``none``, or no letter or digit at all (``?``, ``-``)."""
    return cleaned.casefold() in _PLACEHOLDERS or not any(c.isalnum() for c in cleaned)


def _possible_phone(text: str, region: str) -> bool:
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        return False
