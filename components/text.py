"""Turning values into words and safe Markdown. No Streamlit, no geography.

Two escapes, for two kinds of text bound for ``st.markdown`` (and the
widgets that render Markdown: ``st.error``, ``st.caption``, button labels):
:func:`markdown_escaped` for the project's own words and data (clinic names,
addresses, credits), :func:`markdown_as_typed` for anything holding what a
person typed (a query, an error that quotes it), which must never become a
link, a picture or a colour.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([!-/:-@\[-`{-~])")
# The marks that start Markdown syntax mid-line, a directive (:red[...]), maths ($...$) or an entity.
_MARKDOWN = re.compile(r"[\\`*_{}\[\]()<>#+\-!|~$&]")
# A number and "." at the very start would make a numbered list.
_LIST_START = re.compile(r"^(\s*\d+)([.)])")
# Streamlit turns bare links (http://..., www...., name@host) and :emoji: codes into links and
# pictures after escapes are undone; an invisible word joiner inside each such mark stops it,
# and leaves ordinary sentences ("postcode: ZZ is ...") untouched.
_LINK_MARKS = re.compile(r"(?<=[:@])(?=[\w/])|(?i:(?<=www))(?=\.)")
_WORD_JOINER = "\u2060"


def markdown_escaped(text: str) -> str:
    """``text`` as Markdown that shows every character as written: for our own data (clinic names, addresses).

    Backslash-escapes all ASCII punctuation, which CommonMark always allows,
    so nothing becomes emphasis, a link, a colour or a formula. It does not
    stop bare web addresses becoming links, so text a person typed goes
    through :func:`markdown_as_typed` (or ``st.text``) instead, never through this.
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def markdown_as_typed(text: str) -> str:
    """``text``, which holds what a person typed, as Markdown shown exactly as typed: no links, images, colours or maths."""
    escaped = _MARKDOWN.sub(r"\\\g<0>", _LINK_MARKS.sub(_WORD_JOINER, text))
    return _LIST_START.sub(r"\1\\\2", escaped)


def distance(miles: float, km: float) -> str:
    """"10.6 miles (17.1 km)", "156 miles (252 km)", "less than 0.1 miles (under 0.2 km)".

    One decimal below 10 miles, where a tenth is a few minutes' walk; whole
    miles above, where it is noise in a straight-line figure.
    """
    if miles < 0.1:
        return "less than 0.1 miles (under 0.2 km)"
    if miles < 10:
        return f"{miles:.1f} miles ({km:.1f} km)"
    return f"{miles:.0f} miles ({km:.0f} km)"


def distance_sentence(miles: float, km: float) -> str:
    """"About 10.6 miles (17.1 km) away in a straight line." (or "Less than 0.1 miles ...")."""
    words = distance(miles, km)
    words = words[0].upper() + words[1:] if miles < 0.1 else f"About {words}"
    return f"{words} away in a straight line."
